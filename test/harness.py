"""The runner's shared state: results, time budget, builds, and booting guests.

Suites (suites.py) receive one Context and use it to
    ctx.record(name, ok, reason, seconds)   print and count one test result
    ctx.build(...)                           run make (cached), get the images
    ctx.boot(config, label)                  boot a guest up to its first "$ "
    ctx.timeout(seconds)                     a time limit clipped to the budget left
"""

import dataclasses
import os
import re
import sys
import tempfile
import time

import procs
import qemu


@dataclasses.dataclass
class Outcome:
    name: str
    status: str                  # "pass", "fail" or "skip"
    reason: str = ""
    seconds: float = None


class Reporter:
    """Prints one line per test and keeps the counts for the final summary line."""

    def __init__(self, echo, stream=None):
        self.echo = echo         # the -v console echo, so our lines start at column 0
        self.stream = stream or sys.stdout
        self.outcomes = []

    def say(self, text):
        """Informational line (not a test result)."""
        self.echo.end_line()
        print(text, file=self.stream, flush=True)

    def add(self, outcome):
        self.outcomes.append(outcome)
        if outcome.status == "pass":
            time_text = f" ({outcome.seconds:.1f}s)" if outcome.seconds is not None else ""
            line = f"PASS {outcome.name}{time_text}"
        elif outcome.status == "fail":
            line = f"FAIL {outcome.name}: {outcome.reason}"
        else:
            line = f"SKIP {outcome.name}: {outcome.reason}"
        self.say(line)

    def count(self, status):
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self):
        """The closing line: exactly "N passed, N failed" (", N skipped" if any)."""
        line = f"{self.count('pass')} passed, {self.count('fail')} failed"
        if self.count("skip"):
            line += f", {self.count('skip')} skipped"
        return line


