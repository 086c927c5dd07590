"""Shared pieces of the xv6 benchmarks: building variants, booting guests, tables.

The guests come from the test harness (test/qemu.py: one QEMU process driven
through its serial console); this module only adds what benchmarks need on top:

  * extra QEMU arguments (-icount shift=0, -trace ..., -net none);
  * the host time at which each piece of console output arrived, so that the
    moment a marker such as "$ " appeared can be read back (boot phases);
  * type-ahead: send keystrokes as soon as some marker appears on the console,
    before the shell's first prompt (for the instruction count at the prompt);
  * the number of disk sectors QEMU's IDE model was asked to write, counted
    from QEMU's own trace events (-trace ide_sector_write), independent of the
    guest kernel.

Everything prints GitHub-flavoured markdown tables so the output can be pasted
into bench/RESULTS.md as is.
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(ROOT, "test"))
sys.dont_write_bytecode = True          # keep test/ and bench/ free of __pycache__

import harness   # noqa: E402  (test/harness.py: make_environment)
import procs     # noqa: E402  (test/procs.py: child processes that never outlive us)
import qemu      # noqa: E402  (test/qemu.py: Guest, BootConfig)

# Guest instructions are exact and repeatable with this: one instruction is one
# nanosecond of virtual time, and the TSC follows virtual time.
ICOUNT = ["-icount", "shift=0"]

BUILD_ROOT = os.path.join(ROOT, "build", "bench")


def say(text=""):
    print(text, flush=True)


def note(text):
    """Progress line on stderr (stdout carries only the tables)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# ---- building -------------------------------------------------------------------------

def build(name, variables=(), need=("_mmapbench",)):
    """make BUILD=build/bench/<name> <variables>; returns the build folder.

    Exits with a clear message when make fails or when a user program the
    benchmark needs is not in the image (it must be listed in UPROGS).
    """
    folder = os.path.join(BUILD_ROOT, name)
    make = os.environ.get("XV6_MAKE", "make")
    command = [make, f"BUILD={os.path.relpath(folder, ROOT)}", *variables]
    note("build: " + " ".join(command))
    status, output, timed_out = procs.run(command, 900, cwd=ROOT,
                                          env=harness.make_environment())
    if status != 0:
        sys.exit(f"benchmark build failed ({' '.join(command)}):\n{output[-3000:]}")
    for program in need:
        if not os.path.exists(os.path.join(folder, "user", program)):
            sys.exit(f"{program} is not in the image: add the line '\\t{program}\\' to "
                     f"UPROGS in the Makefile (source: src/user/{program[1:]}.c)")
    return folder


def command_text(variables=()):
    """How to rebuild a variant by hand (for the RESULTS.md notes)."""
    return " ".join(["make", *variables]).strip()


# ---- guests ---------------------------------------------------------------------------

_fresh_logs = set()


