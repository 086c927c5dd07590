#!/usr/bin/env python3
"""Boot time to the first "$ " and usertests wall time (issue 2).

    python3 bench/boot/bootbench.py [--runs N]

Tables printed (markdown):
  1. Boot phases in host wall time under TCG (QEMU's default accelerator here),
     CPUS=2 and CPUS=1, median and worst of N boots: QEMU start -> SeaBIOS hands
     over ("Booting from Hard Disk") -> kernel banner -> init starts sh -> "$ ".
  2. Guest instructions to the first prompt (CPUS=1), with -icount shift=0 (one TSC tick
     per instruction): the command "mmapbench tsc; mmapbench tsc" is typed as
     soon as init announces the shell, so the shell finds it waiting; the first
     TSC value is read at the start of that command, and the difference between
     the two is the cost of one such command, subtracted to estimate the prompt.
  3. KVM: one probe boot when /dev/kvm is usable (expected to fail on this host).
  4. usertests wall time, CPUS=1 and CPUS=2 (TCG), median and worst of N runs;
     plus one CPUS=1 run under -icount for its guest virtual time.
"""

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ folders in bench/ or test/
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchlib as bl   # noqa: E402

MARKERS = [("BIOS done", "Booting from Hard Disk"),
           ("kernel banner", "booting on "),
           ("init starts sh", "init: starting sh"),
           ("first \"$ \"", "$ ")]


def boot_phases(folder, cpus, extra, label):
    """Boot once; returns host seconds from QEMU's start to each marker."""
    guest = bl.BenchGuest(folder, cpus=cpus, extra=extra, label=label)
    try:
        guest.must_boot()
        return [guest.seconds_until(marker) for _, marker in MARKERS]
    finally:
        guest.stop()


def tsc_at_prompt(folder, cpus, label, tries=3):
    """Boot under icount with the TSC command typed ahead.

    Returns ((tsc1, tsc2), hangs): the two TSC values, and how many boots had to
    be abandoned because the guest stopped making progress (seen now and then
    with -icount and 2 CPUs; see RESULTS.md).
    """
    hangs = 0
    for _ in range(tries):
        guest = bl.BenchGuest(folder, cpus=cpus, extra=bl.ICOUNT, label=label)
        try:
            guest.type_when("init: starting sh", "mmapbench tsc; mmapbench tsc\n")
            result = guest.boot(30)
            deadline = time.monotonic() + 30
            while result.ok and (guest.text.count("B tsc ") < 2 or
                                 not guest.text.rstrip(" ").endswith("$")):
                if time.monotonic() > deadline:
                    break
                guest._read(0.5)
            rows = [r for r in bl.parse_b_lines(guest.text) if r["_"] == "tsc"]
            if len(rows) >= 2:
                return [(r["hi"] << 32) | r["lo"] for r in rows[:2]], hangs
            hangs += 1
            bl.note(f"icount boot with CPUS={cpus} made no progress (last line: "
                    f"{bl.qemu.last_line(guest.text)!r}); booting again")
        finally:
            guest.stop()
    sys.exit(f"no icount boot with CPUS={cpus} reached the prompt in {tries} tries")


def run_usertests(folder, cpus, extra=(), command="usertests", label="usertests"):
    """Boot, run `command` (usertests); returns (host seconds from typing it to the
    arrival of the next prompt, the run's Result)."""
    guest = bl.BenchGuest(folder, cpus=cpus, extra=extra, label=label)
    try:
        guest.must_boot()
        typed = time.monotonic()
        result = guest.must_run(command, 900)
        if "ALL TESTS PASSED" not in result.output:
            sys.exit(f"usertests did not pass: {bl.qemu.last_line(result.output)!r}")
        prompt = guest.seconds_until("$ ", guest.text.rfind("$ ")) + guest.started_at
        return prompt - typed, result
    finally:
        guest.stop()


