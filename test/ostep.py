"""The OSTEP tester's folder format, as used by xv6 course projects.

A test folder holds, for each test number N:

    test_N.c   the test program, built into the file system image as user program test_N
    N.out      expected output; only its lines containing XV6_TEST_OUTPUT are compared
    N.desc     a one-line description
    N.rc       (optional) expected return code: 0 means "test_N ran to completion and
               xv6 was fine afterwards" (the prompt came back, no panic, no timeout)
    N.err      (optional) expected standard error of the run; normally empty. Our runs
               have no standard error of their own (problems become failure reasons),
               so a non-empty N.err can never match.
    N.pre      (optional) shell script run on the host before the test; skipped with -s.
               It runs with bash, in the test folder, with XV6_ROOT (the repository),
               XV6_TESTDIR (the folder) and XV6_TEST (N) in its environment. As in the
               OSTEP tester, its exit status does not decide the test (it is reported).

Anything else in the folder is ignored; in particular the original tester's N.run
(an expect script that starts QEMU) is not needed: this runner types test_N itself.

The comparison: take the console lines the test printed that contain XV6_TEST_OUTPUT,
and the lines of N.out that contain it; remove CR and trailing white space from both;
they must be equal, in the same order.
"""

import dataclasses
import difflib
import os
import re

import procs

MARK = "XV6_TEST_OUTPUT"
TEST_C_RE = re.compile(r"^test_([0-9]+)\.c$")
NUMBERED_RE = re.compile(r"^([0-9]+)\.(out|desc|rc|err|pre)$")
ERROR_RE = re.compile(r"\berror:", re.IGNORECASE)       # "x.c:3:1: error: ...", "ld.lld: error:"
MAKE_ERROR_RE = re.compile(r"^make(\[\d+\])?: \*\*\* |No rule to make target")
# The Makefile's testfs line for a test program left out of the image.
UNBUILT_RE = re.compile(r"^testfs: test_([0-9]+) did not build \(compiler output: (.+)\)$")
# The kernel's line when it kills a process: "pid 5 test_3: killed: ...".
KILL_RE = re.compile(r"^pid [0-9]+ (\S+): killed\b.*$", re.MULTILINE)


@dataclasses.dataclass
class OstepTest:
    folder: str                  # absolute path of the test folder
    number: int

    @property
    def program(self):
        return f"test_{self.number}"

    @property
    def c_file(self):
        return os.path.join(self.folder, f"test_{self.number}.c")

    def path(self, suffix):
        """Path of one of the test's files: path("out") is the folder's N.out."""
        return os.path.join(self.folder, f"{self.number}.{suffix}")

    def has(self, suffix):
        return os.path.isfile(self.path(suffix))

    def read(self, suffix):
        with open(self.path(suffix), encoding="utf-8", errors="replace") as f:
            return f.read()

    @property
    def description(self):
        return self.read("desc").strip() if self.has("desc") else ""


def load_folder(folder):
    """Find the tests of a folder.

    Returns (tests, problems): tests is a list of OstepTest sorted by number, one per
    test_N.c; problems lists (N, message) for numbers that have test files but no
    test_N.c (they cannot run, and are reported as failures).
    """
    folder = os.path.abspath(folder)
    programs, others = set(), set()
    for name in os.listdir(folder):
        match = TEST_C_RE.match(name)
        if match:
            programs.add(int(match.group(1)))
            continue
        match = NUMBERED_RE.match(name)
        if match and match.group(2) in ("out", "desc"):
            others.add(int(match.group(1)))
    tests = [OstepTest(folder, n) for n in sorted(programs)]
    problems = [(n, f"{n}.out/{n}.desc exist but test_{n}.c does not")
                for n in sorted(others - programs)]
    return tests, problems


def marked_lines(text):
    """Lines of text that contain XV6_TEST_OUTPUT, without CR and trailing blanks."""
    lines = text.replace("\r", "").split("\n")
    return [line.rstrip() for line in lines if MARK in line]


