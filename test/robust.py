"""Leak checks, the fuzzers and fault-injection runs (issue 5): running commands at
the xv6 shell and judging what they print.

A Command is one line typed at the shell, with a judge that reads its output:

    Command("leak/ls", "memleak ls", judge_memleak)
    Command("mmfuzz CPUS=4 seed=2", "mmfuzz -s 2 -n 1000 -p 4", judge_mmfuzz,
            started="mmfuzz: seed", replay="boot with CPUS=4, then type ...")

run_commands() boots a guest once and types the commands one after another; after a
command that leaves the kernel unusable (panic, hang, QEMU gone) it boots a fresh guest
for the next one. Every failure names the command line and the console log, and a
Command's `replay` text says how to reproduce it by hand.

With fault injection armed, even starting a program often fails: each fork and exec
allocates dozens of pages (the kernel half of every page table is private to the
process), and with kalloc=1/50 most of them lose one. The shell then prints "fork
failed" (and may itself die and be restarted by init) without having run anything.
A Command with `started` set is therefore typed again, up to `attempts` times, until
that text appears in its output; memleak does the same for the fork and exec of the
program it measures. The failed attempts are not wasted: they run the error paths of
fork and exec, and the leak check covers them.
"""

import dataclasses
import re
import time

from harness import BootError

# What the programs print (src/user/memleak.c, src/user/mmfuzz.c, src/user/sysfuzz.c).
MEMLEAK_START = "memleak: measuring"
MEMLEAK_CLEAN = "memleak: clean"
MMFUZZ_START = "mmfuzz: seed"
MMFUZZ_PASS = "mmfuzz: PASS"
SYSFUZZ_START = "sysfuzz: seed"
SYSFUZZ_PASS = "sysfuzz: PASS"
LEAK_RE = re.compile(r"^(?:memleak|mmfuzz|sysfuzz): LEAK .*$", re.MULTILINE)
SYSFUZZ_FAIL_RE = re.compile(r"^sysfuzz: FAIL .*$", re.MULTILINE)
SYSFUZZ_SUMMARY_RE = re.compile(
    r"sysfuzz: seed (\d+): (\d+) ops, (\d+) expected failures, (\d+) children killed$",
    re.MULTILINE)
MMFUZZ_FAIL_RE = re.compile(r"^mmfuzz: FAIL .*$", re.MULTILINE)
MMFUZZ_SUMMARY_RE = re.compile(
    r"mmfuzz: seed (\d+): (\d+) ops, (\d+) expected failures, (\d+) children killed as "
    r"expected")
MMFUZZ_DETAIL_RE = re.compile(r"mmfuzz: seed \d+: (\d+) workers, .*$", re.MULTILINE)
INJECTED_RE = re.compile(
    r"^(memleak|mmfuzz|sysfuzz)(?:: seed \d+)?: faults injected: kalloc (\d+) of (\d+), "
    r"kmalloc (\d+) of (\d+)", re.MULTILINE)
USERTESTS_OK_RE = re.compile(r"^(\w+) ok$", re.MULTILINE)
USERTESTS_FAILED_RE = re.compile(r"^(\w+): FAILED$", re.MULTILINE)
ARMED_RE = re.compile(r"faults: armed[^\n]*")
OOM_KILL_RE = re.compile(r"^pid \d+ \S+: killed: out of memory", re.MULTILINE)


@dataclasses.dataclass
class Command:
    name: str                    # the test's name in the report
    line: str                    # what is typed at the shell
    judge: object                # function(output) -> (ok, reason)
    started: str = None          # text showing the program really started (then the
                                 # line is typed again until it appears)
    attempts: int = 1            # how many times to type it at most
    timeout: float = 300         # seconds for one attempt
    replay: str = ""             # how to reproduce a failure by hand
    parts: list = None           # [(name, program)] for a memleak group (see below);
                                 # then `timeout` is for each part


def memleak_group(parts, warmups, judge=None, **fields):
    """One memleak command measuring several programs, each on its own:
    `memleak -w W p1 + p2 + ...`. parts: [(test name, program line)]. Every part
    gets its own verdict; after a panic or hang the parts not reached are typed
    again in a new command on a fresh guest."""
    line = f"memleak -w {warmups} " + " + ".join(program for _, program in parts)
    name = parts[0][0] if len(parts) == 1 else f"{parts[0][0]} .. {parts[-1][0]}"
    return Command(name, line, judge or judge_memleak, started=MEMLEAK_START,
                   parts=list(parts), **fields)