def summary(values):
    values = [v for v in values if v is not None]
    return bl.median(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="boots / usertests runs per case")
    options = parser.parse_args()
    runs = options.runs
    bl.procs.install_cleanup()

    folder = bl.build("mm")
    rel = os.path.relpath(folder, bl.ROOT)
    bl.say("## Boot and usertests (issue 2)")
    bl.say()
    bl.say(f"QEMU: {bl.host_description()}. Images: `make BUILD={rel}` (the default "
           f"kernel; the file system also holds mmapbench). Wall times are host seconds and "
           f"depend on the host's load; instruction counts do not.")
    bl.say()

    # 1. boot phases, wall time
    cases = [("TCG, CPUS=2", 2, []), ("TCG, CPUS=1", 1, [])]
    rows = []
    for name, cpus, extra in cases:
        bl.note(f"boot x{runs}: {name}")
        samples = [boot_phases(folder, cpus, extra, "boot") for _ in range(runs)]
        row = [name]
        for i in range(len(MARKERS)):
            med, worst = summary([s[i] for s in samples])
            row.append(f"{med:.3f} / {worst:.3f}")
        rows.append(row)
    bl.heading(f"Boot to the first prompt, host seconds since QEMU started (median / worst "
               f"of {runs})", "python3 bench/boot/bootbench.py  (part of make bench)")
    bl.say(bl.table(["configuration"] + [label for label, _ in MARKERS], rows))
    bl.say()

    # 2. instructions to the prompt
    rows = []
    hangs = 0
    for cpus in (1,):
        bl.note(f"boot under icount x{runs}: CPUS={cpus}")
        pairs = []
        for _ in range(runs):
            pair, stuck = tsc_at_prompt(folder, cpus, "boot-icount")
            pairs.append(pair)
            hangs += stuck
        first = sorted(p[0] for p in pairs)
        cost = bl.median([p[1] - p[0] for p in pairs])
        rows.append([f"CPUS={cpus}", bl.num(first[0]), bl.num(bl.median(first)),
                     bl.num(first[-1]), bl.num(cost), bl.num(first[0] - cost)])
    bl.heading(f"Boot to the first prompt in guest instructions (TCG, -icount shift=0; "
               f"{runs} boots)", "python3 bench/boot/bootbench.py")
    bl.say(bl.table(["CPUs", "TSC at first command: best", "median", "worst",
                     "one command (TSC2-TSC1, median)", "estimated TSC at \"$ \" (best)"],
                    rows))
    bl.say()
    bl.say("Under -icount shift=0 the TSC counts guest instructions (1 tick each; "
           "calibrated by `mmapbench calib`), from machine reset, so this includes "
           "SeaBIOS and iPXE. Idle time (the kernel waiting for the disk) also advances "
           "it, at host real-time speed. Idle time is why the runs differ: the best run is the "
           "closest to the instruction count. The command typed ahead is "
           "`mmapbench tsc; mmapbench tsc`; one such command (fork, exec, print, exit) "
           "is subtracted to estimate the moment the prompt was printed. Only CPUS=1: with "
           "2 CPUs, -icount runs in QEMU 7.2 sometimes freeze (see the notes in bench/RESULTS.md) and the "
           "count is the sum over both CPUs.")
    bl.say()
    if hangs:
        bl.say(f"{hangs} icount boot(s) stopped making progress and were repeated.")
        bl.say()

    # 3. KVM
    usable, why = bl.qemu.kvm_usable()
    if usable:
        bl.note("KVM probe boot")
        guest = bl.BenchGuest(folder, cpus=2, accel="kvm", label="boot-kvm")
        try:
            result = guest.boot(15)
            kvm_text = (f"reached the prompt in {result.seconds:.2f} s" if result.ok
                        else "did not reach the prompt: " +
                        result.describe(15).split("; QEMU said")[0])
        finally:
            guest.stop()
    else:
        kvm_text = f"not tried: {why}"
    bl.say(f"KVM (`-accel kvm`, one probe boot, 15 s limit): {kvm_text}.")
    bl.say()

    # 4. usertests
    rows = []
    for cpus in (1, 2):
        bl.note(f"usertests x{runs}: CPUS={cpus}")
        samples = [run_usertests(folder, cpus)[0] for _ in range(runs)]
        med, worst = summary(samples)
        rows.append([f"TCG, CPUS={cpus}", f"{med:.2f}", f"{worst:.2f}",
                     ", ".join(f"{s:.2f}" for s in samples)])
    bl.note("usertests under icount, CPUS=1")
    seconds, result = run_usertests(folder, 1, bl.ICOUNT,
                                    "mmapbench tsc; usertests; mmapbench tsc",
                                    "usertests-icount")
    tscs = [(r["hi"] << 32) | r["lo"] for r in bl.parse_b_lines(result.output)
            if r["_"] == "tsc"]
    virtual = (tscs[1] - tscs[0]) if len(tscs) == 2 else None
    bl.heading(f"usertests wall time, host seconds from typing `usertests` to the next "
               f"prompt ({runs} runs)", "python3 bench/boot/bootbench.py")
    bl.say(bl.table(["configuration", "median", "worst", "all runs"], rows, "lrrl"))
    bl.say()
    if virtual is not None:
        bl.say(f"Under `-icount shift=0`, CPUS=1: usertests took {seconds:.2f} s of host "
               f"time and {bl.num(virtual)} ticks of guest virtual time (instructions, "
               f"plus idle time at host speed; {virtual / 1e9:.2f} guest seconds).")
        bl.say()


if __name__ == "__main__":
    main()
