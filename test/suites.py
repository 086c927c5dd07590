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
is a few lines: see the "faults" and "kmdebug" suites at the end. The leak checks,
the fuzzer and the fault-injection runs type commands at the shell and judge their
output with the helpers of robust.py.
"""

import dataclasses
import glob
import hashlib
import os
import re
import sys
import time

import ostep
import procs
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "scripts"))
import symbolize                 # noqa: E402  (scripts/symbolize.py: eip -> file:line)
import robust
from harness import BootError
from robust import Command, judge_all, judge_memleak, judge_mmfuzz, judge_sysfuzz


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

# The hostile-input folder (test/hostile/README.md): the "hostile" suite runs it on
# CPUS=2, then its race tests again on CPUS=4, where the races are caught most often
# (each of these catches its bug on an unfixed kernel in a single run, measured on
# both CPU counts); the "faults" suite runs it under fault injection too.
HOSTILE_FOLDER = "test/hostile"
HOSTILE_RACE_TESTS = (1, 2, 3, 6, 9, 20, 106, 107, 110)
# Its tests do disk work by the thousand (test 6 makes and removes 1000
# directories, each a committed log operation; 6 and 20 fill the inode
# table twice): 13 to 30 s on a quiet machine, so each may take up to this
# long, wherever the folder is run (a hang still ends it).
HOSTILE_TEST_TIMEOUT = 150

# The FAULTS values of the "faults" suite (when FAULTS is not set in the environment)
# and the CPUs each runs on: first a setting where everything fails now and then;
# then one where page allocations rarely fail, so fork and exec mostly work and the
# programs get deep into their work, kmalloc fails often, and four CPUs race (that is
# where a create/link deadlock in the file system showed up).
DEFAULT_FAULTS = "kalloc=1/50,kmalloc=1/20,seed=7,user=1"
FAULTS_CONFIGS = ((DEFAULT_FAULTS, 2), ("kalloc=1/400,kmalloc=1/10,seed=11,user=1", 4))

# The fuzzer (src/user/mmfuzz.c): seeds and size of each run. One run of
# 2000 iterations x 4 workers issues about 25,000 operations (the victims the workers
# fork and kill issue many of them) and takes a few seconds under TCG.
MMFUZZ_SEEDS = (1, 2, 3)
MMFUZZ_FAULT_SEEDS = (4, 5)
MMFUZZ_KMDEBUG_SEED = 6
MMFUZZ_ITERATIONS = 2000
MMFUZZ_PROCS = 4
MMFUZZ_TICKS = 6000              # the fuzzer's own time limit (clock ticks)
MMFUZZ_TIMEOUT = 300             # seconds for one run

# The all-syscall fuzzer (src/user/sysfuzz.c), always under memleak: seeds and the
# CPUs each runs on, and size. With every bug class allowed, one run of 10,000 ops x
# 4 workers issues about 40,000 operations (its children count too) in about 35 s
# under TCG; the four runs give about 160,000, the two under fault injection (suite
# "faults") some 45,000 more. The tick limit caps a run on a busy machine.
SYSFUZZ_RUNS = ((1, 2), (2, 2), (3, 4), (4, 4))      # (seed, CPUS)
SYSFUZZ_FAULT_SEED = 5
SYSFUZZ_OPS = 10000
SYSFUZZ_PROCS = 4
SYSFUZZ_TICKS = 4000            # the fuzzer's own time limit (clock ticks)
SYSFUZZ_TIMEOUT = 300            # seconds for one run
# Classes of bugs the fuzzer can leave out (its -k mask, KNOWN_* in sysfuzz.c):
# kill(1), strings read twice, inode table full, page reference count wrap,
# write-back into holes, link count wrap, create in a removed directory, sleep(-1),
# chdir into a removed directory, concurrent kmtest. All are fixed, so the suite
# runs every class (0); a bit set here would hide a class again while it is broken.
SYSFUZZ_KNOWN = 0x000

# Programs the "leak" suite runs under memleak (each must leave the kernel's
# counters exactly as they were). usertests tests that fork, exec, grow and
# shrink memory, pipe and fault.
LEAK_PROGRAMS = (
    "ls", "echo leak check", "kmstat", "pmap", "forktest", "zombie", "stressfs",
    "usertests sbrkmuch", "usertests mem", "usertests pipekill", "usertests exec",
    "usertests argptr", "usertests forkfull",
    f"mmfuzz -s 7 -n 200 -p 3",
    "sysbench pipe1 pipe512 pipe4k",
)

# With fault injection armed, a command is typed again until it really starts
# (fork and exec fail most of the time at kalloc=1/50): at most this many times.
FAULT_ATTEMPTS = 300

# The "crash" suite: power-cut trials for this long (each takes a few seconds);
# `make crashtest` runs many more (test/crash.py --trials).
CRASH_SUITE_SECONDS = 120

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
                     check_output=True, label=None, build_label="all", memory_mb=None,
                     numbers=None):
    """Run the tests of one OSTEP-format folder: build an image holding its test_N
    programs, boot once, type the tests one after another (booting again after a test
    that panics, hangs or kills QEMU), compare each test's XV6_TEST_OUTPUT lines.

    check_output=False (for fault injection) only asks that each test ends with the
    shell prompt back: no panic, no hang. memory_mb boots with that much memory;
    numbers runs only those tests (else all, or -t's).
    """
    folder = os.path.abspath(folder)
    label = label or os.path.basename(folder.rstrip("/"))
    tests = select_tests(ctx, folder, label)
    if numbers is not None:
        tests = [t for t in tests if t.number in numbers]
    if not tests:
        return
    if not ctx.options.skip_pre:
        run_pre_scripts(ctx, tests, label)
    image, tests = build_test_image(ctx, folder, tests, label, build_dir, variables,
                                    build_label)
    if image is None:
        return
    config = ctx.boot_config(fs_img=image, build_dir=build_dir, cpus=cpus, faults=faults,
                             memory_mb=memory_mb)
    run_tests_in_guest(ctx, tests, label, config, f"{label}-cpus{cpus}", check_output,
                       build_dir, folder)


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
    """Build the kernel and a file system image holding the folder's test_N programs
    (only those of -t N, when given).

    Returns (image path, the tests that built). A test that does not compile or link
    is reported as failed ("did not build", with the compiler's first error lines) and
    left out; the others run. If the image itself cannot be made, every test is
    reported as failed and the result is (None, []).
    """
    if not build_images(ctx, build_dir, variables, build_label):
        for test in tests:
            ctx.record(f"{label}/{test.number}", False, f"not run: build {build_label} failed")
        return None, []
    image = test_image_path(ctx, folder, build_dir)
    extra = [f"TESTDIR={folder}", f"TESTFS={image}"]
    if ctx.options.tests:                    # -t N: build only the tests asked for
        extra.append("TESTS=" + " ".join(str(t.number) for t in tests))
    build = ctx.build(build_dir, variables, targets=["testfs"], extra=tuple(extra),
                      label=f"testfs-{label}")
    if not build.ok:
        everything = " | ".join(ostep.first_errors(build.output))
        for test in tests:
            ctx.record(f"{label}/{test.number}", False,
                       f"not run: the folder's image did not build: {everything} "
                       f"(full output: {ctx.relative(build.log)})")
        return None, []
    unbuilt = ostep.unbuilt(build.output)
    built = []
    for test in tests:
        if test.number not in unbuilt:
            built.append(test)
            continue
        log = unbuilt[test.number]
        errors = " | ".join(ostep.build_failure(log, build.output))
        ctx.record(f"{label}/{test.number}", False,
                   f"did not build: {errors} (compiler output: {ctx.relative(log)})")
    return (image if built else None), built


def test_limit(ctx, folder):
    """Seconds one test of this folder may take (--test-timeout, or more for the
    hostile folder)."""
    limit = ctx.options.test_timeout
    hostile = os.path.join(ctx.root, HOSTILE_FOLDER)
    if folder and os.path.isdir(hostile) and os.path.samefile(folder, hostile):
        limit = max(limit, HOSTILE_TEST_TIMEOUT)
    return limit


def run_tests_in_guest(ctx, tests, label, config, boot_label, check_output,
                       build_dir=None, folder=None):
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
            limit = ctx.timeout(test_limit(ctx, folder))
            result = guest.run(test.program, limit)
            if not result.ok:                  # panic, hang or QEMU gone: reboot next
                # A hang names the processes and their call chains (Ctrl-P).
                who = robust.process_list(guest) if result.status == "timeout" else ""
                guest.stop()
                guest = None
                ctx.record(name, False, f"{result.describe(limit)}{who} (console log: "
                                        f"{ctx.log_file(boot_label)})")
                continue
            verdict = ostep.check(test, result.output) if check_output else ostep.Verdict(True)
            if not verdict.ok and verdict.details:
                ctx.verbose(verdict.details)
            reason = verdict.reason
            if not verdict.ok:
                kills = [symbolize.annotate(line, build_dir or ctx.base_build, folder)
                         for line in ostep.kill_lines(result.output, test.program)]
                reason += killed_text(test.program, kills)
            ctx.record(name, verdict.ok, reason, result.seconds)
            if ctx.options.fresh_boot:
                guest.stop()
                guest = None
    finally:
        if guest is not None:
            guest.stop()


def killed_text(program, lines):
    """For a FAIL line: the kernel's kill line(s) for the test's processes, if any."""
    if not lines:
        return ""
    more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return f"; the kernel killed {program}: {lines[0]!r}{more}"


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


# ---- memleak, mmfuzz and fault injection (robust.py) -------------------------------------

def mmfuzz_line(seed, iterations=MMFUZZ_ITERATIONS, procs=MMFUZZ_PROCS, ticks=MMFUZZ_TICKS):
    return f"mmfuzz -s {seed} -n {iterations} -p {procs} -t {ticks}"


def sysfuzz_line(seed, ops=SYSFUZZ_OPS, procs=SYSFUZZ_PROCS, ticks=SYSFUZZ_TICKS,
                 known=SYSFUZZ_KNOWN):
    return f"memleak -w 0 sysfuzz -s {seed} -n {ops} -p {procs} -t {ticks} -k {known}"


def sysfuzz_command(ctx, seed, cpus, faults=None, tag=""):
    line = sysfuzz_line(seed)
    return Command(f"sysfuzz CPUS={cpus} seed={seed}{tag}", line,
                   judge_all(judge_memleak, judge_sysfuzz), started=robust.MEMLEAK_START,
                   attempts=start_attempts(ctx, faults), timeout=SYSFUZZ_TIMEOUT,
                   replay=replay_text(line, cpus, faults or ctx.faults))


def replay_text(line, cpus, faults="", variables=()):
    """How to run `line` again by hand."""
    make = f"make qemu-nox CPUS={cpus}"
    for variable in variables:
        make += f" {variable}"
    if faults:
        make += f' FAULTS="{faults}"'
        return (f"{make}, then type: {line} (the failures injected depend on everything "
                f"that ran since boot: type the suite's earlier commands first)")
    return f"{make}, then type: {line}"


def start_attempts(ctx, faults):
    """How often a command is typed before we give up on starting it."""
    return FAULT_ATTEMPTS if (faults if faults is not None else ctx.faults) else 1


def program_judge(program):
    """The judge for `memleak PROGRAM...`: clean, and the program's own verdict."""
    if program.startswith("usertests"):
        def passed(output):
            if "ALL TESTS PASSED" in output:
                return True, ""
            return False, f"usertests did not pass; last line: {last_line(output)!r}"
        return judge_all(judge_memleak, passed)
    if program.startswith("mmfuzz"):
        return judge_all(judge_memleak, judge_mmfuzz)
    if program.startswith("sysbench"):
        # A smoke run (no figures checked): every test printed its result
        # line, and none reported an error (the pipe tests check every byte).
        def finished(output):
            errors = [line.strip() for line in output.splitlines() if "B error" in line]
            if errors:
                return False, errors[0]
            missing = [t for t in program.split()[1:] if f"B {t} reps=" not in output]
            if missing:
                return False, f"no result for {', '.join(missing)}"
            return True, ""
        return judge_all(judge_memleak, finished)
    return judge_memleak


# A memleak command measuring several programs stays this short: the console
# keeps at most 128 typed characters, exec takes at most MAXARG = 32 arguments.
MEMLEAK_LINE_MAX = 100


def memleak_groups(programs, warmups):
    """Split [(name, program)] into groups whose memleak line fits MEMLEAK_LINE_MAX."""
    groups, group = [], []
    for part in programs:
        candidate = group + [part]
        line = f"memleak -w {warmups} " + " + ".join(p for _, p in candidate)
        if group and (len(line) > MEMLEAK_LINE_MAX or 2 * len(candidate) + 2 > 32):
            groups.append(group)
            candidate = [part]
        group = candidate
    if group:
        groups.append(group)
    return groups


def run_ostep_leak(ctx, folder, cpus, label, faults=None, build_dir=None, variables=(),
                   build_label="all", warmups=1):
    """Run every test_N of an OSTEP-format folder under memleak: each must print
    "memleak: clean" (its XV6_TEST_OUTPUT lines are the "ostep" suite's business).
    Several tests share one memleak command (memleak_groups). Returns the
    Outcomes."""
    folder = os.path.abspath(folder)
    if not os.path.isdir(folder):
        return []
    tests, _problems = ostep.load_folder(folder)     # the ostep suite reports problems
    if ctx.options.tests:
        tests = [t for t in tests if t.number in ctx.options.tests]
    if not tests:
        return []
    image, tests = build_test_image(ctx, folder, tests, label, build_dir, variables,
                                    build_label)
    if image is None:
        return []
    attempts = start_attempts(ctx, faults)
    commands = []
    programs = [(f"{label}/{test.number}", test.program) for test in tests]
    for parts in memleak_groups(programs, warmups):
        line = f"memleak -w {warmups} " + " + ".join(program for _, program in parts)
        commands.append(robust.memleak_group(
            parts, warmups, attempts=attempts,
            timeout=test_limit(ctx, folder) * (1 + warmups),
            replay=replay_text(line, cpus, faults or ctx.faults, variables) +
                   f" (image: make testfs TESTDIR={ctx.relative(folder)})"))
    config = ctx.boot_config(fs_img=image, build_dir=build_dir, cpus=cpus, faults=faults)
    return robust.run_commands(ctx, commands, config, f"{label}-cpus{cpus}",
                               on_boot=armed_check(ctx, faults))


def armed_check(ctx, faults, seen=None):
    """An on_boot hook: with faults armed, the kernel must say "faults: armed" at
    boot. Boots that did not are counted in seen["missing"]."""
    value = faults if faults is not None else ctx.faults
    if not value:
        return None

    def check(guest):
        if seen is not None:
            seen["boots"] = seen.get("boots", 0) + 1
        if not robust.ARMED_RE.search(guest.text):
            if seen is not None:
                seen["missing"] = seen.get("missing", 0) + 1
            else:
                ctx.record(f"faults armed at boot FAULTS={value}", False,
                           "the kernel did not print 'faults: armed' at boot")
    return check


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


# The tests that need memory to run out: booted small (MEM=64), their point
# is reclaim; they also run in the ostep suite's ordinary boot.
LOWMEM_MB = 64
LOWMEM_TESTS = {"test/mmap": [53, 54]}


@suite("lowmem", default=True,
       help=f"OSTEP tests of the file-cache reclaim (test/mmap 53, 54) booted with "
            f"{LOWMEM_MB} MiB of memory")
def lowmem_suite(ctx):
    for folder, numbers in LOWMEM_TESTS.items():
        if ctx.should_stop():
            return
        run_ostep_folder(ctx, os.path.join(ctx.root, folder), cpus=ctx.options.cpus or 2,
                         label=f"{os.path.basename(folder)}-mem{LOWMEM_MB}",
                         memory_mb=LOWMEM_MB, numbers=numbers)


@suite("usertests", default=True, help="usertests with CPUS=1, 2 and 4 (or --cpus N)")
def usertests_suite(ctx):
    for cpus in [ctx.options.cpus] if ctx.options.cpus else [1, 2, 4]:
        if ctx.should_stop():
            return
        run_usertests(ctx, cpus)


@suite("leak", default=True,
       help="memleak over selected programs (" + ", ".join(LEAK_PROGRAMS[:4]) + ", ..., "
            "usertests) and the OSTEP folders' tests: kernel counters back to where "
            "they were")
def leak_suite(ctx):
    cpus = ctx.options.cpus or 2
    label = f"leak CPUS={cpus}"
    if not build_images(ctx):
        ctx.record(label, False, "not run: build all failed")
        return
    attempts = start_attempts(ctx, None)
    commands = []
    for program in LEAK_PROGRAMS + ("usertests",):
        # The whole usertests takes a while: no warm-up run for it (measured:
        # first runs leave the counters where they were, see memleak.c).
        line = f"memleak -w 0 {program}" if program == "usertests" else f"memleak {program}"
        commands.append(Command(
            f"leak/{program.split()[0] if program.startswith('echo') else program}",
            line, program_judge(program), started=robust.MEMLEAK_START,
            attempts=attempts,
            timeout=USERTESTS_TIMEOUT if program == "usertests" else MMFUZZ_TIMEOUT,
            replay=replay_text(line, cpus, ctx.faults)))
    totals = robust.Totals()
    for outcome in robust.run_commands(ctx, commands, ctx.boot_config(cpus=cpus),
                                       f"leak-cpus{cpus}", on_boot=armed_check(ctx, None)):
        totals.add(outcome)
    for folder in ostep_folders(ctx):
        if ctx.should_stop():
            return
        name = "leak/" + os.path.basename(os.path.abspath(folder))
        for outcome in run_ostep_leak(ctx, folder, cpus, name):
            totals.add(outcome)
    ctx.say(f"leak: {totals.clean} leak checks clean")


@suite("mmfuzz", default=True,
       help=f"the fuzzer (mmfuzz, {MMFUZZ_ITERATIONS} iterations x {MMFUZZ_PROCS} "
            f"processes) with seeds {', '.join(map(str, MMFUZZ_SEEDS))} on CPUS=2 and "
            f"CPUS=4 (or --cpus N)")
def mmfuzz_suite(ctx):
    if not build_images(ctx):
        ctx.record("mmfuzz", False, "not run: build all failed")
        return
    totals = robust.Totals()
    for cpus in [ctx.options.cpus] if ctx.options.cpus else [2, 4]:
        if ctx.should_stop():
            break
        commands = []
        for seed in MMFUZZ_SEEDS:
            line = mmfuzz_line(seed)
            commands.append(Command(
                f"mmfuzz CPUS={cpus} seed={seed}", line, judge_mmfuzz,
                started=robust.MMFUZZ_START, attempts=start_attempts(ctx, None),
                timeout=MMFUZZ_TIMEOUT, replay=replay_text(line, cpus, ctx.faults)))
        for outcome in robust.run_commands(ctx, commands, ctx.boot_config(cpus=cpus),
                                           f"mmfuzz-cpus{cpus}",
                                           on_boot=armed_check(ctx, None)):
            totals.add(outcome)
    ctx.say(f"mmfuzz: {totals.fuzz_text()}")


@suite("sysfuzz", default=True,
       help=f"the all-syscall fuzzer (sysfuzz, {SYSFUZZ_OPS} ops x {SYSFUZZ_PROCS} "
            f"processes) under memleak, seeds and CPUs " +
            ", ".join(f"{seed}/CPUS={cpus}" for seed, cpus in SYSFUZZ_RUNS) +
            " (or all on --cpus N)")
def sysfuzz_suite(ctx):
    if not build_images(ctx):
        ctx.record("sysfuzz", False, "not run: build all failed")
        return
    totals = robust.Totals()
    by_cpus = {}
    for seed, cpus in SYSFUZZ_RUNS:
        by_cpus.setdefault(ctx.options.cpus or cpus, []).append(seed)
    for cpus, seeds in by_cpus.items():
        if ctx.should_stop():
            break
        commands = [sysfuzz_command(ctx, seed, cpus) for seed in seeds]
        for outcome in robust.run_commands(ctx, commands, ctx.boot_config(cpus=cpus),
                                           f"sysfuzz-cpus{cpus}",
                                           on_boot=armed_check(ctx, None)):
            totals.add(outcome)
    ctx.say(f"sysfuzz: {totals.sys_fuzz_text()}")


@suite("crash", default=True,
       help="power cuts during file work (test/crash.py): about 2 minutes of trials, "
            "1 and 2 workers, CPUS=1 and 2; fsck and every finished call checked")
def crash_suite(ctx):
    import crash
    import random
    if ctx.out_of_time("crash"):
        return
    if not build_images(ctx):
        ctx.record("crash", False, "not run: build all failed")
        return
    fsck = ctx.build(None, targets=[os.path.join(ctx.base_build, "fsck")], label="fsck")
    if not fsck.ok:
        ctx.record("crash", False, "make fsck failed: " + " | ".join(ostep.first_errors(
            fsck.output)) + f" (full output: {ctx.relative(fsck.log)})")
        return
    seed = random.randrange(1, 1 << 30)
    ctx.say(f"crash: seed {seed} (python3 test/crash.py --seconds {CRASH_SUITE_SECONDS} "
            f"--seed {seed} repeats the plan)")
    started = time.monotonic()
    keep = os.path.join(ctx.logs, "crash-failed")
    stats = crash.run(ctx.qemu, ctx.base_build, seconds=CRASH_SUITE_SECONDS, seed=seed,
                      cpus=ctx.options.cpus, report=ctx.record, keep_failed=keep)
    ctx.say("crash: " + crash.summary(stats, time.monotonic() - started))


@suite("hostile", default=True,
       help=f"hostile user programs ({HOSTILE_FOLDER}) on CPUS=2, and its race tests "
            f"{', '.join(map(str, HOSTILE_RACE_TESTS))} again on CPUS=4 (or --cpus N, once)")
def hostile_suite(ctx):
    folder = os.path.join(ctx.root, HOSTILE_FOLDER)
    run_ostep_folder(ctx, folder, cpus=ctx.options.cpus or 2)
    if ctx.options.cpus or ctx.should_stop():
        return
    label = "hostile"
    races = [t for t in select_tests(ctx, folder, label) if t.number in HOSTILE_RACE_TESTS]
    if not races:
        return
    image, races = build_test_image(ctx, folder, races, label, None, (), "all")
    if image is None or not races:
        return
    config = ctx.boot_config(fs_img=image, cpus=4)
    run_tests_in_guest(ctx, races, "hostile-cpus4", config, "hostile-cpus4", True,
                       None, folder)


@suite("faults", default=True,
       help="fault injection armed (FAULTS, or " +
            " and ".join(f"{value} on CPUS={cpus}" for value, cpus in FAULTS_CONFIGS) + "): "
            "usertests, mmfuzz, sysfuzz, the OSTEP folders' tests and " + HOSTILE_FOLDER +
            " under memleak: no panic, no hang, no leak, and failures really injected")
def faults_suite(ctx):
    if not build_images(ctx):
        ctx.record("faults", False, "not run: build all failed")
        return
    for value, cpus in [(ctx.faults, 2)] if ctx.faults else FAULTS_CONFIGS:
        if ctx.should_stop():
            return
        run_faults(ctx, value, cpus=ctx.options.cpus or cpus)


def run_faults(ctx, value, cpus=2):
    """usertests, the fuzzers and the OSTEP folders with FAULTS=value, each under memleak."""
    tag = f"FAULTS={value}"
    seen = {}
    commands = []
    line = "memleak -w 0 -r 3 usertests"
    commands.append(Command(
        f"usertests x3 {tag}", line, judge_memleak, started=robust.MEMLEAK_START,
        attempts=FAULT_ATTEMPTS, timeout=USERTESTS_TIMEOUT, replay=replay_text(line, cpus,
                                                                                value)))
    for seed in MMFUZZ_FAULT_SEEDS:
        line = "memleak -w 0 " + mmfuzz_line(seed)
        commands.append(Command(
            f"mmfuzz seed={seed} {tag}", line, judge_all(judge_memleak, judge_mmfuzz),
            started=robust.MEMLEAK_START, attempts=FAULT_ATTEMPTS, timeout=MMFUZZ_TIMEOUT,
            replay=replay_text(line, cpus, value)))
    commands.append(sysfuzz_command(ctx, SYSFUZZ_FAULT_SEED, cpus, faults=value,
                                    tag=f" {tag}"))
    totals = robust.Totals()
    config = ctx.boot_config(cpus=cpus, faults=value)
    for outcome in robust.run_commands(ctx, commands, config, f"faults-{value}",
                                       on_boot=armed_check(ctx, value, seen)):
        totals.add(outcome)
    folders = ostep_folders(ctx)
    hostile = os.path.join(ctx.root, HOSTILE_FOLDER)
    if not ctx.options.ostep and os.path.isdir(hostile):
        folders = folders + [hostile]
    for folder in folders:
        if ctx.should_stop():
            return
        label = os.path.basename(os.path.abspath(folder)) + f"+faults({value})"
        for outcome in run_ostep_leak(ctx, folder, cpus, label, faults=value, warmups=0):
            totals.add(outcome)
    boots = seen.get("boots", 0)
    if boots:
        missing = seen.get("missing", 0)
        ctx.record(f"faults armed at boot {tag}", missing == 0,
                   f"{missing} of {boots} boots did not print 'faults: armed'")
    if totals.attempts:
        ctx.record(f"faults injected {tag}", totals.injected() > 0,
                   "no allocation failure was injected (" + totals.faults_text() + ")")
    ctx.say(f"{tag} CPUS={cpus}: {totals.faults_text()}; {totals.clean} leak checks clean; "
            f"usertests under injection: {totals.usertests_ok} tests passed, "
            f"{totals.usertests_failed} failed; {totals.fuzz_text()}; "
            f"{totals.sys_fuzz_text()}")


@suite("kmdebug", default=True,
       help="kernel built with KMDEBUG=1 (poisoned kmalloc blocks): usertests, the "
            "OSTEP folders and mmfuzz under memleak")
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
    if ctx.should_stop() or not build_images(ctx, build_dir, variables, "kmdebug"):
        return
    line = "memleak -w 0 " + mmfuzz_line(MMFUZZ_KMDEBUG_SEED)
    command = Command(f"mmfuzz CPUS=2 KMDEBUG seed={MMFUZZ_KMDEBUG_SEED}", line,
                      judge_all(judge_memleak, judge_mmfuzz), started=robust.MEMLEAK_START,
                      attempts=start_attempts(ctx, None), timeout=MMFUZZ_TIMEOUT,
                      replay=replay_text(line, 2, ctx.faults, variables))
    totals = robust.Totals()
    for outcome in robust.run_commands(ctx, [command],
                                       ctx.boot_config(build_dir=build_dir, cpus=2),
                                       "mmfuzz-kmdebug", on_boot=armed_check(ctx, None)):
        totals.add(outcome)
    ctx.say(f"mmfuzz KMDEBUG: {totals.fuzz_text()}")


@suite("harness", default=True,
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
