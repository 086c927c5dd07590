#!/usr/bin/env python3
"""File page cache (issue 13): reading a 64 KiB file twice, under -icount.

    python3 bench/fs/cachebench.py [--build NAME]

Builds `make BUILD=build/bench/NAME` (default mm), boots it under TCG with
-icount shift=0 and CPUS=1 and runs `cachestat bench` (src/user/cachestat.c):
it writes a 64 KiB file, pushes its blocks out of the buffer cache, reads it
once with read() (from the disk) and then 15 more times (from the page
cache). Prints the instructions and disk blocks read of each, and the ratio
(issue 13's goal: zero disk reads and at least 5x fewer instructions the
second time).
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchlib as bl   # noqa: E402

SCRIPT = "python3 bench/fs/cachebench.py"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="mm",
                        help="build folder under build/bench/ (default mm)")
    options = parser.parse_args()
    bl.procs.install_cleanup()

    folder = bl.build(options.build, need=("_cachestat",))
    rel = os.path.relpath(folder, bl.ROOT)
    guest = bl.BenchGuest(folder, cpus=1, extra=bl.ICOUNT, label="cachebench")
    bl.note("booting (icount)")
    guest.must_boot()
    try:
        rows = {r["_"]: r for r in guest.bench("cachestat bench")}
    finally:
        guest.stop()
    if "reread1" not in rows or "reread2" not in rows:
        sys.exit(f"'cachestat bench' printed no result lines: {rows}")

    bl.say("## File page cache (issue 13)")
    bl.say()
    bl.heading("reading a 64 KiB file with read(): guest instructions and disk blocks read",
               SCRIPT + "  (cachestat bench)",
               f"`make BUILD={rel}`, TCG, `-icount shift=0`, CPUS=1")
    first, again = rows["reread1"], rows["reread2"]
    table = [["first read (blocks pushed out of the buffer cache)", bl.num(first["med"]),
              bl.num(first["min"]), bl.num(first["max"]), first["reps"], first["reads"]],
             ["again (page cache)", bl.num(again["med"]), bl.num(again["min"]),
              bl.num(again["max"]), again["reps"], again["reads"]]]
    bl.say(bl.table(["read of 64 KiB", "median", "min", "max", "reps",
                     "disk blocks read (most)"], table))
    bl.say()
    ratio = first["min"] / max(1, again["med"])
    bl.say(f"The second read costs {ratio:.0f}x fewer instructions (first against the "
           f"median of the others) and {again['reads']} disk reads; the goal is at least "
           f"5x and 0. The first read waits for the disk, and under -icount idle time "
           f"counts as ticks at host speed, so its figure varies from run to run.")
    bl.say()


if __name__ == "__main__":
    main()
