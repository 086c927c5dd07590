"""The test suites, and the registry run.py picks them from.

A suite is a function taking the Context (harness.py), registered with @suite:

    @suite("usertests", default=True, help="usertests with CPUS=1 and CPUS=2")
    def usertests_suite(ctx):
        for cpus in [ctx.options.cpus] if ctx.options.cpus else [1, 2]:
            run_usertests(ctx, cpus)

`python3 test/run.py` runs every default suite in the order they are registered here;
`python3 test/run.py NAME...` runs the named ones. Suites are built from the helpers
below (run_host_tests, run_usertests, run_ostep_folder), which do the building, booting,
judging and reporting; each helper takes the build folder, make variables, CPU count
and FAULTS value as parameters, so a variant (another kernel build, fault injection)
is a few lines: see the "faults" and "kmdebug" suites at the end.
"""

import dataclasses
import glob
import hashlib
import os
import re
import time

import ostep
import procs
from harness import BootError


@dataclasses.dataclass
class Suite:
    name: str
    run: object                  # function(ctx)
    default: bool                # part of a plain `python3 test/run.py`
    help: str


SUITES = {}                      # name -> Suite, in registration order


def suite(name, default, help):
    def register(function):
        SUITES[name] = Suite(name, function, default, help)
        return function
    return register


# Folders in the OSTEP format that the "ostep" suite runs, when they exist.
DEFAULT_OSTEP_FOLDERS = ["test/example", "test/kmalloc", "test/mmap"]

# The FAULTS value of the "faults" suite (when FAULTS is not set in the environment).
DEFAULT_FAULTS = "kalloc=1/50,kmalloc=1/20,seed=7,user=1"

USERTESTS_TIMEOUT = 600          # seconds; TCG usertests take a few minutes
HOST_TEST_TIMEOUT = 300


# ---- building ---------------------------------------------------------------------

def build_images(ctx, build_dir=None, variables=(), label="all"):
    """Build xv6.img and fs.img (once per variant); False (and a FAIL line) if make fails.

    The failure is reported once, as the test "build <label>"; the tests that needed
    the images then say "not run: build failed".
    """
    result = ctx.build(build_dir, variables, label=label)
    if not result.ok and not result.reported:
        result.reported = True
        ctx.record(f"build {label}", False, "make failed: " +
                   " | ".join(ostep.first_errors(result.output)) +
                   f" (full output: {ctx.relative(result.log)})")
    return result.ok


# ---- host unit tests ----------------------------------------------------------------

HOST_LINE_RE = re.compile(r"^(PASS|FAIL) (.*)$")


def run_host_tests(ctx, build_dir=None):
    """`make host-tests`, then every <build>/host/*_test binary; one line per test."""
    build_dir = build_dir or ctx.base_build
    build = ctx.build(build_dir, targets=["host-tests"], label="host-tests")
    if not build.ok:
        ctx.record("host (build)", False, "make host-tests failed: " +
                   " | ".join(ostep.first_errors(build.output)) +
                   f" (full output: {ctx.relative(build.log)})")
        return
    binaries = sorted(path for path in glob.glob(os.path.join(build_dir, "host", "*_test"))
                      if os.access(path, os.X_OK))
    if not binaries:
        ctx.skip("host", f"no host test binaries in {ctx.relative(build_dir)}/host/")
        return
    env = dict(os.environ)
    # UBSan only prints a report by default; make it fail the binary instead.
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    for binary in binaries:
        if ctx.should_stop() or ctx.out_of_time(f"host/{os.path.basename(binary)}"):
            return
        run_host_binary(ctx, binary, env)