class Budget:
    """The whole run's time limit, so `make test` always ends in bounded time."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self):
        return max(0.0, self.deadline - time.monotonic())

    def exhausted(self):
        return self.left() <= 0


@dataclasses.dataclass
class Build:
    ok: bool
    output: str
    log: str                     # file holding make's full output
    seconds: float
    reported: bool = False       # its failure has been printed already


# The Makefile's names for the boot disk and the file system disk (in $(BUILD)).
IMAGES = ("xv6.img", "fs.img")


class BootError(Exception):
    """A guest did not reach its first prompt; str() says why."""


class Context:
    def __init__(self, root, options, echo):
        self.root = root
        self.options = options
        self.echo = echo
        self.reporter = Reporter(echo)
        self.budget = Budget(options.budget)
        self.base_build = os.path.abspath(os.path.join(root, options.build))
        self.logs = os.path.join(self.base_build, "test-logs")
        self.qemu = qemu.find_qemu(options.qemu)
        self.make = options.make or os.environ.get("XV6_MAKE") or "make"
        self.faults = options.faults             # validated FAULTS string, or ""
        self.accel = options.accel               # "tcg", or "kvm" until KVM fails
        self.kvm_proven = False                  # a KVM boot has reached the prompt
        self.stop_requested = False              # -x: a test failed, stop everything
        self._builds = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="xv6-test-")
        self._boots = 0
        self._logged = set()

    # ---- results --------------------------------------------------------------

    def record(self, name, ok, reason="", seconds=None):
        self.reporter.add(Outcome(name, "pass" if ok else "fail", reason, seconds))
        if not ok and self.options.stop_on_failure:
            self.stop_requested = True

    def skip(self, name, reason):
        self.reporter.add(Outcome(name, "skip", reason))

    def say(self, text):
        self.reporter.say(text)

    def verbose(self, text):
        if self.options.verbose:
            self.reporter.say(text)

    def should_stop(self):
        return self.stop_requested

    def timeout(self, seconds):
        """A per-step time limit, never beyond what is left of the budget."""
        return min(seconds, self.budget.left())

    def out_of_time(self, name):
        """If the budget is used up, record `name` as failed and return True."""
        if not self.budget.exhausted():
            return False
        self.record(name, False, f"not run: the time budget ({self.budget.seconds:g} s, "
                                 f"--budget) is used up")
        return True

    # ---- building ---------------------------------------------------------------

    def build(self, build_dir=None, variables=(), targets=IMAGES, extra=(), label="all",
              timeout=900):
        """Run make (at most once per distinct command); returns a Build.

        build_dir: products folder (BUILD=...), default the base build folder;
        variables: extra make variables such as ("KMDEBUG=1",); targets: what to
        make, by default the two disk images; extra: more arguments after them;
        label: names the log file (test-logs/make-<label>.log).
        """
        build_dir = build_dir or self.base_build
        args = [f"BUILD={build_dir}", *variables, *targets, *extra]
        key = tuple(args)
        if key in self._builds:
            return self._builds[key]
        command = [self.make, *args]
        self.verbose(f"build: {' '.join(command)}")
        started = time.monotonic()
        limit = self.timeout(timeout)
        status, output, timed_out = procs.run(command, limit, cwd=self.root,
                                              env=make_environment())
        seconds = time.monotonic() - started
        log = os.path.join(self.logs, "make-" + slug(label) + ".log")
        os.makedirs(self.logs, exist_ok=True)
        with open(log, "w") as f:
            f.write("$ " + " ".join(command) + "\n" + output)
        if self.options.verbose and output.strip():
            self.say(output.rstrip())
        if timed_out:
            output += f"\nmake did not finish within {limit:.0f} s"
        result = Build(status == 0, output, log, seconds)
        self._builds[key] = result
        return result

    def images(self, build_dir=None):
        build_dir = build_dir or self.base_build
        return os.path.join(build_dir, "xv6.img"), os.path.join(build_dir, "fs.img")

    # ---- booting --------------------------------------------------------------------

    def boot_config(self, fs_img=None, build_dir=None, cpus=2, faults=None, memory_mb=None):
        xv6_img, default_fs = self.images(build_dir)
        memory_mb = memory_mb or getattr(self.options, "mem", None) or qemu.DEFAULT_MEMORY_MB
        return qemu.BootConfig(xv6_img=xv6_img, fs_img=fs_img or default_fs, cpus=cpus,
                               faults=self.faults if faults is None else faults,
                               memory_mb=memory_mb)

    def boot(self, config, label):
        """Boot a guest to its first prompt; returns the Guest or raises BootError.

        Uses KVM when it was asked for, until a KVM boot fails to reach the prompt
        within the probe time; then says so and uses TCG from there on.
        """
        if self.accel == "kvm":
            limit = self.options.boot_timeout
            if not self.kvm_proven:
                limit = min(limit, self.options.kvm_probe)
            limit = self.timeout(limit)
            guest, result = self._boot_once(config, "kvm", label, limit)
            if result.ok:
                if not self.kvm_proven:
                    self.say(f"accelerator: kvm (first boot reached the prompt in "
                             f"{result.seconds:.1f}s)")
                    self.kvm_proven = True
                return guest
            guest.stop()
            if self.kvm_proven:
                raise BootError(f"boot failed (kvm): {result.describe(limit)}")
            self.say(f"accelerator: a KVM boot did not reach the shell prompt "
                     f"({result.describe(limit)}); falling back to TCG")
            self.accel = "tcg"
        limit = self.timeout(self.options.boot_timeout)
        guest, result = self._boot_once(config, "tcg", label, limit)
        if result.ok:
            self.verbose(f"booted {label} in {result.seconds:.1f}s (tcg)")
            return guest
        guest.stop()
        raise BootError(f"boot failed: {result.describe(limit)} (console log: "
                        f"{self.relative(guest.log_path)})")

    def _boot_once(self, config, accel, label, limit):
        self._boots += 1
        config = dataclasses.replace(config, accel=accel)
        workdir = os.path.join(self._tmp.name, f"boot{self._boots}")
        log = os.path.join(self.logs, slug(label) + ".log")
        if log not in self._logged:              # first boot of this label in this run
            self._logged.add(log)
            if os.path.exists(log):
                os.remove(log)
        guest = qemu.Guest(self.qemu, config, workdir, log, self.echo)
        command = qemu.qemu_command(self.qemu, config, "xv6.img", "fs.img")
        self.verbose(f"boot {label}: {' '.join(command)}")
        return guest, guest.boot(limit)

    def relative(self, path):
        """path relative to the current directory when it is inside it (shorter)."""
        if not path:
            return path
        rel = os.path.relpath(path, os.getcwd())
        return path if rel.startswith("..") else rel

    def log_file(self, label):
        return self.relative(os.path.join(self.logs, slug(label) + ".log"))

    def close(self):
        self._tmp.cleanup()


def slug(text):
    """A file-name-safe version of a label."""
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", text).strip("_")[:120] or "log"


def make_environment():
    """The environment for make: without the parent make's jobserver (we are not a
    recursive make rule, so its file descriptors are closed and make would warn)."""
    env = dict(os.environ)
    flags = env.get("MAKEFLAGS", "")
    flags = re.sub(r"--jobserver-(auth|fds)=\S+", "", flags)
    env["MAKEFLAGS"] = " ".join(flags.split())
    return env
