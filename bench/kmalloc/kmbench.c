// kmalloc benchmark: the kernel's buddy allocator (src/kernel/mm/buddy.c +
// kmalloc.c built with -DKM_HOST, one simulated CPU) against a K&R first-fit
// baseline (kr_baseline.c), on the same operation sequences, with the same
// page source.
//
//   kmbench mem                  memory figures for every workload, both allocators
//   kmbench cg <alloc> <work>    run one workload with a callgrind dump around every
//                                operation (run under valgrind --tool=callgrind);
//                                prints the operation list that cgpairs.py joins
//                                with the dumps
//   kmbench list                 workload names
//
// Memory figures: the time average (one sample after every operation) of
// bytes requested by live blocks divided by bytes of pages held from the page
// source (for the buddy allocator this includes its record pages); the peak
// number of pages held; and pages still held after everything was freed
// (buddy: before and after kmalloc_drain() empties the per-CPU cache).
//
// The page source hands out 4096-byte pages of one arena from the top down,
// like a freshly booted kalloc, and takes returned pages back LIFO. Neither
// allocator's per-page metadata outside the arena is counted (the buddy's
// meta[] word per page; K&R has none).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "types.h"
#include "mm/buddy.h"
#include "mm/kmalloc.h"
#include "mm/kmhost.h"
#include "kr_baseline.h"

#define PG 4096u
#define ARENA_PAGES 32768u          // 128 MiB

// ---- page source (shared by both allocators) -----------------------------------------

static char *arena;
static uint *meta;
static char **stack;
static uint nstack, outstanding, peak;

static void source_reset(void) {
  nstack = 0;
  for (uint i = 0; i < ARENA_PAGES; i++)
    stack[nstack++] = arena + (size_t)i * PG;
  memset(meta, 0, ARENA_PAGES * sizeof(uint));
  outstanding = peak = 0;
}

char *kalloc(void) {
  if (nstack == 0)
    return 0;
  outstanding++;
  if (outstanding > peak)
    peak = outstanding;
  return stack[--nstack];
}

void kfree(char *p) {
  outstanding--;
  stack[nstack++] = p;
}

int kfreecount(void) {
  return (int)nstack;
}

static void *kr_page(void) {
  return kalloc();
}

void km_host_arena(void **base, uint *npages, uint **m) {
  *base = arena;
  *npages = ARENA_PAGES;
  *m = meta;
}

void km_host_report(const void *addr, const char *why, const void *caller) {
  (void)caller;
  fprintf(stderr, "kmbench: bad pointer %p: %s\n", addr, why);
  exit(2);
}

void km_host_lockfail(const char *what) {
  fprintf(stderr, "kmbench: %s\n", what);
  exit(2);
}

int km_host_cpu;

// ---- allocators ------------------------------------------------------------------------

struct allocator {
  const char *name;
  void (*init)(void);
  void *(*alloc)(uint n);
  void (*free)(void *p);
  void (*drain)(void);
};

static void buddy_setup(void) {
  source_reset();
  kmalloc_init();
}
static void *buddy_alloc_n(uint n) { return kmalloc(n); }
static void buddy_free_p(void *p) { kmfree(p); }
static void buddy_drain(void) { kmalloc_drain(); }

static void kr_setup(void) {
  source_reset();
  kr_init(kr_page, arena);
}
static void *kr_alloc_n(uint n) { return kr_malloc(n); }
static void kr_free_p(void *p) { kr_free(p); }
static void kr_drain(void) {}

static const struct allocator allocators[] = {
  { "buddy", buddy_setup, buddy_alloc_n, buddy_free_p, buddy_drain },
  { "kr",    kr_setup,    kr_alloc_n,    kr_free_p,    kr_drain },
};
#define NALLOC 2

// ---- workloads -------------------------------------------------------------------------
// A workload is a fixed sequence of operations: allocate block `id` of
// `size` bytes, or free block `id`. Frees always pick a random live block.

struct op {
  int alloc;
  uint id;
  uint size;
};

static struct op *ops;
static uint nops, maxops;
static uint rng;

