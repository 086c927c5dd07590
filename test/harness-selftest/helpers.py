"""Shared pieces of the runner's self-tests: paths, scenarios, running run.py."""

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_DIR = os.path.dirname(HERE)              # test/: run.py and its modules
ROOT = os.path.dirname(TEST_DIR)
FAKE_QEMU = os.path.join(HERE, "fake_qemu.py")
FAKE_MAKE = os.path.join(HERE, "fake_make.py")
RUN_PY = os.path.join(TEST_DIR, "run.py")

sys.path.insert(0, TEST_DIR)                  # import faults, qemu, ostep, ...

SUMMARY_RE = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$")


class Workspace:
    """A temporary folder with a build folder, a scenario and OSTEP fixtures."""

    def __init__(self, scenario=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="xv6-selftest-")
        self.path = self.tmp.name
        self.build = os.path.join(self.path, "build")
        self.pids = os.path.join(self.path, "qemu-pids")
        self.make_log = os.path.join(self.path, "make-log")
        self.scenario(scenario or {})

    def scenario(self, scenario):
        with open(os.path.join(self.path, "scenario.json"), "w") as f:
            json.dump(scenario, f)

    def folder(self, name, files):
        """Create an OSTEP-format folder; files maps file names to their text."""
        folder = os.path.join(self.path, name)
        os.makedirs(folder, exist_ok=True)
        for file_name, text in files.items():
            with open(os.path.join(folder, file_name), "w") as f:
                f.write(textwrap.dedent(text))
        return folder

    def env(self, **extra):
        env = dict(os.environ, XV6_QEMU=FAKE_QEMU, XV6_MAKE=FAKE_MAKE,
                   XV6_BUILD=self.build, FAKE_XV6=os.path.join(self.path, "scenario.json"),
                   FAKE_QEMU_PIDS=self.pids, FAKE_MAKE_LOG=self.make_log,
                   TMPDIR=self.path)      # what a killed runner leaves goes with us
        for name in ("FAULTS", "XV6_ACCEL", "CPUS"):
            env.pop(name, None)
        env.update(extra)
        return env

    def run(self, *args, env=None, cwd=None, command=None, timeout=120):
        """Run run.py (or `command`) and return a Run with its output parsed."""
        command = command or [sys.executable, RUN_PY, *args]
        started = time.monotonic()
        proc = subprocess.run(command, cwd=cwd or ROOT, env=env or self.env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, text=True)
        return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)

    def qemu_pids(self):
        if not os.path.exists(self.pids):
            return []
        with open(self.pids) as f:
            return [int(line) for line in f if line.strip()]

    def made(self):
        """The make invocations so far (one string each)."""
        if not os.path.exists(self.make_log):
            return []
        with open(self.make_log) as f:
            return f.read().splitlines()

    def close(self):
        self.tmp.cleanup()


class Run:
    def __init__(self, status, stdout, stderr, seconds):
        self.status, self.stdout, self.stderr, self.seconds = status, stdout, stderr, seconds
        self.lines = stdout.splitlines()
        self.results = {}                 # test name -> "PASS"/"FAIL"/"SKIP" line
        for line in self.lines:
            match = re.match(r"^(PASS|FAIL|SKIP) (.+?)(?: \(\d+\.\d+s\)|: .*)?$", line)
            if match:
                self.results[match.group(2)] = line

    def verdict(self, name):
        line = self.results.get(name)
        return line.split(" ", 1)[0] if line else None

    def line(self, name):
        return self.results.get(name, "")

    def summary(self):
        """(passed, failed, skipped) from the last line, which must be the summary."""
        match = SUMMARY_RE.match(self.lines[-1]) if self.lines else None
        if not match:
            raise AssertionError(f"last line is not a summary: {self.lines[-1:]!r}\n"
                                 f"{self.stdout}\n{self.stderr}")
        return tuple(int(g or 0) for g in match.groups())

    def __str__(self):
        return f"status {self.status}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def alive(pid):
    """True if pid is a live process (a zombie counts as dead)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (FileNotFoundError, IndexError):
        return False


def wait_dead(pids, seconds=5.0):
    """The pids still alive after waiting up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]