@dataclasses.dataclass
class Outcome:
    """What happened to one command (for the suites' totals)."""
    command: Command
    ok: bool
    output: str = ""
    attempts: int = 0


def run_commands(ctx, commands, config, boot_label, on_boot=None):
    """Type each command at a guest's shell and record its verdict.

    on_boot(guest) is called after every boot (for example to check that the kernel
    printed "faults: armed"). Returns the list of Outcomes, in order.
    """
    outcomes = []
    guest = None
    commands = list(commands)
    index = -1
    try:
        while index + 1 < len(commands):
            index += 1
            command = commands[index]
            if ctx.should_stop():
                for rest in commands[index:]:
                    ctx.skip(rest.name, "not run: stopped at the first failure")
                break
            if ctx.out_of_time(command.name):
                continue
            if guest is None:
                try:
                    guest = ctx.boot(config, boot_label)
                except BootError as error:
                    for rest in commands[index:]:
                        ctx.record(rest.name, False, str(error))
                        outcomes.append(Outcome(rest, False))
                    break
                if on_boot:
                    on_boot(guest)
            if command.parts:
                done, guest_ok, rest = run_group(ctx, guest, command, boot_label)
                outcomes.extend(done)
                if rest:
                    warmups = re.match(r"memleak -w (\d+) ", command.line).group(1)
                    commands.insert(index + 1, memleak_group(
                        rest, warmups, judge=command.judge, attempts=command.attempts,
                        timeout=command.timeout, replay=command.replay))
            else:
                outcome, guest_ok = run_one(ctx, guest, command, boot_label)
                outcomes.append(outcome)
                # After a failure the guest may hold what the command left behind
                # (processes, memory): the next command gets a fresh one.
                guest_ok = guest_ok and outcome.ok
            if not guest_ok:
                guest.stop()
                guest = None
    finally:
        if guest is not None:
            guest.stop()
    return outcomes


def type_until_started(ctx, guest, command):
    """Type the command (again, until its `started` text appears, if it has one).
    Returns (Result, limit of the last attempt, attempts, started)."""
    steps = max(1, command.attempts) * (len(command.parts) if command.parts else 1)
    deadline = time.monotonic() + ctx.timeout(command.timeout * steps)
    limit = ctx.timeout(command.timeout)
    attempts = 0
    while True:
        attempts += 1
        limit = max(1.0, min(limit, deadline - time.monotonic()))
        progress = MEMLEAK_START if command.parts else None
        result = guest.run(command.line, limit, progress=progress)
        if not result.ok:
            return result, limit, attempts, True
        if command.started is None or command.started in result.output:
            return result, limit, attempts, True
        if attempts >= command.attempts or time.monotonic() >= deadline:
            return result, limit, attempts, False


def hang_detail(guest, result):
    """After a timeout: the kernel's process list (Ctrl-P), summarised for the
    failure line (the whole dump is in the console log)."""
    if result.status != "timeout":
        return ""
    return process_list(guest)


def leak_detail(guest, reason):
    """After memleak found processes left over: who they are (Ctrl-P)."""
    if "LEAK procs" not in reason:
        return ""
    return process_list(guest)


def process_list(guest):
    dump = guest.procdump()
    procs = [line.split()[:3] for line in dump.splitlines()
             if re.match(r"^\d+ (sleep|run|runble|zombie|embryo)", line.strip())]
    if not procs:
        return ""
    text = ", ".join(" ".join(p) for p in procs)
    return f"; processes at the time (Ctrl-P, call chains in the log): {text}"


def not_started(command, attempts, output, log):
    return (f"{command.line!r} did not start in {attempts} attempts (fork or exec kept "
            f"failing; last line: {last_line(output)!r}; console log: {log})")


