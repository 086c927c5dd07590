#!/bin/bash
# Every benchmark, one after the other; what `make bench` runs.
#
#   bash bench/run.sh            # from anywhere; about 5 minutes
#
# Prints markdown tables (bench/RESULTS.md records them with the commands
# that produced them) and keeps a copy in build/bench/results-latest.md,
# then draws the charts of those tables beside RESULTS.md (bench/chart-*.svg,
# by bench/plot.py). Progress lines go to stderr. The parts:
#
#   bench/boot/bootbench.py   boot to the first "$ ", usertests wall time (issue 2)
#   bench/mmap/mmbench.py     mmap, page faults, region scaling tree vs list,
#                             sparse mappings, msync vs write(), fork
#                             copy-on-write vs eager copy (issues 4 and 6)
#   bench/sysbench/sysbench.py  system calls: getpid, sbrk, fork, exec, pipes,
#                             file operations (issue 12)
#   bench/fs/cachebench.py    the page cache (issue 13): reading a file twice, cached-page
#                             faults, msync/write() blocks, a 16 MiB read()
#   bench/kmalloc/run.sh      the kmalloc benchmark, when it is there
#
# The guest benchmarks need src/user/mmapbench.c and src/user/sysbench.c
# built into the image (_mmapbench and _sysbench in UPROGS); they build
# their own kernels under build/bench/.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p build/bench
out=build/bench/results-latest.md
status=0

{
  echo "# Benchmark run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Tree: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'); host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
  echo
} | tee "$out"

part() {
  local name=$1
  shift
  echo "[bench] $name: $*" >&2
  local started=$SECONDS
  if ! "$@" | tee -a "$out"; then
    echo "[bench] $name FAILED" | tee -a "$out" >&2
    status=1
  fi
  echo "[bench] $name took $((SECONDS - started)) s" >&2
}

part boot python3 bench/boot/bootbench.py
part mmap python3 bench/mmap/mmbench.py
part sysbench python3 bench/sysbench/sysbench.py
part cachebench python3 bench/fs/cachebench.py

if [ -f bench/kmalloc/run.sh ]; then
  echo "## kmalloc" | tee -a "$out"
  echo | tee -a "$out"
  part kmalloc bash bench/kmalloc/run.sh
fi

echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
echo "[bench] tables saved in $out" >&2
python3 bench/plot.py "$out" --out bench || status=1
exit $status
