"""Boot xv6 in QEMU and talk to its shell over the serial console.

A Guest is one QEMU process. Its serial console is QEMU's stdin/stdout (-nographic):
we read what the kernel prints from QEMU's stdout and type commands by writing to
QEMU's stdin, which the guest's UART receives as keystrokes.

    guest = Guest(qemu, config, workdir, log_path)
    result = guest.boot(timeout=60)          # waits for the first "$ "
    result = guest.run("usertests", 600)     # types a command, waits for the next "$ "
    guest.stop()                             # poweroff, or kill if that does not work

boot() and run() return a Result whose status says how the wait ended:
    "ok"       the shell prompt came back
    "panic"    the kernel printed a panic line (then we stop listening: it is halted)
    "timeout"  no prompt within the time limit (hang, endless loop, reboot loop...)
    "exited"   QEMU itself ended (triple fault with -no-reboot, poweroff, crash)

How the prompt is recognised: the shell prints "$ " and then waits for input, so the
console falls silent right after "$ ". We accept a prompt when the output since the
command ends with "$ " and nothing more arrives for SETTLE_SECONDS. (Looking only
for "\\n$ " would miss the prompt after a program that ends without a newline.)

The console uses CRLF line endings (and may send stray NUL bytes); Result.output has
"\\r" and NUL removed, and terminal escape sequences stripped, so lines compare cleanly.
"""

import codecs
import dataclasses
import os
import re
import select
import shutil
import subprocess
import time

import faults
import procs

PROMPT = "$ "
SETTLE_SECONDS = 0.15          # silence after "$ " that confirms a prompt
PANIC_GRACE_SECONDS = 1.0      # keep reading this long after a panic line (backtrace)
POWEROFF_SECONDS = 5.0         # how long `poweroff` may take before we kill QEMU

# A kernel panic: the word "panic" on its own (not inside another word, so the next
# character must have arrived), in a line that is not a test's own XV6_TEST_OUTPUT
# line. Matches "panic: kfree", "cpu1: panic: acquire"; not "panicked", "no-panic".
PANIC_RE = re.compile(r"(?<![\w-])panic(?=[^\w-])")
TEST_OUTPUT_MARK = "XV6_TEST_OUTPUT"

# Terminal control sequences (SeaBIOS clears the screen, for one).
ANSI_RE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-~])")


def clean_console_text(text):
    """Normalise console text: drop CR, NUL and terminal escape sequences."""
    return ANSI_RE.sub("", text.replace("\r", "").replace("\0", ""))


DEFAULT_MEMORY_MB = 512         # the Makefile's MEM default too


@dataclasses.dataclass
class BootConfig:
    """Everything that decides how a guest is started."""
    xv6_img: str                 # boot disk: boot sector + kernel
    fs_img: str                  # file system disk (a private copy is used per boot)
    cpus: int = 2
    faults: str = ""             # FAULTS string, already validated ("" = none)
    accel: str = "tcg"           # "tcg" or "kvm"
    memory_mb: int = 512         # QEMU -m (DEFAULT_MEMORY_MB; --mem or $MEM change it)