def run_one(ctx, guest, command, boot_label):
    """Run one command (typing it again until it starts, if asked); record the
    verdict. Returns (Outcome, whether the guest is still usable)."""
    started = time.monotonic()
    log = ctx.log_file(boot_label)
    replay = f"; replay: {command.replay}" if command.replay else ""
    result, limit, attempts, began = type_until_started(ctx, guest, command)
    if not result.ok:
        ctx.record(command.name, False,
                   f"{command.line!r}: {result.describe(limit)}"
                   f"{hang_detail(guest, result)} (console log: {log}){replay}")
        return Outcome(command, False, result.output, attempts), False
    if not began:
        ctx.record(command.name, False, not_started(command, attempts, result.output, log))
        return Outcome(command, False, result.output, attempts), True
    ok, reason = command.judge(result.output)
    seconds = time.monotonic() - started
    if ok:
        ctx.record(command.name, True, "", seconds)
    else:
        ctx.record(command.name, False, f"{command.line!r}: {reason}"
                                        f"{leak_detail(guest, reason)} (console log: {log})"
                                        f"{replay}")
    if ctx.options.verbose and attempts > 1:
        ctx.say(f"{command.name}: started at attempt {attempts}")
    return Outcome(command, ok, result.output, attempts), True


def memleak_segments(output):
    """Split memleak's output at its "memleak: measuring PROG" lines: [(prog, text)]."""
    segments = []
    for line in output.splitlines(keepends=True):
        if line.startswith(MEMLEAK_START + " "):
            segments.append([line[len(MEMLEAK_START) + 1:].strip(), ""])
        if segments:
            segments[-1][1] += line
    return [tuple(segment) for segment in segments]


def segment_done(program, text):
    """Did memleak finish measuring `program` (a verdict or "cannot run")?"""
    return (f"memleak: {program}:" in text or f"memleak: cannot run {program}" in text)


def run_group(ctx, guest, command, boot_label):
    """Run a memleak group; one verdict per part. Returns (Outcomes, whether the guest
    is still usable, the parts not reached)."""
    log = ctx.log_file(boot_label)
    replay = f"; replay: {command.replay}" if command.replay else ""
    started = time.monotonic()
    result, limit, attempts, began = type_until_started(ctx, guest, command)
    if result.ok and not began:
        reason = not_started(command, attempts, result.output, log)
        for name, _ in command.parts:
            ctx.record(name, False, reason)
        return [Outcome(command, False, result.output, attempts)], True, []
    segments = memleak_segments(result.output)
    outcomes = []
    for index, (name, program) in enumerate(command.parts):
        part = dataclasses.replace(command, name=name, line=f"memleak ... {program}",
                                   parts=None)
        prog = program.split()[0]
        if index >= len(segments) and index == 0 and not result.ok:
            # Nothing was measured: this part takes the blame (so the rest make
            # progress on the next guest).
            ctx.record(name, False, f"{command.line!r}: {result.describe(limit)}"
                                    f"{hang_detail(guest, result)} (console log: {log})"
                                    f"{replay}")
            outcomes.append(Outcome(part, False, result.output, attempts))
            return outcomes, False, command.parts[1:]
        if index >= len(segments):
            if result.ok:                     # memleak ended early (killed?)
                ctx.record(name, False, f"{command.line!r} ended before measuring {prog}; "
                                        f"last line: {last_line(result.output)!r} "
                                        f"(console log: {log})")
                outcomes.append(Outcome(part, False, "", attempts))
                continue
            return outcomes, False, command.parts[index:]
        text = segments[index][1]
        if segment_done(prog, text):
            if f"memleak: cannot run {prog}" in text:
                ok, reason = False, f"could not start {prog} (fork or exec kept failing)"
            else:
                ok, reason = command.judge(text)
            if ok:
                ctx.record(name, True, "", None)
            else:
                ctx.record(name, False, f"{program!r} under memleak: {reason}"
                                        f"{leak_detail(guest, reason)} (console log: {log})"
                                        f"{replay}")
        else:
            ok = False
            why = (result.describe(limit) + hang_detail(guest, result) if not result.ok
                   else "no verdict from memleak")
            ctx.record(name, False, f"{program!r} under memleak: {why} (console log: "
                                    f"{log}){replay}")
        outcomes.append(Outcome(part, ok, text, attempts if index == 0 else 0))
    if ctx.options.verbose:
        ctx.say(f"{command.name}: {time.monotonic() - started:.1f}s, started at attempt "
                f"{attempts}")
    return outcomes, result.ok, []


def last_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


# ---- judges ---------------------------------------------------------------------------

def judge_memleak(output):
    """memleak must end with "memleak: clean"."""
    leaks = LEAK_RE.findall(output)
    if leaks:
        return False, "; ".join(line.strip() for line in leaks)
    if MEMLEAK_CLEAN not in output:
        return False, f"no '{MEMLEAK_CLEAN}' line; last line: {last_line(output)!r}"
    return True, ""


