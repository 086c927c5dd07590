#!/usr/bin/env python3
"""Instructions per kmalloc+kmfree pair from a callgrind run of `kmbench cg`.

usage: cgpairs.py CALLGRIND_OUT OPS_LIST

kmbench zeroes callgrind's counters before every operation and dumps them after
it (--combine-dumps=yes puts all dumps in one file, in order). The first dumps,
labelled "cal", enclose no operation: their median is the cost of the client
requests themselves and is subtracted from every operation. OPS_LIST is kmbench's
standard output: one line per operation, "a ID" (allocate block ID) or "f ID"
(free it), in the same order as the "op" dumps. A pair is the allocation and the
free of one block. Prints: pairs, mean, median, 99th percentile and worst.
"""
import statistics
import sys


def dumps(path):
    """(label, instructions) for every dump part, in file order."""
    label, parts = None, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("desc: Trigger: Client Request: "):
                label = line[len("desc: Trigger: Client Request: "):].strip()
            elif line.startswith("totals:"):
                parts.append((label, int(line.split()[1])))
                label = None
    return parts


def main():
    parts = dumps(sys.argv[1])
    cal = [n for label, n in parts if label == "cal"]
    ops = [n for label, n in parts if label == "op"]
    base = statistics.median(cal)
    with open(sys.argv[2]) as f:
        names = [line.split() for line in f if line.strip()]
    if len(names) != len(ops):
        sys.exit(f"cgpairs: {len(names)} operations listed but {len(ops)} dumps")
    cost = {}
    for (kind, ident), n in zip(names, ops):
        cost[ident] = cost.get(ident, 0) + n - base
    pairs = sorted(cost.values())
    n = len(pairs)
    print(f"{n} {statistics.mean(pairs):.0f} {statistics.median(pairs):.0f} "
          f"{pairs[min(n - 1, (99 * n) // 100)]:.0f} {pairs[-1]:.0f}")


if __name__ == "__main__":
    main()