def copy_image(src, dst):
    """Copy a disk image keeping its holes. fs.img is 64 MiB but mostly free space, which
    mkfs leaves as holes; every boot gets its own copy, so only the data is copied (the
    extents SEEK_DATA finds), and the copy is extended to the full size."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        size = os.fstat(fin.fileno()).st_size
        fd = fin.fileno()
        offset = 0
        while offset < size:
            try:
                start = os.lseek(fd, offset, os.SEEK_DATA)
            except OSError:              # no data after offset (ENXIO)
                break
            end = os.lseek(fd, start, os.SEEK_HOLE)
            fin.seek(start)
            fout.seek(start)
            remaining = end - start
            while remaining > 0:
                chunk = fin.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                fout.write(chunk)
                remaining -= len(chunk)
            offset = end
        fout.truncate(size)
    shutil.copymode(src, dst)


def qemu_command(qemu, config, xv6_img, fs_img):
    """The QEMU command line for a headless boot (the Makefile's qemu-nox uses the same)."""
    return [
        qemu, "-nographic", "-no-reboot", "-m", str(config.memory_mb),
        "-smp", str(config.cpus),
        "-drive", f"file={fs_img},index=1,media=disk,format=raw",
        "-drive", f"file={xv6_img},index=0,media=disk,format=raw",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-accel", config.accel,
    ] + faults.qemu_args(config.faults)


def describe_qemu_exit(status):
    """Explain QEMU's exit status in words."""
    if status is None:
        return "QEMU is still running"
    if status < 0:
        return f"QEMU was {procs.describe_status(status)}"
    if status == 0:
        return ("QEMU exited with status 0: the guest reset itself (a triple fault or a "
                "reboot; -no-reboot turns those into an exit)")
    if status & 1:
        return (f"QEMU exited with status {status}: the guest wrote {status >> 1} to "
                f"isa-debug-exit (poweroff)")
    return f"QEMU exited with status {status}"


@dataclasses.dataclass
class Result:
    status: str                  # "ok", "panic", "timeout" or "exited"
    output: str = ""             # cleaned console text of this step (no echo, no prompt)
    seconds: float = 0.0
    detail: str = ""             # panic line, exit explanation, ... for messages

    @property
    def ok(self):
        return self.status == "ok"

    def describe(self, timeout=None):
        """One-line explanation of a result that is not ok."""
        if self.status == "panic":
            return f"kernel panic: {self.detail}"
        if self.status == "timeout":
            limit = f" within {timeout:g} s" if timeout is not None else ""
            last = last_line(self.output)
            tail = f" (last console line: {last!r})" if last else " (no console output)"
            return f"no shell prompt{limit}: hang, endless loop or reboot loop{tail}"
        if self.status == "exited":
            return self.detail
        return "ok"


def last_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


class ConsoleEcho:
    """Copies console output to the terminal (-v), remembering if a line is open."""

    def __init__(self, stream=None):
        self.stream = stream
        self.line_open = False
        self.pending = ""            # an escape sequence cut in two by a read

    def write(self, text):
        if self.stream is None or not text:
            return
        text = self.pending + text
        self.pending = ""
        escape = text.rfind("\x1b")
        if escape >= 0 and not ANSI_RE.match(text, escape) and len(text) - escape < 16:
            text, self.pending = text[:escape], text[escape:]
        text = clean_console_text(text)   # no escape sequences: they reset terminals
        if not text:
            return
        self.stream.write(text)
        self.stream.flush()
        self.line_open = not text.endswith("\n")

    def end_line(self):
        """Called before the runner prints its own line, so it starts at column 0."""
        if self.stream is not None and self.line_open:
            self.stream.write("\n")
            self.line_open = False


class Guest:
    """One QEMU process running xv6, driven through its serial console."""

    def __init__(self, qemu, config, workdir, log_path, echo=None):
        self.qemu = qemu
        self.config = config
        self.workdir = workdir
        self.log_path = log_path
        self.echo = echo or ConsoleEcho()
        self.proc = None
        self.text = ""               # all console output so far, without CR and NUL
        self.at_prompt = False       # the shell is waiting for a command
        self.halted = False          # panicked: the kernel will not answer any more
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._log = None
        self._stderr = None
        self._scan_from = 0          # start of the first line not yet checked for panic
        self._skip_line = None       # our own command, echoed back: not a panic line
        self._panic_at = None        # where the panic line starts in self.text
        self._eof = False
        self.powered_off = False     # after stop(): QEMU had exited before any kill
        self.exit_status = None      # after stop(): QEMU's exit status

    # ---- starting -------------------------------------------------------------

    def start(self):
        """Start QEMU on private copies of the disk images."""
        os.makedirs(self.workdir, exist_ok=True)
        xv6_copy = os.path.join(self.workdir, "xv6.img")
        fs_copy = os.path.join(self.workdir, "fs.img")
        shutil.copyfile(self.config.xv6_img, xv6_copy)
        copy_image(self.config.fs_img, fs_copy)
        self.command = qemu_command(self.qemu, self.config, xv6_copy, fs_copy)
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self._log = open(self.log_path, "ab")
        self._log.write(("\n==== " + " ".join(self.command) + "\n").encode())
        self._stderr = open(os.path.join(self.workdir, "qemu-stderr.txt"), "w+b")
        self.proc = procs.spawn(self.command, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=self._stderr)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def boot(self, timeout):
        """Start QEMU and wait for the shell's first prompt."""
        started = time.monotonic()
        try:
            self.start()
        except OSError as error:
            self._close_files()
            return Result("exited", "", 0.0, f"could not start QEMU ({self.qemu}): {error}")
        result = self._wait_for_prompt(0, timeout)
        result.seconds = time.monotonic() - started
        return result

    # ---- talking to the shell -----------------------------------------------------

    def run(self, command, timeout, progress=None):
        """Type one command line and wait for the prompt that follows it.

        progress: a string; each time it appears in the output (a program announcing
        its next step), the time limit starts again, so `timeout` bounds each step.
        """
        if not self.at_prompt:
            raise RuntimeError("the shell is not waiting for a command")
        started = time.monotonic()
        start = len(self.text)
        self._skip_line = command
        self.at_prompt = False
        try:
            self.proc.stdin.write((command + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass                          # QEMU is gone; _wait_for_prompt will say so
        result = self._wait_for_prompt(start, timeout, progress)
        result.output = strip_echo(result.output, command)
        result.seconds = time.monotonic() - started
        return result

    def _wait_for_prompt(self, start, timeout, progress=None):
        """Read console output until a prompt, a panic, QEMU's exit or the deadline
        (pushed back by `timeout` whenever `progress` appears in new output)."""
        deadline = time.monotonic() + timeout
        last_data = time.monotonic()
        panic_at = None
        seen = self.text.count(progress, start) if progress else 0
        while True:
            now = time.monotonic()
            if panic_at is not None and now - panic_at >= PANIC_GRACE_SECONDS:
                self.halted = True
                return Result("panic", self._since(start), detail=self._panic_line)
            if self._eof:
                status = self._reap()
                if self._panic_line:
                    return Result("panic", self._since(start), detail=self._panic_line)
                detail = describe_qemu_exit(status)
                err = self._stderr_tail()
                if err:
                    detail += f"; QEMU said: {err}"
                return Result("exited", self._since(start), detail=detail)
            waiting_on_prompt = self.text.endswith(PROMPT) and len(self.text) > start
            if waiting_on_prompt and now - last_data >= SETTLE_SECONDS:
                self.at_prompt = True
                return Result("ok", self._since(start)[:-len(PROMPT)])
            if now >= deadline:
                return Result("timeout", self._since(start))
            # Sleep until output arrives, or until the next moment something may change.
            wake = deadline
            if waiting_on_prompt:
                wake = min(wake, last_data + SETTLE_SECONDS)
            if panic_at is not None:
                wake = min(wake, panic_at + PANIC_GRACE_SECONDS)
            if self._read(max(0.0, wake - now)):
                last_data = time.monotonic()
                if panic_at is None and self._check_panic():
                    panic_at = time.monotonic()
                if progress:
                    count = self.text.count(progress, start)
                    if count > seen:
                        seen = count
                        deadline = last_data + timeout

    def procdump(self, seconds=1.0):
        """Press Ctrl-P (the kernel prints its process table, with the kernel call
        chain of every sleeping process) and return what the console printed."""
        if self.proc is None or self.proc.poll() is not None or self.halted:
            return ""
        start = len(self.text)
        try:
            self.proc.stdin.write(b"\x10")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return ""
        deadline = time.monotonic() + seconds
        while not self._eof and time.monotonic() < deadline:
            self._read(deadline - time.monotonic())
        return clean_console_text(self.text[start:])

    def _read(self, timeout):
        """Wait up to timeout for console output and append it; True if any arrived."""
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return False
        if not data:
            self._eof = True
            return False
        self._log.write(data)
        self._log.flush()
        text = self._decoder.decode(data).replace("\r", "").replace("\0", "")
        self.text += text
        self.echo.write(text)
        return True

    def _check_panic(self):
        """Look for a panic line in the output not yet checked; True if found."""
        while True:
            newline = self.text.find("\n", self._scan_from)
            complete = newline >= 0
            line = self.text[self._scan_from:newline if complete else len(self.text)]
            if self._is_panic_line(line + ("\n" if complete else "")):
                self._panic_at = self._scan_from
                return True
            if not complete:
                return False      # an unfinished line is checked again when it grows
            self._scan_from = newline + 1

    @property
    def _panic_line(self):
        """The whole console line holding the panic, as much of it as has arrived."""
        if self._panic_at is None:
            return None
        end = self.text.find("\n", self._panic_at)
        line = self.text[self._panic_at:end if end >= 0 else len(self.text)]
        return clean_console_text(line).strip()

    def _is_panic_line(self, line):
        if TEST_OUTPUT_MARK in line:
            return False
        stripped = line.strip()
        if self._skip_line and stripped.endswith(self._skip_line):
            return False          # the echo of the command we typed
        return bool(PANIC_RE.search(line))

    def _since(self, start):
        return clean_console_text(self.text[start:])

    def _reap(self):
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def _stderr_tail(self, limit=300):
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", errors="replace").strip()
        except (OSError, ValueError):
            return ""
        return " | ".join(text.splitlines())[-limit:]

    # ---- stopping -------------------------------------------------------------

    def stop(self):
        """Power the guest off (or kill QEMU) and release everything. Idempotent."""
        if self.proc is not None:
            if self.proc.poll() is None and self.at_prompt and not self.halted:
                self._poweroff()
            self.powered_off = self.proc.poll() is not None
            procs.kill_group(self.proc)          # a no-op for a QEMU that powered off
            self.exit_status = self.proc.returncode
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.proc = None
            self.echo.end_line()
        self._close_files()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _poweroff(self):
        """Type `poweroff` and give QEMU a few seconds to exit by itself."""
        self.at_prompt = False
        try:
            self.proc.stdin.write(b"poweroff\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return
        deadline = time.monotonic() + POWEROFF_SECONDS
        while not self._eof and time.monotonic() < deadline:
            self._read(deadline - time.monotonic())
        if self._eof:                      # output closed: QEMU is exiting
            try:
                self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass

    def _close_files(self):
        for name in ("_log", "_stderr"):
            handle = getattr(self, name, None)
            if handle is not None:
                handle.close()
                setattr(self, name, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def strip_echo(output, command):
    """Remove the console's echo of the command we typed from the start of output."""
    lines = output.split("\n")
    if lines and lines[0].strip() == command.strip():
        lines = lines[1:]
    return "\n".join(lines)


def find_qemu(explicit=None):
    """The QEMU binary to use: --qemu, then $XV6_QEMU, then qemu-system-i386 on PATH."""
    name = explicit or os.environ.get("XV6_QEMU") or "qemu-system-i386"
    return shutil.which(name) or name


def kvm_usable():
    """(usable, why_not) for /dev/kvm."""
    if not os.path.exists("/dev/kvm"):
        return False, "/dev/kvm does not exist"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False, "/dev/kvm is not readable and writable by this user"
    return True, ""