def run_host_binary(ctx, binary, env):
    name = os.path.basename(binary)
    started = time.monotonic()
    status, output, timed_out = procs.run([binary], ctx.timeout(HOST_TEST_TIMEOUT),
                                          cwd=ctx.root, env=env)
    seconds = time.monotonic() - started
    if ctx.options.verbose:
        ctx.say(output.rstrip())
    failures = 0
    counted = 0
    for line in output.splitlines():
        match = HOST_LINE_RE.match(line.strip())
        if not match:
            continue
        counted += 1
        verdict, rest = match.groups()
        if verdict == "PASS":
            ctx.record(f"host/{rest.replace(': ', '/', 1)}", True)
        else:
            parts = rest.split(": ", 2)            # suite, name, why
            test_name = "/".join(parts[:2])
            why = parts[2] if len(parts) > 2 else "failed"
            ctx.record(f"host/{test_name}", False, why)
            failures += 1
    if timed_out:
        ctx.record(f"host/{name}", False, f"did not finish within {HOST_TEST_TIMEOUT} s")
    elif status != 0 and failures == 0:
        # A crash or a sanitizer report ends the binary without a FAIL line of its own.
        tail = " | ".join(line.strip() for line in output.splitlines()[-4:] if line.strip())
        ctx.record(f"host/{name}", False, f"{procs.describe_status(status)}: {tail}")
    elif counted == 0:
        ctx.record(f"host/{name}", status == 0, "", seconds)


# ---- usertests ----------------------------------------------------------------------

def run_usertests(ctx, cpus, build_dir=None, variables=(), faults=None,
                  require_pass=True, name=None, build_label="all"):
    """Boot with `cpus` CPUs, run usertests, expect "ALL TESTS PASSED".

    require_pass=False (for fault injection) only asks that usertests ends with the
    shell prompt back: no panic, no hang.
    """
    name = name or f"usertests CPUS={cpus}"
    if ctx.out_of_time(name):
        return
    if not build_images(ctx, build_dir, variables, build_label):
        ctx.record(name, False, f"not run: build {build_label} failed")
        return
    config = ctx.boot_config(build_dir=build_dir, cpus=cpus, faults=faults)
    try:
        guest = ctx.boot(config, name)
    except BootError as error:
        ctx.record(name, False, str(error))
        return
    with guest:
        limit = ctx.timeout(ctx.options.usertests_timeout)
        result = guest.run("usertests", limit)
    log = ctx.log_file(name)
    if not result.ok:
        ctx.record(name, False, f"{result.describe(limit)} (console log: {log})")
    elif require_pass and "ALL TESTS PASSED" not in result.output:
        ctx.record(name, False, f"no 'ALL TESTS PASSED'; last line: "
                                f"{last_line(result.output)!r} (console log: {log})")
    else:
        ctx.record(name, True, "", result.seconds)


def last_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


# ---- OSTEP-format folders ------------------------------------------------------------

def run_ostep_folder(ctx, folder, cpus, build_dir=None, variables=(), faults=None,
                     check_output=True, label=None, build_label="all"):
    """Run the tests of one OSTEP-format folder: build an image holding its test_N
    programs, boot once, type the tests one after another (booting again after a test
    that panics, hangs or kills QEMU), compare each test's XV6_TEST_OUTPUT lines.

    check_output=False (for fault injection) only asks that each test ends with the
    shell prompt back: no panic, no hang.
    """
    folder = os.path.abspath(folder)
    label = label or os.path.basename(folder.rstrip("/"))
    tests = select_tests(ctx, folder, label)
    if not tests:
        return
    if not ctx.options.skip_pre:
        run_pre_scripts(ctx, tests, label)
    image = build_test_image(ctx, folder, tests, label, build_dir, variables, build_label)
    if image is None:
        return
    config = ctx.boot_config(fs_img=image, build_dir=build_dir, cpus=cpus, faults=faults)
    run_tests_in_guest(ctx, tests, label, config, f"{label}-cpus{cpus}", check_output)


def select_tests(ctx, folder, label):
    """The folder's tests to run (all, or those of -t); reports what cannot run."""
    if not os.path.isdir(folder):
        ctx.record(label, False, f"no such test folder: {folder}")
        return []
    tests, problems = ostep.load_folder(folder)
    wanted = ctx.options.tests
    for number, problem in problems:
        if not wanted or number in wanted:
            ctx.record(f"{label}/{number}", False, problem)
    if not wanted:
        if not tests and not problems:
            ctx.record(label, False, f"no test_N.c files in {ctx.relative(folder)}")
        return tests
    known = {t.number for t in tests} | {n for n, _ in problems}
    for number in wanted:
        if number not in known:
            ctx.record(f"{label}/{number}", False,
                       f"no test {number} in {ctx.relative(folder)} (no test_{number}.c)")
    return [t for t in tests if t.number in wanted]