def judge_fuzzer(output, fail_re, pass_line):
    """A fuzzer's verdict: its FAIL line (with any LEAK lines), else its PASS line."""
    failure = fail_re.search(output)
    if failure:
        leaks = LEAK_RE.findall(output)
        extra = (" (" + "; ".join(line.strip() for line in leaks) + ")") if leaks else ""
        return False, failure.group(0).strip() + extra
    if pass_line not in output:
        return False, f"no '{pass_line}' line; last line: {last_line(output)!r}"
    return True, ""


def judge_mmfuzz(output):
    """mmfuzz must end with "mmfuzz: PASS"."""
    return judge_fuzzer(output, MMFUZZ_FAIL_RE, MMFUZZ_PASS)


def judge_sysfuzz(output):
    """sysfuzz must end with "sysfuzz: PASS" (a FAIL line names the call and the seed)."""
    return judge_fuzzer(output, SYSFUZZ_FAIL_RE, SYSFUZZ_PASS)


def judge_all(*judges):
    """A judge that asks every one of `judges`."""
    def judge(output):
        for one in judges:
            ok, reason = one(output)
            if not ok:
                return ok, reason
        return True, ""
    return judge


# ---- numbers for the report --------------------------------------------------------------

@dataclasses.dataclass
class Totals:
    """Counts summed over a suite's runs, printed at its end."""
    ops: int = 0
    expected_failures: int = 0
    killed: int = 0
    fuzz_runs: int = 0
    kalloc_injected: int = 0
    kalloc_attempts: int = 0
    kmalloc_injected: int = 0
    kmalloc_attempts: int = 0
    clean: int = 0               # "memleak: clean", "mmfuzz: PASS" and "sysfuzz: PASS" lines
    usertests_ok: int = 0
    usertests_failed: int = 0
    oom_kills: int = 0           # processes the kernel killed for want of a page
    sys_runs: int = 0            # sysfuzz runs, and their counts
    sys_ops: int = 0
    sys_expected_failures: int = 0
    sys_killed: int = 0
    attempts: int = 0

    def add(self, outcome):
        out = outcome.output
        self.attempts += outcome.attempts
        for match in MMFUZZ_SUMMARY_RE.finditer(out):
            self.fuzz_runs += 1
            self.ops += int(match.group(2))
            self.expected_failures += int(match.group(3))
            self.killed += int(match.group(4))
        for match in SYSFUZZ_SUMMARY_RE.finditer(out):
            self.sys_runs += 1
            self.sys_ops += int(match.group(2))
            self.sys_expected_failures += int(match.group(3))
            self.sys_killed += int(match.group(4))
        # memleak's count covers the whole measured run (the program's own
        # count, if it prints one, is part of it): take memleak's when present.
        injected = {m.group(1): m for m in INJECTED_RE.finditer(out)}
        match = injected.get("memleak") or injected.get("mmfuzz") or injected.get("sysfuzz")
        if match:
            self.kalloc_injected += int(match.group(2))
            self.kalloc_attempts += int(match.group(3))
            self.kmalloc_injected += int(match.group(4))
            self.kmalloc_attempts += int(match.group(5))
        self.clean += (out.count(MEMLEAK_CLEAN) + out.count(MMFUZZ_PASS) +
                       out.count(SYSFUZZ_PASS))
        self.usertests_ok += len(USERTESTS_OK_RE.findall(out))
        self.usertests_failed += len(USERTESTS_FAILED_RE.findall(out))
        self.oom_kills += len(OOM_KILL_RE.findall(out))

    def injected(self):
        return self.kalloc_injected + self.kmalloc_injected

    def fuzz_text(self):
        return (f"{self.fuzz_runs} mmfuzz runs: {self.ops} ops, {self.expected_failures} "
                f"expected failures, {self.killed} children killed as expected")

    def sys_fuzz_text(self):
        return (f"{self.sys_runs} sysfuzz runs: {self.sys_ops} ops, "
                f"{self.sys_expected_failures} expected failures, {self.sys_killed} "
                f"children killed")

    def faults_text(self):
        return (f"injected kalloc {self.kalloc_injected} of {self.kalloc_attempts}, "
                f"kmalloc {self.kmalloc_injected} of {self.kmalloc_attempts}; "
                f"{self.oom_kills} process{'' if self.oom_kills == 1 else 'es'} killed for "
                f"want of memory on a page fault")
