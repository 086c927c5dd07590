#!/usr/bin/env python3
"""mmap, page-fault, msync and fork benchmarks (issues 4 and 6).

    python3 bench/mmap/mmbench.py [--regions 1,10,100,1000,4000] [--reps 5]

Boots two kernels under TCG with -icount shift=0 and CPUS=1, so guest
instruction counts are exact and repeatable, and runs src/user/mmapbench.c
(see its header for the commands and what each one measures):

  * build/bench/mm         the default kernel (red-black region tree)
  * build/bench/mm-linear  `make MMAP_LINEAR=1`: the region set is a sorted
                           linked list (src/kernel/mm/regionlist.c)

All costs are guest instructions (TSC ticks under icount; `mmapbench calib`
checks the ratio) measured around the operation inside the guest, so they
include the system call or trap and everything the kernel does. Inside the
guest each figure is the median (and worst) over repetitions; msync and
write() runs, which wait for the disk, are repeated as separate commands.
Disk blocks written are counted by QEMU itself (trace event ide_sector_write),
per command.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True     # no __pycache__ folders in bench/ or test/
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchlib as bl   # noqa: E402

SCRIPT = "python3 bench/mmap/mmbench.py"


def one(guest, command, name=None):
    rows = guest.bench(command)
    if name:
        rows = [r for r in rows if r["_"] == name]
    if not rows:
        guest.stop()
        sys.exit(f"'{command}' printed no result line")
    return rows


def mw(row, key):
    """'median (worst)' for a summarised quantity."""
    return f"{bl.num(row[key + '_med'])} ({bl.num(row[key + '_max'])})"


def calibration(guest):
    c = one(guest, "mmapbench calib", "calib")[0]
    ratio = c["ticks_med"] / c["insns"]
    return c, ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", default="1,10,100,1000,4000",
                        help="region counts for the scaling table")
    parser.add_argument("--reps", type=int, default=11,
                        help="repetitions of the msync / write() commands")
    options = parser.parse_args()
    counts = [int(x) for x in options.regions.split(",")]
    bl.procs.install_cleanup()

    tree_dir = bl.build("mm")
    linear_dir = bl.build("mm-linear", ["MMAP_LINEAR=1"])
    tree_rel = os.path.relpath(tree_dir, bl.ROOT)
    linear_rel = os.path.relpath(linear_dir, bl.ROOT)

    bl.say("## mmap, page faults, msync, fork (issues 4 and 6)")
    bl.say()
    bl.say(f"QEMU: {bl.host_description()}. Guests: TCG, `-icount shift=0`, CPUS=1, "
           f"512 MiB. Kernels: `make BUILD={tree_rel}` (red-black tree, the default) and "
           f"`make BUILD={linear_rel} MMAP_LINEAR=1` (list-style lookups). All costs are "
           f"guest instructions measured with rdtsc inside the guest (src/user/mmapbench.c), "
           f"system call / trap included; \"median (worst)\" over the repetitions "
           f"inside one run.")
    bl.say()

    # ---- the tree kernel: everything -------------------------------------------------
    bl.note("booting the tree kernel (icount)")
    tree = bl.BenchGuest(tree_dir, cpus=1, extra=bl.ICOUNT, trace_ide=True, label="mm-tree")
    tree.must_boot()
    try:
        calib, ratio = calibration(tree)
        bl.note("len")
        lens = one(tree, "mmapbench len", "len")
        lens_pt = one(tree, "mmapbench len pt", "lenpt")
        bl.note("fault")
        fault = one(tree, "mmapbench fault", "fault")[0]
        bl.note("regions (tree)")
        tree_regions = {n: one(tree, f"mmapbench regions {n}", "regions")[0] for n in counts}
        bl.note("sparse")
        sparse = one(tree, "mmapbench sparse", "sparse")[0]
        bl.note("msync / write")
        before = tree.ide_writes()
        one(tree, "mmapbench mkfile", "mkfile")
        mkfile_writes = tree.ide_writes() - before
        sync_rows = []
        for k in (0, 1, 2, 4, 8, 16):
            sync_rows.append(("msync", k, disk_runs(tree, f"mmapbench msync {k}",
                                                    options.reps)))
        for k in (1, 2, 16):
            sync_rows.append(("write-k", k, disk_runs(tree, f"mmapbench write {k}",
                                                      options.reps)))
        sync_rows.append(("write-all", 16, disk_runs(tree, "mmapbench write all",
                                                     options.reps)))
        bl.note("fork")
        forks = {m: one(tree, f"mmapbench fork {m}", "fork")[0]
                 for m in ("none", "cow", "eager")}
    finally:
        tree.stop()

    # ---- the list baseline: the region-count scaling ----------------------------------
    bl.note("booting the list-baseline kernel (icount)")
    linear = bl.BenchGuest(linear_dir, cpus=1, extra=bl.ICOUNT, label="mm-linear")
    linear.must_boot()
    try:
        _, linear_ratio = calibration(linear)
        linear_regions = {}
        for n in counts:
            bl.note(f"regions {n} (list)")
            linear_regions[n] = one(linear, f"mmapbench regions {n}", "regions")[0]
    finally:
        linear.stop()

    # ---- tables -----------------------------------------------------------------------
    bl.heading("Calibration", SCRIPT + "  (mmapbench calib)")
    bl.say(bl.table(["quantity", "value"], [
        ["instructions in the timed loop (dec/jnz)", bl.num(calib["insns"])],
        ["TSC ticks for it (median of 9)", bl.num(calib["ticks_med"])],
        ["ticks per instruction (tree kernel / list kernel)",
         f"{ratio:.4f} / {linear_ratio:.4f}"],
        ["rdtsc back-to-back (subtracted from every figure)", bl.num(calib["overhead_med"])],
        ["null system call, getpid() (median (worst) of 36)", mw(calib, "getpid")],
    ], "lr"))
    bl.say()

    bl.heading("mmap + munmap of an untouched anonymous mapping, by length (tree kernel)",
               SCRIPT + "  (mmapbench len; mmapbench len pt)",
               "median (worst) of 15")
    rows = []
    for a, b in zip(lens, lens_pt):
        rows.append([a["pages"], mw(a, "mmap"), mw(a, "munmap"), mw(a, "both"),
                     mw(b, "munmap"), mw(b, "both")])
    bl.say(bl.table(["pages", "mmap", "munmap", "mmap+munmap",
                     "munmap, page tables present", "mmap+munmap, page tables present"],
                    rows))
    bl.say()
    bl.say("\"page tables present\": the same loop after one page in every 4 MiB of the "
           "range was touched and unmapped once; munmap frees page tables nothing uses any "
           "more, so the figures match the untouched ones (before that fix, munmap then "
           "scanned every PTE of the range).")
    bl.say()

    bl.heading("First-touch page fault vs growing the heap (tree kernel)",
               SCRIPT + "  (mmapbench fault)", f"median (worst) over {fault['pages']} pages")
    bl.say(bl.table(["operation", "instructions"], [
        ["write to an untouched page of a private anonymous mapping (fault)",
         mw(fault, "write")],
        ["read of an untouched page (fault, zeroed page allocated)", mw(fault, "read")],
        ["the same store to a present page (no fault; measurement floor)",
         mw(fault, "present")],
        ["sbrk(4096) (allocates, zeroes and maps the page)", mw(fault, "sbrk")],
        ["sbrk(4096) + first store to the new page", mw(fault, "sbrk_touch")],
        ["null system call, getpid()", mw(calib, "getpid")],
        [f"munmap of {fault['pages']} touched pages, per page",
         bl.num(fault["munmap_touched"] // fault["pages"])],
    ], "lr"))
    bl.say()
    bl.say(f"Pages taken by touching {fault['pages']} pages: {fault['pages_used']} "
           f"(one is the page table); resident per pmap: {fault['resident']}. The worst "
           f"write fault is the one that also allocates the page table.")
    bl.say()

    bl.heading("Cost against the number of regions: red-black tree vs list baseline",
               SCRIPT + "  (mmapbench regions N, on both kernels)",
               "median of 31 (worst differs by at most a page-table allocation)")
    bl.say("N one-page regions at fixed addresses, each followed by a one-page hole; then "
           "31 times: mmap of 2 pages (the kernel must find a free range: only past the "
           "last region fits), a store to its first page (page fault: region lookup at "
           "the high end, the list's worst case), a store to its second page, munmap.")
    bl.say()
    rows = []
    base_t = tree_regions[counts[0]]
    base_l = linear_regions[counts[0]]
    for n in counts:
        t, l = tree_regions[n], linear_regions[n]
        rows.append([n, bl.num(t["mmap_med"]), bl.num(t["fault_med"]), bl.num(t["munmap_med"]),
                     bl.num(l["mmap_med"]), bl.num(l["fault_med"]), bl.num(l["munmap_med"]),
                     bl.num(t["build"] // max(n, 1)), bl.num(l["build"] // max(n, 1))])
    bl.say(bl.table(["regions", "tree mmap", "tree fault", "tree munmap",
                     "list mmap", "list fault", "list munmap",
                     "tree: mmap FIXED per region (building)",
                     "list: mmap FIXED per region (building)"], rows))
    bl.say()
    growth = []
    for key in ("mmap", "fault", "munmap"):
        t0, tn = base_t[key + "_med"], tree_regions[counts[-1]][key + "_med"]
        l0, ln = base_l[key + "_med"], linear_regions[counts[-1]][key + "_med"]
        growth.append([key, bl.num(tn - t0), f"{(tn - t0) / max(counts[-1] - counts[0], 1):.2f}",
                       bl.num(ln - l0), f"{(ln - l0) / max(counts[-1] - counts[0], 1):.2f}"])
    bl.say(f"Growth from {counts[0]} to {counts[-1]} regions:")
    bl.say()
    bl.say(bl.table(["operation", "tree: added instructions", "tree: per added region",
                     "list: added instructions", "list: per added region"], growth))
    bl.say()

    bl.heading("Sparse mapping: memory (tree kernel)", SCRIPT + "  (mmapbench sparse)")
    bl.say(bl.table(["quantity", "value"], [
        ["mapping (private anonymous)", f"{sparse['mib']} MiB = {bl.num(sparse['pages'])} pages"],
        ["pages touched (every 64th, one store each)", bl.num(sparse["touched"])],
        ["resident pages reported by pmap()", bl.num(sparse["resident"])],
        ["free pages used by mmap() itself", bl.num(sparse["drop_after_mmap"])],
        ["free pages used after the touches (pages + page tables)",
         bl.num(sparse["drop_after_touch"])],
        ["free pages still used after munmap()", bl.num(sparse["drop_after_munmap"])],
        ["mmap() cost", bl.num(sparse["map_cost"])],
        ["one touch (fault), median (worst)", mw(sparse, "touch")],
        ["munmap() cost", bl.num(sparse["munmap"])],
    ], "lr"))
    bl.say()

    bl.heading("msync of a 16-page MAP_SHARED file mapping vs write() (tree kernel)",
               SCRIPT + "  (mmapbench mkfile; mmapbench msync K; mmapbench write K|all)",
               f"{options.reps} separate commands each")
    bl.say("The file is 16 pages (64 KiB): the largest whole number of pages a file can hold "
           "(MAXFILE = 140 blocks of 512 bytes = 70 KiB), so 1% of the pages is not "
           "possible; 1 of 16 is 6%, 2 of 16 is 12.5%. Dirty pages are spread evenly. "
           "Blocks = 512-byte sectors QEMU's disk model was asked to write during the "
           "command (log, data, inode: everything). Time = guest TSC ticks around the "
           "call: instructions, plus the time the CPU sat idle waiting for the disk, which "
           "QEMU lets pass at host real-time speed. That part grows when the host is busy "
           "(other QEMUs, builds), so the best run is the figure to compare; the block "
           "counts are exact.")
    bl.say()
    rows = []
    labels = {"msync": "msync, {k} of 16 pages dirty",
              "write-k": "write() of the same {k} pages (one 4 KiB write each)",
              "write-all": "write() of the whole 64 KiB range (one call)"}
    for kind, k, runs in sync_rows:
        blocks = [b for b, _ in runs]
        ticks = sorted(r["time"] for _, r in runs)
        pages = k if kind != "write-all" else 16
        rows.append([labels[kind].format(k=k),
                     bl.num(bl.median(blocks)) + ("" if min(blocks) == max(blocks)
                                                  else f" ({min(blocks)}-{max(blocks)})"),
                     f"{bl.median(blocks) / pages:.1f}" if pages else "-",
                     bl.num(ticks[0]), bl.num(bl.median(ticks)), bl.num(ticks[-1]),
                     bl.num(ticks[0] // pages) if pages else "-"])
    bl.say(bl.table(["operation", "blocks written", "blocks per page", "time: best",
                     "median", "worst", "best per page"], rows))
    bl.say()
    clean = [r for kind, k, runs in sync_rows if kind == "msync" for _, r in runs]
    bl.say(f"A page holds 8 data blocks. A second msync with nothing dirty costs "
           f"{bl.num(bl.median([r['clean_time'] for r in clean]))} instructions; reading the "
           f"16 pages in through the mapping (16 faults that read the file) took "
           f"{bl.num(bl.median([r['fault_in'] for r in clean]))} ticks. Creating the file "
           f"with write() (mkfile, 64 KiB, allocating blocks) wrote {mkfile_writes} blocks.")
    bl.say()

    bl.heading("fork of a process with 4 MiB of touched private memory (tree kernel)",
               SCRIPT + "  (mmapbench fork none|cow|eager)", "median (worst) of 5 forks")
    bl.say("cow: the 4 MiB is a private anonymous mmap region, shared copy-on-write by fork. "
           "eager: the 4 MiB is sbrk heap, which fork copies page by page (xv6's copyuvm). "
           "none: the same program with neither (what any fork costs). The child then "
           "writes one byte in each of the 1024 pages (copy-on-write faults, or plain "
           "stores) and exits; pages are counted with freepages() while it is alive.")
    bl.say()
    rows = []
    for mode in ("none", "cow", "eager"):
        f = forks[mode]
        rows.append([mode, bl.num(f["image_kib"]), bl.num(f["pages_fork"]), mw(f, "fork"), mw(f, "child_write"),
                     mw(f, "fork_write"), mw(f, "total"), bl.num(f["pages_after_write"])])
    bl.say(bl.table(["mode", "process size (KiB, sbrk(0))", "pages used by fork", "fork() in the parent",
                     "child writes all pages", "fork + writes",
                     "fork until wait() returns", "pages used after writes"], rows))
    bl.say()


def disk_runs(guest, command, reps):
    """Run a disk-writing command reps times; [(blocks written, result row)]."""
    runs = []
    for _ in range(reps):
        before = guest.ide_writes()
        row = [r for r in guest.bench(command) if r["_"] in ("msync", "write")]
        if not row:
            guest.stop()
            sys.exit(f"'{command}' printed no result line")
        runs.append((guest.ide_writes() - before, row[0]))
    return runs


if __name__ == "__main__":
    main()