def run_pre_scripts(ctx, tests, label):
    """Run each test's N.pre on the host, before anything is built."""
    for test in tests:
        if not test.has("pre"):
            continue
        status, output = ostep.run_pre(test, ctx.root)
        ctx.verbose(f"{label}/{test.number}: {test.number}.pre: "
                    f"{procs.describe_status(status)}\n{output.rstrip()}")
        if status != 0:
            ctx.say(f"note: {label}/{test.number}: {test.number}.pre ended with "
                    f"{procs.describe_status(status)} (the OSTEP tester ignores this "
                    f"too; -s skips N.pre)")


def build_test_image(ctx, folder, tests, label, build_dir, variables, build_label):
    """Build the kernel and a file system image holding the folder's test_N programs.

    Returns the image's path, or None after reporting every test as failed (with the
    compiler's error for the tests whose file it names).
    """
    if not build_images(ctx, build_dir, variables, build_label):
        for test in tests:
            ctx.record(f"{label}/{test.number}", False, f"not run: build {build_label} failed")
        return None
    image = test_image_path(ctx, folder, build_dir)
    build = ctx.build(build_dir, variables, targets=["testfs"],
                      extra=(f"TESTDIR={folder}", f"TESTFS={image}"),
                      label=f"testfs-{label}")
    if build.ok:
        return image
    everything = " | ".join(ostep.first_errors(build.output))
    for test in tests:
        own = ostep.compile_errors(test, build.output)
        reason = ("does not compile: " + " | ".join(own)) if own else \
            f"not run: the folder's image did not build: {everything}"
        ctx.record(f"{label}/{test.number}", False,
                   f"{reason} (full output: {ctx.relative(build.log)})")
    return None


def run_tests_in_guest(ctx, tests, label, config, boot_label, check_output):
    """Type the tests at one guest's shell, one after another; boot a fresh guest
    after a test that leaves the kernel unusable (or for every test: --fresh-boot)."""
    guest = None
    try:
        for index, test in enumerate(tests):
            name = f"{label}/{test.number}"
            if ctx.should_stop():
                for rest in tests[index:]:
                    ctx.skip(f"{label}/{rest.number}",
                             "not run: stopped at the first failure (-c continues)")
                return
            if ctx.out_of_time(name):
                continue
            if guest is None:
                try:
                    guest = ctx.boot(config, boot_label)
                except BootError as error:
                    for rest in tests[index:]:
                        ctx.record(f"{label}/{rest.number}", False, str(error))
                    return
            if test.description:
                ctx.verbose(f"{name}: {test.description}")
            limit = ctx.timeout(ctx.options.test_timeout)
            result = guest.run(test.program, limit)
            if not result.ok:                  # panic, hang or QEMU gone: reboot next
                guest.stop()
                guest = None
                ctx.record(name, False, f"{result.describe(limit)} (console log: "
                                        f"{ctx.log_file(boot_label)})")
                continue
            verdict = ostep.check(test, result.output) if check_output else ostep.Verdict(True)
            if not verdict.ok and verdict.details:
                ctx.verbose(verdict.details)
            ctx.record(name, verdict.ok, verdict.reason, result.seconds)
            if ctx.options.fresh_boot:
                guest.stop()
                guest = None
    finally:
        if guest is not None:
            guest.stop()


def test_image_path(ctx, folder, build_dir=None):
    """Where the file system image with a folder's tests goes: one per folder and
    build variant (the hash tells apart folders with the same name)."""
    digest = hashlib.sha1(folder.encode()).hexdigest()[:8]
    name = f"{os.path.basename(folder)}-{digest}.img"
    return os.path.join(build_dir or ctx.base_build, "testfs", name)


