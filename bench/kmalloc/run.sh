#!/bin/bash
# kmalloc benchmark: the kernel's buddy allocator against a K&R first-fit
# baseline, on the host (see kmbench.c for the workloads and the figures).
#
#   bash bench/kmalloc/run.sh          # from the repository root, or anywhere
#
# Needs cc and valgrind (callgrind, with its client-request header
# <valgrind/callgrind.h>) and python3. Builds into build/bench/kmalloc/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/bench/kmalloc
mkdir -p "$out"
cc=${HOSTCC:-cc}

# -O2 like the kernel; KM_HOST builds kmalloc.c's per-CPU cache layer for
# the host with one simulated CPU in use (kmbench never switches CPUs).
$cc -O2 -g -Wall -Wextra -DKM_HOST -I"$root/src/include" -I"$root/src/kernel" \
  -I"$root/bench/kmalloc" -o "$out/kmbench" \
  "$root/bench/kmalloc/kmbench.c" "$root/bench/kmalloc/kr_baseline.c" \
  "$root/src/kernel/mm/buddy.c" "$root/src/kernel/mm/kmalloc.c"

echo "== memory: time-averaged bytes requested / bytes of pages held; pages"
echo "   (peak, and still held after every block was freed; buddy also after"
echo "   kmalloc_drain() emptied its per-CPU cache); pow2: bytes requested /"
echo "   bytes of the power-of-two blocks they round up to (the buddy's limit)"
"$out/kmbench" mem
echo

echo "== instructions per kmalloc+kmfree pair (host x86-64 build, callgrind,"
echo "   every operation measured; client-request overhead subtracted)"
printf "%-8s | %-7s %7s %7s %7s %8s | %-7s %7s %7s %7s %8s\n" workload \
  "K&R" mean median p99 worst "buddy" mean median p99 worst
for w in $("$out/kmbench" list); do
  line=$(printf "%-8s |" "$w")
  for a in kr buddy; do
    cgout=$out/cg.$a.$w
    valgrind --tool=callgrind --callgrind-out-file="$cgout" --combine-dumps=yes \
      --dump-line=no --compress-strings=no --compress-pos=no \
      "$out/kmbench" cg "$a" "$w" > "$out/ops.$a.$w" 2> "$out/valgrind.$a.$w.log"
    read -r n mean median p99 worst < <(python3 "$root/bench/kmalloc/cgpairs.py" \
      "$cgout" "$out/ops.$a.$w")
    rm -f "$cgout"
    line="$line $(printf "%7s %7s %7s %7s %8s |" "$n" "$mean" "$median" "$p99" "$worst")"
  done
  echo "${line% |}"
done
echo "(columns per allocator: pairs, mean, median, 99th percentile, worst)"