@dataclasses.dataclass
class Verdict:
    ok: bool
    reason: str = ""             # one line, for "FAIL name: reason"
    details: str = ""            # more lines (a diff), shown with -v


def check(test, output):
    """Judge a test that ran to completion, from its console output."""
    if not test.has("out"):
        return Verdict(False, f"{test.number}.out is missing")
    expected = marked_lines(test.read("out"))
    actual = marked_lines(output)
    verdict = compare(expected, actual, f"{test.number}.out")
    if not verdict.ok:
        return verdict
    if test.has("rc"):
        text = test.read("rc").strip()
        if not re.fullmatch(r"-?[0-9]+", text):
            return Verdict(False, f"{test.number}.rc does not hold a number: {text!r}")
        if int(text) != 0:
            return Verdict(False, f"return code 0 (test ran to completion), but "
                                  f"{test.number}.rc expects {int(text)}")
    if test.has("err") and test.read("err").strip():
        return Verdict(False, f"{test.number}.err expects standard error output, but a "
                              f"run of test_{test.number} produces none")
    return Verdict(True)


def compare(expected, actual, expected_name="expected"):
    """Compare two lists of lines; the reason names the first difference."""
    if expected == actual:
        return Verdict(True)
    diff = "\n".join(difflib.unified_diff(expected, actual, expected_name, "console",
                                         lineterm=""))
    for index, (want, got) in enumerate(zip(expected, actual)):
        if want != got:
            return Verdict(False, f"output line {index + 1} differs: expected {want!r}, "
                                  f"got {got!r}", diff)
    if len(actual) < len(expected):
        missing = expected[len(actual)]
        what = "no XV6_TEST_OUTPUT lines" if not actual else f"only {len(actual)} of " \
               f"{len(expected)} XV6_TEST_OUTPUT lines"
        return Verdict(False, f"{what}; missing {missing!r}", diff)
    extra = actual[len(expected)]
    return Verdict(False, f"{len(actual) - len(expected)} more XV6_TEST_OUTPUT line(s) "
                          f"than expected, first {extra!r}", diff)


def unbuilt(make_output):
    """The tests `make testfs` left out because they did not build:
    {N: file holding the compiler's output}."""
    found = {}
    for line in make_output.splitlines():
        match = UNBUILT_RE.match(line.strip())
        if match:
            found[int(match.group(1))] = match.group(2)
    return found


def build_failure(log_path, make_output, limit=3):
    """The compiler's first error lines for a test that did not build, from its log
    (or, if that is gone, from make's output)."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        text = make_output
    return first_errors(text, limit)


def kill_lines(output, program):
    """The kernel's "pid N PROGRAM: killed: ..." lines in a test's console output.
    (xv6 keeps 15 characters of a process name.)"""
    name = program[:15]
    return [m.group(0).strip() for m in KILL_RE.finditer(output.replace("\r", ""))
            if m.group(1) == name]


def first_errors(make_output, limit=3):
    """A short account of why make failed: the compiler's error lines, or else the
    lines printed just before make's own "*** ... Error N" line (at most `limit`)."""
    lines = [line.strip() for line in make_output.splitlines() if line.strip()]
    make_lines = [i for i, line in enumerate(lines) if MAKE_ERROR_RE.search(line)]
    errors = [line for i, line in enumerate(lines)
              if ERROR_RE.search(line) and i not in make_lines]
    if errors:
        return errors[:limit]
    end = make_lines[0] if make_lines else len(lines)
    return lines[max(0, end - (limit - 1)):end + 1][-limit:]


def run_pre(test, root, timeout=120):
    """Run N.pre on the host (bash, in the test folder). Returns (status, output)."""
    env = dict(os.environ, XV6_ROOT=root, XV6_TESTDIR=test.folder,
               XV6_TEST=str(test.number))
    status, output, timed_out = procs.run(["bash", test.path("pre")], timeout,
                                          cwd=test.folder, env=env)
    return status, output