class BenchGuest(qemu.Guest):
    """A test-harness Guest with extra QEMU arguments, output arrival times,
    type-ahead and an IDE write counter."""

    def __init__(self, folder, cpus=1, extra=(), accel="tcg", trace_ide=False,
                 label="bench"):
        self.tmp = tempfile.mkdtemp(prefix="xv6-bench-")
        config = qemu.BootConfig(xv6_img=os.path.join(folder, "xv6.img"),
                                 fs_img=os.path.join(folder, "fs.img"), cpus=cpus,
                                 accel=accel)
        os.makedirs(os.path.join(BUILD_ROOT, "logs"), exist_ok=True)
        log = os.path.join(BUILD_ROOT, "logs", label + ".log")
        if log not in _fresh_logs:           # each run starts its logs afresh
            _fresh_logs.add(log)
            if os.path.exists(log):
                os.remove(log)
        super().__init__(qemu.find_qemu(), config, os.path.join(self.tmp, "guest"), log)
        self.extra = list(extra)
        self.trace_path = None
        if trace_ide:
            # Outside the guest's work folder: that is removed when it stops.
            self.trace_path = os.path.join(self.tmp, "ide-trace.txt")
            self.extra += ["-trace", f"enable=ide_sector_write,file={self.trace_path}"]
        self.arrivals = []           # (host time, len(self.text) after that read)
        self.started_at = None
        self.typeahead = []          # [marker, keys, sent?]
        self._trace_seen = 0         # bytes of the trace file already counted
        self._trace_count = 0

    # QEMU's command line is built by qemu.qemu_command(); add our arguments.
    def start(self):
        base = qemu.qemu_command
        extra = self.extra
        qemu.qemu_command = lambda *args: base(*args) + extra
        try:
            self.started_at = time.monotonic()
            super().start()
        finally:
            qemu.qemu_command = base

    def _read(self, timeout):
        got = super()._read(timeout)
        if got:
            self.arrivals.append((time.monotonic(), len(self.text)))
            for item in self.typeahead:
                if not item[2] and item[0] in self.text:
                    item[2] = True
                    try:
                        self.proc.stdin.write(item[1].encode())
                        self.proc.stdin.flush()
                    except (BrokenPipeError, OSError, ValueError):
                        pass             # QEMU is gone; the wait will say so
        return got

    def type_when(self, marker, keys):
        """Type `keys` as soon as `marker` has appeared on the console."""
        self.typeahead.append([marker, keys, False])

    def seconds_until(self, marker, start=0):
        """Host seconds from QEMU's start until `marker` (first occurrence at or
        after text offset `start`) had fully arrived; None if it never did."""
        at = self.text.find(marker, start)
        if at < 0:
            return None
        end = at + len(marker)
        for when, length in self.arrivals:
            if length >= end:
                return when - self.started_at
        return None

    def ide_writes(self):
        """Sectors written to the disks so far (QEMU trace events)."""
        if self.trace_path is None:
            raise RuntimeError("guest started without trace_ide=True")
        try:
            with open(self.trace_path, "rb") as f:
                f.seek(self._trace_seen)
                data = f.read()
        except FileNotFoundError:
            return self._trace_count
        cut = data.rfind(b"\n") + 1            # count complete lines only
        for m in re.finditer(rb"ide_sector_write\b[^\n]*?nsectors=(\d+)", data[:cut]):
            self._trace_count += int(m.group(1))
        self._trace_seen += cut
        return self._trace_count

    def must_boot(self, timeout=120):
        result = self.boot(timeout)
        if not result.ok:
            self.stop()
            sys.exit(f"boot failed: {result.describe(timeout)} (log: {self.log_path})")
        return result

    def must_run(self, command, timeout=300):
        result = self.run(command, timeout)
        if not result.ok:
            self.stop()
            sys.exit(f"'{command}' failed: {result.describe(timeout)} (log: {self.log_path})")
        if "B error" in result.output:
            self.stop()
            sys.exit(f"'{command}' reported an error: {result.output.strip()}")
        return result

    def bench(self, command, timeout=300):
        """Run a benchmark command; returns its parsed "B ..." lines."""
        return parse_b_lines(self.must_run(command, timeout).output)

    def stop(self):
        super().stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


B_LINE_RE = re.compile(r"(?:^|\$ )B (\S+)((?: \S+=\S*)*)\s*$")


def parse_b_lines(output):
    """'B name k=v k=v' lines -> list of dicts (values as int where possible);
    the dict's "_" key holds the name. A line may start with the shell's "$ "
    (output of a command typed ahead of the prompt)."""
    rows = []
    for line in output.splitlines():
        match = B_LINE_RE.search(line.strip())
        if not match:
            continue
        row = {"_": match.group(1)}
        for part in match.group(2).split():
            key, _, value = part.partition("=")
            try:
                row[key] = int(value)
            except ValueError:
                row[key] = value
        rows.append(row)
    return rows


# ---- statistics and tables ------------------------------------------------------------

def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


def num(value):
    """Integers with thousands separators; floats to 2 decimals; None as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def table(headers, rows, align=None):
    """A markdown table. align: string of 'l'/'r' per column (default: first
    column left, the rest right)."""
    align = align or ("l" + "r" * (len(headers) - 1))
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        out = []
        for i, cell in enumerate(row):
            out.append(cell.ljust(widths[i]) if align[i] == "l" else cell.rjust(widths[i]))
        return "| " + " | ".join(out) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else (":" + "-" * (w + 1))
                          for w, a in zip(widths, align)) + "|"
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def heading(title, command, extra=""):
    say(f"### {title}")
    say()
    say(f"Command: `{command}` — {datetime.date.today().isoformat()}"
        + (f"; {extra}" if extra else ""))
    say()


def host_description():
    """One line about the host and QEMU, for the record."""
    try:
        version = subprocess.run([qemu.find_qemu(), "--version"], capture_output=True,
                                 text=True, timeout=20).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        version = "QEMU (version unknown)"
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{version}; host {cpu}, {os.cpu_count()} CPUs"
