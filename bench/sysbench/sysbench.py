#!/usr/bin/env python3
"""System-call benchmark (issue 12): src/user/sysbench.c under -icount.

    python3 bench/sysbench/sysbench.py [--build NAME] [--tests getpid,pipe1,...]

Builds `make BUILD=build/bench/NAME` (default: mm, the image mmbench.py also
uses), boots it under TCG with -icount shift=0 and CPUS=1, and runs
`sysbench TEST` once per test, as separate commands, so that QEMU's
ide_sector_write trace can say how many disk sectors each test wrote. The
instruction counts come from the guest (rdtsc around each operation; under
-icount one tick is one guest instruction, see mmapbench calib). Prints a
markdown table.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchlib as bl   # noqa: E402

SCRIPT = "python3 bench/sysbench/sysbench.py"

# Test name -> what the table calls it. The order is sysbench's own: the file
# tests find what they need made by the ones before them.
TESTS = [
    ("getpid", "getpid()"),
    ("sbrk", "sbrk(4096) + store + sbrk(-4096)"),
    ("fork0", "fork + exit + wait, 0 MiB heap"),
    ("fork1", "fork + exit + wait, 1 MiB touched heap"),
    ("fork4", "fork + exit + wait, 4 MiB touched heap"),
    ("exec", "fork + exec (a program that exits) + wait"),
    ("execsmall", "fork + exec of tinyexit (1.6 KB file) + wait"),
    ("execbig", "fork + exec of bigexit (same pages touched, 10x the file) + wait"),
    ("pipe1", "pipe: 1-byte round trip"),
    ("pipe512", "pipe: 64 KiB in 512-byte writes"),
    ("pipe4k", "pipe: 64 KiB in 4 KiB writes"),
    ("open", "open + close"),
    ("create", "open(O_CREATE) + write 8 KiB + close"),
    ("read", "open + read 8 KiB + close"),
    ("unlink", "unlink (of an 8 KiB file)"),
    ("mkdir", "mkdir"),
]
# Run order: "open" needs the files "create" makes, "unlink" removes them.
ORDER = ["getpid", "sbrk", "fork0", "fork1", "fork4", "exec", "execsmall", "execbig",
         "pipe1", "pipe512",
         "pipe4k", "create", "read", "open", "unlink", "mkdir"]


def measure(guest, tests):
    """{test: (result row, sectors written by the command)}"""
    results = {}
    for test in tests:
        bl.note(f"sysbench {test}")
        before = guest.ide_writes()
        rows = [r for r in guest.bench(f"sysbench {test}") if r["_"] == test]
        if not rows:
            guest.stop()
            sys.exit(f"'sysbench {test}' printed no result line")
        results[test] = (rows[0], guest.ide_writes() - before)
    guest.must_run("sysbench clean")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="mm",
                        help="build folder under build/bench/ (default mm)")
    parser.add_argument("--tests", default=",".join(ORDER),
                        help="comma-separated subset, run in this order")
    options = parser.parse_args()
    tests = [t for t in options.tests.split(",") if t]
    unknown = set(tests) - set(ORDER)
    if unknown:
        sys.exit(f"unknown tests: {', '.join(sorted(unknown))}")
    bl.procs.install_cleanup()

    folder = bl.build(options.build, need=("_sysbench",))
    rel = os.path.relpath(folder, bl.ROOT)
    guest = bl.BenchGuest(folder, cpus=1, extra=bl.ICOUNT, trace_ide=True, label="sysbench")
    bl.note("booting (icount)")
    guest.must_boot()
    try:
        results = measure(guest, tests)
    finally:
        guest.stop()

    bl.say("## System calls (issue 12)")
    bl.say()
    bl.heading("sysbench: guest instructions per operation",
               SCRIPT + "  (sysbench TEST, one command per test)",
               f"`make BUILD={rel}`, TCG, `-icount shift=0`, CPUS=1")
    rows = []
    for test, label in TESTS:
        if test not in results:
            continue
        row, sectors = results[test]
        reps = row["reps"]
        per_op = f"{sectors / reps:.1f}" if sectors else "0"
        rows.append([f"{label} (`{test}`)", bl.num(row["med"]), bl.num(row["min"]),
                     bl.num(row["max"]), reps, bl.num(sectors), per_op])
    bl.say(bl.table(["operation", "median", "min", "max", "reps",
                     "sectors written (command)", "sectors per operation"], rows))
    bl.say()
    bl.say("Instructions are TSC ticks around each operation inside the guest (user and "
           "kernel, rdtsc overhead subtracted); operations that wait for the disk also "
           "count the idle time, so their min is the figure to compare. Sectors: what "
           "QEMU's IDE model was asked to write during the whole command (setup is "
           "untimed and writes nothing when the tests run in this order). The pipe "
           "rows are per 64 KiB, from the first write until the reader has it all; "
           "each of those commands also moves 64 KiB in odd sizes and checks every byte.")
    bl.say()
    if "execsmall" in results and "execbig" in results:
        small = os.path.getsize(os.path.join(folder, "user", "_tinyexit"))
        big = os.path.getsize(os.path.join(folder, "user", "_bigexit"))
        ratio = results["execbig"][0]["min"] / max(1, results["execsmall"][0]["min"])
        bl.say(f"exec of a file {big / small:.1f}x larger that touches the same pages "
               f"costs {ratio:.2f}x (min against min; issue 11's goal: at most 1.2x).")
        bl.say()


if __name__ == "__main__":
    main()
