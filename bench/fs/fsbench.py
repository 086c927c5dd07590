"""Concurrent writers before and after durable group commit (issue 16).

    python3 bench/fs/fsbench.py [--baseline REV] [--reps N]

Builds two kernels: this tree (end_op returns once its group is committed) and the
baseline revision REV (default: the last commit before that change, whose end_op
committed only when no operation was running), each with src/user/writebench.c in its
image. Boots each with CPUS=1 under -icount shift=0 with QEMU's ide_sector_write trace
(with CPUS=2 under -icount the two-writer run hung with both kernels; not investigated),
and runs `writebench N 32 1024` (N writers, each writing 32 KiB in 1 KiB write() calls
to its own file) for N = 1, 2, 4, several times. Prints per variant and N: the best
total time in guest ticks (throughput), the lowest per-run median and mean write()
latency, the worst write() of all runs,
and disk sectors written per byte of file data (from QEMU's trace: log, inode and
bitmap blocks included).
"""

import argparse
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib as bl    # noqa: E402

BASELINE = "f9906f1"     # main before the durable end_op
KBYTES = 32
CHUNK = 1024
WRITERS = (1, 2, 4)
# Plain -icount shift=0: a disk wait lets virtual time pass at host speed, so waits
# add host-dependent noise (sleep=off was tried: it jumps to the next timer tick and
# is noisier). Noise only adds time, so the tables take the best of several runs.
ICOUNT = bl.ICOUNT


def baseline_tree(rev):
    """Export rev into build/bench/fs-src-<rev> with writebench added; returns it."""
    folder = os.path.join(bl.BUILD_ROOT, f"fs-src-{rev}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    archive = subprocess.run(["git", "archive", rev], cwd=bl.ROOT, capture_output=True)
    if archive.returncode != 0:
        sys.exit(f"git archive {rev} failed: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
    shutil.copy(os.path.join(bl.ROOT, "src/user/writebench.c"),
                os.path.join(folder, "src/user/writebench.c"))
    makefile = os.path.join(folder, "Makefile")
    with open(makefile) as f:
        text = f.read()
    if "_writebench" not in text:
        text = text.replace("\t_memleak\\\n", "\t_memleak\\\n\t_writebench\\\n", 1)
    with open(makefile, "w") as f:
        f.write(text)
    return folder


def build_in(tree, name):
    folder = os.path.join(bl.BUILD_ROOT, name)
    bl.note(f"build: make -C {os.path.relpath(tree, bl.ROOT)} BUILD={folder}")
    done = subprocess.run(["make", f"BUILD={folder}"], cwd=tree, capture_output=True,
                          text=True)
    if done.returncode != 0 or not os.path.exists(os.path.join(folder, "user", "_writebench")):
        sys.exit(f"build of {name} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return folder


def measure(folder, label, reps):
    guest = bl.BenchGuest(folder, cpus=1, extra=ICOUNT, trace_ide=True, label=label)
    guest.must_boot()
    rows = []
    for n in WRITERS:
        runs = []
        for _ in range(reps):
            before = guest.ide_writes()
            row = [r for r in guest.bench(f"writebench {n} {KBYTES} {CHUNK}", 600)
                   if r["_"] == "writers"]
            if not row:
                guest.stop()
                sys.exit(f"writebench {n} printed no result line")
            row = row[0]
            row["ticks"] = row["ticks_hi"] * (1 << 32) + row["ticks_lo"]
            row["lat_mean"] = round((row["lat_sum_hi"] * (1 << 32) + row["lat_sum_lo"])
                                    / max(row["writes"], 1))
            row["sectors"] = guest.ide_writes() - before
            runs.append(row)
        best = min(runs, key=lambda r: r["ticks"])
        rows.append((n, best, min(r["lat_med"] for r in runs),
                     min(r["lat_mean"] for r in runs), max(r["lat_max"] for r in runs),
                     bl.median([r["sectors"] for r in runs]), best["bytes"]))
    guest.stop()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help="revision for 'before'")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    after = bl.build("fs", need=("_writebench",))
    before = build_in(baseline_tree(args.baseline), f"fs-before-{args.baseline}")
    results = {"before": measure(before, "fs-before", args.reps),
               "after": measure(after, "fs-after", args.reps)}
    bl.heading("Concurrent writers: end_op that waits for its group's commit (issue 16)",
               f"python3 bench/fs/fsbench.py --reps {args.reps}",
               f"CPUS=1, -icount shift=0; each writer writes {KBYTES} KiB in {CHUNK}-byte "
               f"write() calls; before = {args.baseline}")
    table = []
    for variant in ("before", "after"):
        for n, best, lat_med, lat_mean, lat_max, sectors, nbytes in results[variant]:
            table.append([variant, n, bl.num(best["ticks"]),
                          bl.num(round(nbytes * 1e9 / best["ticks"])) if best["ticks"] else "-",
                          bl.num(lat_med), bl.num(lat_mean), bl.num(lat_max), bl.num(sectors),
                          f"{sectors / nbytes:.4f}"])
    bl.say(bl.table(["kernel", "writers", "total ticks (best)", "bytes per 10^9 ticks",
                     "write() median ticks (best run)", "write() mean ticks (best run)",
                     "write() worst ticks (all runs)", "sectors written (median)",
                     "sectors per byte"], table, align="lrrrrrrrr"))
    bl.say()


if __name__ == "__main__":
    main()