def ostep_folders(ctx):
    """The folders given with --ostep, or the default ones that exist."""
    if ctx.options.ostep:
        return ctx.options.ostep
    return [os.path.join(ctx.root, f) for f in DEFAULT_OSTEP_FOLDERS
            if os.path.isdir(os.path.join(ctx.root, f))]


# ---- the suites -------------------------------------------------------------------------

@suite("host", default=True,
       help="host unit tests of kernel logic (make host-tests; ASan + UBSan)")
def host_suite(ctx):
    run_host_tests(ctx)


@suite("ostep", default=True,
       help="OSTEP-format folders: " + ", ".join(DEFAULT_OSTEP_FOLDERS) +
            " (those that exist), or the --ostep DIR folders")
def ostep_suite(ctx):
    folders = ostep_folders(ctx)
    if not folders:
        ctx.skip("ostep", "no OSTEP-format test folders")
    for folder in folders:
        if ctx.should_stop():
            return
        run_ostep_folder(ctx, folder, cpus=ctx.options.cpus or 2)


@suite("usertests", default=True, help="usertests with CPUS=1 and CPUS=2 (or --cpus N)")
def usertests_suite(ctx):
    for cpus in [ctx.options.cpus] if ctx.options.cpus else [1, 2]:
        if ctx.should_stop():
            return
        run_usertests(ctx, cpus)


# Not yet in the default run: they need the kernel's fault injection and KMDEBUG
# (issue 5). To add them to `make test`, change default=False to default=True.

@suite("faults", default=False,
       help=f"fault injection armed (FAULTS, default {DEFAULT_FAULTS}): usertests and the "
            f"OSTEP folders must end without panic or hang")
def faults_suite(ctx):
    armed = ctx.faults or DEFAULT_FAULTS
    run_usertests(ctx, 2, faults=armed, require_pass=False,
                  name="usertests CPUS=2 FAULTS")
    for folder in ostep_folders(ctx):
        if ctx.should_stop():
            return
        label = os.path.basename(os.path.abspath(folder)) + "+faults"
        run_ostep_folder(ctx, folder, cpus=2, faults=armed, check_output=False,
                         label=label)


@suite("kmdebug", default=False,
       help="kernel built with KMDEBUG=1 (poisoned kmalloc blocks): usertests and the "
            "OSTEP folders")
def kmdebug_suite(ctx):
    build_dir = os.path.join(ctx.base_build, "kmdebug")
    variables = ("KMDEBUG=1",)
    run_usertests(ctx, 2, build_dir, variables, name="usertests CPUS=2 KMDEBUG",
                  build_label="kmdebug")
    for folder in ostep_folders(ctx):
        if ctx.should_stop():
            return
        label = os.path.basename(os.path.abspath(folder)) + "+kmdebug"
        run_ostep_folder(ctx, folder, cpus=2, build_dir=build_dir, variables=variables,
                         label=label, build_label="kmdebug")


@suite("harness", default=False,
       help="the runner's own self-tests (test/harness-selftest/, fake QEMU)")
def harness_suite(ctx):
    import unittest
    here = os.path.dirname(os.path.abspath(__file__))
    loader = unittest.TestLoader()
    tests = loader.discover(os.path.join(here, "harness-selftest"), pattern="test_*.py",
                            top_level_dir=os.path.join(here, "harness-selftest"))

    class Result(unittest.TestResult):
        def startTest(self, test):
            super().startTest(test)
            self.started = time.monotonic()

        def addSuccess(self, test):
            ctx.record(f"harness/{test.id()}", True, "", time.monotonic() - self.started)

        def addFailure(self, test, err):
            ctx.record(f"harness/{test.id()}", False, last_error_line(self, test, err))

        def addError(self, test, err):
            ctx.record(f"harness/{test.id()}", False, last_error_line(self, test, err))

        def addSkip(self, test, reason):
            ctx.skip(f"harness/{test.id()}", reason)

    def last_error_line(result, test, err):
        text = result._exc_info_to_string(err, test)
        if ctx.options.verbose:
            ctx.say(text)
        return last_line(text)

    tests.run(Result())
