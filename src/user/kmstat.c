// kmstat: print the kernel allocator's statistics.
//
//   kmstat          one table: per block size, live/free/cached blocks,
//                   bytes requested and bytes wasted inside live blocks
//   kmstat bench    micro-benchmarks: the in-kernel loops of kmtest and a
//                   kmalloc/kmfree system-call pair timed here with rdtsc
//                   (TSC ticks; guest instructions under QEMU -icount shift=0)
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmstat.h"

static void table(void) {
  struct kmstat st;
  if (kmstat(&st) < 0) {
    printf(2, "kmstat: system call failed\n");
    exit();
  }
  printf(1, "kmalloc: %d pages hold blocks, %d hold bookkeeping, %d have no live block\n",
         st.pages, st.metapages, st.cachedpages);
  printf(1, "%6s %7s %7s %7s %10s %10s\n", "size", "live", "free", "cached",
         "requested", "waste");
  uint live = 0, inuse = 0, req = 0;
  for (int k = 0; k < KM_NORDER; k++) {
    struct kmstat_order *o = &st.order[k];
    uint bytes = o->live * o->size;
    printf(1, "%6d %7d %7d %7d %10d %10d\n", o->size, o->live, o->free, o->cached,
           o->requested, bytes - o->requested);
    live += o->live;
    inuse += bytes;
    req += o->requested;
  }
  printf(1, "%6s %7d %7s %7s %10d %10d\n", "total", live, "", "", req, inuse - req);
  printf(1, "calls: %d kmalloc (%d from a per-CPU cache), %d kmfree, %d failed, "
            "%d bad sizes\n", st.allocs, st.cachehits, st.frees, st.failures, st.badsizes);
  printf(1, "buddy: %d splits, %d merges; %d per-CPU caches\n", st.splits, st.merges,
         st.ncaches);
  printf(1, "kalloc: %d free pages\n", st.kfreepages);
}

static inline uint64 rdtsc(void) {
  uint64 v;
  asm volatile("rdtsc" : "=A"(v));
  return v;
}

// Ticks per kmalloc+kmfree system-call pair: best of five runs of n.
static int syscall_pair(int n, uint size) {
  uint best = ~0u;
  for (int run = 0; run < 5; run++) {
    uint64 t0 = rdtsc();
    for (int i = 0; i < n; i++) {
      void *p = kmalloc(size);
      if (p == 0)
        return -1;
      kmfree(p);
    }
    uint64 t1 = rdtsc();
    uint per = (uint)(t1 - t0) / (uint)n;
    if (per < best)
      best = per;
  }
  return best;
}

static void bench(int n) {
  printf(1, "ticks per kmalloc+kmfree pair (best of 5 runs of %d):\n", n);
  printf(1, "  in-kernel, hot 64 bytes      %d\n", kmtest(-1, n));
  printf(1, "  in-kernel, kernel-like mix   %d\n", kmtest(-2, n));
  printf(1, "  in-kernel, hot 4096 bytes    %d\n", kmtest(-3, n));
  printf(1, "  system calls, 64 bytes       %d\n", syscall_pair(n, 64));
  printf(1, "  system calls, 2000 bytes     %d\n", syscall_pair(n, 2000));
}

int main(int argc, char *argv[]) {
  if (argc >= 2 && strcmp(argv[1], "bench") == 0) {
    int n = argc >= 3 ? atoi(argv[2]) : 1000;
    if (n <= 0)
      n = 1000;
    bench(n);
  } else if (argc >= 2) {
    printf(2, "usage: kmstat [bench [pairs]]\n");
  } else {
    table();
  }
  exit();
}