static uint rnd(void) {
  // xorshift32
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void push(int alloc, uint id, uint size) {
  if (nops == maxops) {
    maxops = maxops ? maxops * 2 : 65536;
    ops = realloc(ops, maxops * sizeof(*ops));
  }
  ops[nops++] = (struct op){ alloc, id, size };
}

typedef uint (*sizefn)(void);

static uint size_uniform(void) { return 1 + rnd() % 4096; }
static uint size_small(void) { return 16 + rnd() % 241; }
static uint size_mix(void) {
  uint r = rnd() % 100;
  if (r < 80)
    return 1 + rnd() % 256;
  if (r < 95)
    return 257 + rnd() % 768;
  return 1025 + rnd() % 3072;
}
// This kernel's own dynamically allocated objects (i386 sizes), weighted by
// how often a running system has them: mmap regions (64), open files (24),
// kmalloc-test bookkeeping nodes (12) and tables (512), page-set headers (16),
// pipes (580), pmap buffers (240), odd small records (100), page-sized
// buffers (1024, 4096).
static const uint ksizes[16] = {
  64, 64, 64, 64, 24, 24, 12, 12, 16, 580, 580, 512, 100, 240, 1024, 4096,
};
static uint size_kernel(void) { return ksizes[rnd() % 16]; }

static uint *liveids;
static uint nlive, nextid;

static void gen_alloc(sizefn sz) {
  uint id = nextid++;
  liveids[nlive++] = id;
  push(1, id, sz());
}

static void gen_free_random(void) {
  uint j = rnd() % nlive;
  push(0, liveids[j], 0);
  liveids[j] = liveids[--nlive];
}

// Ramp up to `target` live blocks, `steady` operations of random alloc or
// free (a random live block) with the live count drifting around target,
// then free everything in random order.
static void gen_steady(sizefn sz, uint target, uint steady) {
  while (nlive < target)
    gen_alloc(sz);
  for (uint i = 0; i < steady; i++) {
    int grow = nlive < target ? rnd() % 100 < 60 : rnd() % 100 < 40;
    if (grow || nlive == 0)
      gen_alloc(sz);
    else
      gen_free_random();
  }
  while (nlive)
    gen_free_random();
}

struct workload {
  const char *name;
  const char *what;
  void (*gen)(void);
};

static void w_uniform(void) { gen_steady(size_uniform, 2000, 20000); }
static void w_small(void) { gen_steady(size_small, 2000, 20000); }
static void w_mix(void) { gen_steady(size_mix, 2000, 20000); }
static void w_kernel(void) { gen_steady(size_kernel, 2000, 20000); }
static void w_ramp(void) {
  while (nlive < 6000)
    gen_alloc(size_mix);
  while (nlive)
    gen_free_random();
}
static void w_hot(void) {
  for (uint i = 0; i < 10000; i++) {
    uint id = nextid++;
    push(1, id, 64);
    push(0, id, 0);
  }
}

static const struct workload workloads[] = {
  { "uniform", "sizes 1..4096", w_uniform },
  { "small",   "sizes 16..256", w_small },
  { "mix",     "80% <=256, 15% <=1K, 5% <=4K", w_mix },
  { "kernel",  "this kernel's object sizes", w_kernel },
  { "ramp",    "6000 mixed, then free all", w_ramp },
  { "hot",     "kmalloc(64)+kmfree at once", w_hot },
};
#define NWORK 6

static void generate(const struct workload *w) {
  nops = 0;
  nlive = 0;
  nextid = 0;
  rng = 0x9e3779b9u;
  w->gen();
}

// ---- running ---------------------------------------------------------------------------

static void **ptr;
static uint *reqsize;

struct result {
  double ratio;          // time-averaged requested / held
  double fit;            // time-averaged requested / power-of-two block bytes
  uint peak;             // most pages held at once
  uint after;            // pages held after everything was freed
  uint drained;          // ... and after a drain
};

static struct result run_mem(const struct allocator *a) {
  a->init();
  double sum_req = 0, sum_held = 0, sum_blk = 0;
  uint64_t live = 0, blk = 0;
  for (uint i = 0; i < nops; i++) {
    struct op *o = &ops[i];
    if (o->alloc) {
      ptr[o->id] = a->alloc(o->size);
      if (ptr[o->id] == 0) {
        fprintf(stderr, "kmbench: %s: allocation of %u failed\n", a->name, o->size);
        exit(2);
      }
      // Touch the block so a broken allocator crashes here, not later.
      memset(ptr[o->id], 0x5a, o->size);
      reqsize[o->id] = o->size;
      live += o->size;
      blk += buddy_size(buddy_order(o->size));
    } else {
      a->free(ptr[o->id]);
      live -= reqsize[o->id];
      blk -= buddy_size(buddy_order(reqsize[o->id]));
    }
    sum_req += (double)live;
    sum_blk += (double)blk;
    sum_held += (double)outstanding * PG;
  }
  struct result r;
  r.ratio = sum_held > 0 ? sum_req / sum_held : 0;
  r.fit = sum_blk > 0 ? sum_req / sum_blk : 0;
  r.peak = peak;
  r.after = outstanding;
  a->drain();
  r.drained = outstanding;
  return r;
}

// Under callgrind: zero the counters before each operation and dump them
// after it, so each dump holds exactly one operation's instructions (plus a
// constant for the client requests, measured by the "cal" dumps first).
static void run_cg(const struct allocator *a) {
  a->init();
  for (int i = 0; i < 200; i++) {
    CALLGRIND_ZERO_STATS;
    CALLGRIND_DUMP_STATS_AT("cal");
  }
  for (uint i = 0; i < nops; i++) {
    struct op *o = &ops[i];
    if (o->alloc) {
      CALLGRIND_ZERO_STATS;
      void *p = a->alloc(o->size);
      CALLGRIND_DUMP_STATS_AT("op");
      ptr[o->id] = p;
    } else {
      void *p = ptr[o->id];
      CALLGRIND_ZERO_STATS;
      a->free(p);
      CALLGRIND_DUMP_STATS_AT("op");
    }
    printf("%c %u\n", o->alloc ? 'a' : 'f', o->id);
  }
}

static const struct allocator *find_alloc(const char *name) {
  for (int i = 0; i < NALLOC; i++)
    if (strcmp(allocators[i].name, name) == 0)
      return &allocators[i];
  return 0;
}

static const struct workload *find_work(const char *name) {
  for (int i = 0; i < NWORK; i++)
    if (strcmp(workloads[i].name, name) == 0)
      return &workloads[i];
  return 0;
}

int main(int argc, char **argv) {
  arena = aligned_alloc(PG, (size_t)ARENA_PAGES * PG);
  meta = calloc(ARENA_PAGES, sizeof(uint));
  stack = calloc(ARENA_PAGES, sizeof(char *));
  ptr = calloc(1u << 20, sizeof(void *));
  reqsize = calloc(1u << 20, sizeof(uint));
  liveids = calloc(1u << 20, sizeof(uint));
  if (!arena || !meta || !stack || !ptr || !reqsize || !liveids) {
    fprintf(stderr, "kmbench: out of memory\n");
    return 2;
  }

  if (argc == 2 && strcmp(argv[1], "list") == 0) {
    for (int i = 0; i < NWORK; i++)
      printf("%s\n", workloads[i].name);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "mem") == 0) {
    printf("%-8s %-30s %6s | %-7s %5s %6s | %-7s %5s %6s %7s | %6s\n", "workload", "",
           "ops", "K&R", "peak", "after", "buddy", "peak", "after", "drained", "pow2");
    for (int w = 0; w < NWORK; w++) {
      generate(&workloads[w]);
      struct result kr = run_mem(find_alloc("kr"));
      struct result bu = run_mem(find_alloc("buddy"));
      printf("%-8s %-30s %6u | %6.1f%% %5u %6u | %6.1f%% %5u %6u %7u | %5.1f%%\n",
             workloads[w].name, workloads[w].what, nops, 100 * kr.ratio, kr.peak, kr.after,
             100 * bu.ratio, bu.peak, bu.after, bu.drained, 100 * bu.fit);
    }
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "cg") == 0) {
    const struct allocator *a = find_alloc(argv[2]);
    const struct workload *w = find_work(argv[3]);
    if (!a || !w) {
      fprintf(stderr, "kmbench: unknown allocator or workload\n");
      return 2;
    }
    generate(w);
    run_cg(a);
    return 0;
  }
  fprintf(stderr, "usage: kmbench mem | kmbench cg buddy|kr <workload> | kmbench list\n");
  return 2;
}
