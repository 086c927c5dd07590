// The kmalloc test system calls.
//
// User programs may call kmalloc(n)/kmfree(p) (as the course's tests do).
// They get a kernel address they cannot touch; the point is to exercise
// the allocator. Safety comes from bookkeeping: every block a process got
// this way is recorded in its struct kmuser, kmfree only frees a pointer
// found there (anything else, including a block of another process or one
// already freed, is -1, never a panic), and exit() frees whatever is left.
// A process may hold NKMUSER blocks, and all processes together at most
// KMUSER_TOTAL_MAX bytes of blocks, so forking cannot exhaust memory either.
//
// struct kmuser is a chained hash table: 127 buckets keep chains short
// (about 8 entries with the full NKMUSER blocks), so a lookup never scans
// the whole set. Its nodes and the table itself come from kmalloc too, and
// the table is freed as soon as it is empty, so a process that frees all
// its blocks leaves no trace (the leak tests compare freepages()).
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "kmstat.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "proc/syscalls.h"
#include "mm/buddy.h"
#include "mm/kmalloc.h"
#include "mm/kmuser.h"
#include "dev/console.h"
#include "lib/klib.h"

#define KMU_NBUCKET 127

struct kmunode {
  void *blk;
  struct kmunode *next;
  uint size;                 // block size, for the global budget
};

struct kmuser {
  int count;
  struct kmunode *bucket[KMU_NBUCKET];
};

_Static_assert(sizeof(struct kmuser) <= 512, "struct kmuser should fit a 512-byte block");

static uint kmu_total;       // atomic: bytes held through sys_kmalloc by everyone

static inline uint kmu_hash(void *p) {
  return ((uint)p >> BUDDY_MINSHIFT) % KMU_NBUCKET;
}

// Unlink and return the node for p, or 0 if this process does not hold p.
static struct kmunode *kmu_take(struct kmuser *u, void *p) {
  struct kmunode **link = &u->bucket[kmu_hash(p)];
  for (struct kmunode *nd = *link; nd; link = &nd->next, nd = nd->next) {
    if (nd->blk == p) {
      *link = nd->next;
      return nd;
    }
  }
  return 0;
}

static void kmu_drop(struct kmunode *nd) {
  kmfree(nd->blk);
  __atomic_fetch_sub(&kmu_total, nd->size, __ATOMIC_RELAXED);
  kmfree(nd);
}

int sys_kmalloc(void) {
  int n;
  if (argint(0, &n) < 0 || n <= 0 || n > BUDDY_MAXREQ)
    return 0;
  struct proc *p = myproc();
  struct kmuser *u = p->kmuser;
  if (u && u->count >= NKMUSER)
    return 0;
  uint size = buddy_size(buddy_order(n));
  if (__atomic_add_fetch(&kmu_total, size, __ATOMIC_RELAXED) > KMUSER_TOTAL_MAX) {
    __atomic_fetch_sub(&kmu_total, size, __ATOMIC_RELAXED);
    return 0;
  }
  if (u == 0) {
    if ((u = kzalloc(sizeof(*u))) == 0) {
      __atomic_fetch_sub(&kmu_total, size, __ATOMIC_RELAXED);
      return 0;
    }
    p->kmuser = u;
  }
  struct kmunode *nd = kmalloc(sizeof(*nd));
  void *blk = kmalloc(n);
  if (nd == 0 || blk == 0) {
    kmfree(nd);
    kmfree(blk);
    __atomic_fetch_sub(&kmu_total, size, __ATOMIC_RELAXED);
    if (u->count == 0) {
      kmfree(u);
      p->kmuser = 0;
    }
    return 0;
  }
  nd->blk = blk;
  nd->size = size;
  uint h = kmu_hash(blk);
  nd->next = u->bucket[h];
  u->bucket[h] = nd;
  u->count++;
  return (int)blk;
}

int sys_kmfree(void) {
  int a;
  if (argint(0, &a) < 0)
    return -1;
  if (a == 0)
    return 0;
  struct proc *p = myproc();
  struct kmuser *u = p->kmuser;
  struct kmunode *nd;
  if (u == 0 || (nd = kmu_take(u, (void *)a)) == 0)
    return -1;
  kmu_drop(nd);
  if (--u->count == 0) {
    kmfree(u);
    p->kmuser = 0;
  }
  return 0;
}

void kmuser_release(struct proc *p) {
  struct kmuser *u = p->kmuser;
  if (u == 0)
    return;
  for (int h = 0; h < KMU_NBUCKET; h++) {
    struct kmunode *nd = u->bucket[h];
    while (nd) {
      struct kmunode *next = nd->next;
      kmu_drop(nd);
      nd = next;
    }
  }
  kmfree(u);
  p->kmuser = 0;
}

int sys_freepages(void) {
  return kmalloc_freepages();
}

int sys_kmstat(void) {
  char *dst;
  struct kmstat st;
  if (argptr(0, &dst, sizeof(st)) < 0)
    return -1;
  kmalloc_stat(&st);
  memmove(dst, &st, sizeof(st));
  return 0;
}

int sys_kmtest(void) {
  int seed, rounds;
  if (argint(0, &seed) < 0 || argint(1, &rounds) < 0)
    return -1;
  return kmtest(seed, rounds);
}

// ---- in-kernel self-test ---------------------------------------------------------
//
// Allocates blocks of random sizes (a few exact powers of two, mostly odd
// sizes across the whole range), fills every byte of each block with a
// pattern unique to that allocation, checks that a new block overlaps no
// live one, that blocks are aligned to their size and lie in physical
// memory, that patterns survive while other blocks come and go, frees in
// random order, and finally that every page went back to kalloc.
// Return: 0 pass; -1 bad arguments; -2 kmalloc failed; -3 bad size or
// alignment; -4 overlap; -5 a pattern was damaged; -6 pages leaked.
//
// The test judges only what it did itself, so that several may run at
// once (and alongside anything else). Its blocks: it counts its own
// kmalloc and kmfree calls and checks each block it gets and frees. Its
// pages: the allocator's own page count (kmstat's pages + metapages,
// after a drain) must not have grown across the test. That count also
// moves with everybody else's blocks, so it is compared only when the
// allocator's call counters show that no kmalloc or kmfree but the
// test's own ran in between, and its count of live blocks is where it was
// (a call on another CPU may have taken its page but not yet counted
// itself); otherwise which pages are whose cannot be told, and the page
// check is left out (the block checks still hold). What may happen
// unseen in between, another CPU draining its cache, only lowers the
// count.

#define KMT_MAXLIVE 256
#define KMT_MAXROUNDS 1000000

struct kmt_ent {
  uchar *p;
  uint tag;      // pattern seed; the order is in the low 4 bits
};

static uint kmt_next(uint *s) {
  // Linear congruential step (Numerical Recipes constants); the top bits
  // are the good ones.
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

static uint kmt_size(uint r) {
  uint pick = r % 100;
  r /= 100;
  if (pick < 10)
    return 16u << (r % 9);                 // exact block sizes: no waste allowed
  if (pick < 60)
    return 1 + r % 256;                    // small objects
  if (pick < 90)
    return 257 + r % 768;                  // medium
  return 1025 + r % 3072;                  // large, up to 4096
}

static inline uchar kmt_byte(uint tag, uint i) {
  return (uchar)((tag >> 4) * 131 + i * 29 + (i >> 7));
}

static void kmt_fill(struct kmt_ent *e) {
  uint size = buddy_size(e->tag & 15);
  for (uint i = 0; i < size; i++)
    e->p[i] = kmt_byte(e->tag, i);
}

static int kmt_check(struct kmt_ent *e) {
  uint size = buddy_size(e->tag & 15);
  for (uint i = 0; i < size; i++)
    if (e->p[i] != kmt_byte(e->tag, i)) {
      cprintf("kmtest: block 0x%x (%d bytes) damaged at offset %d\n", e->p, size, i);
      return -5;
    }
  return 0;
}

static int kmt_bench(int mode, int pairs);

// The allocator's pages and call counters, after giving back everything
// parked in the per-CPU caches.
struct kmt_snap {
  uint pages, calls, live;
};

static void kmt_snap(struct kmt_snap *s) {
  struct kmstat st;
  kmalloc_drain();
  kmalloc_stat(&st);
  s->pages = st.pages + st.metapages;
  s->calls = st.allocs + st.frees;
  s->live = 0;
  for (int k = 0; k < KM_NORDER; k++)
    s->live += st.order[k].live;
}

int kmtest(int seed, int rounds) {
  if (seed < 0)
    return kmt_bench(-seed, rounds);
  if (rounds < 0 || rounds > KMT_MAXROUNDS)
    return -1;

  struct kmt_snap before, after;
  kmt_snap(&before);
  struct kmt_ent *t = kmalloc(KMT_MAXLIVE * sizeof(*t));
  if (t == 0)
    return -2;
  uint calls = 1;              // our own kmalloc and kmfree calls that did something
  uint s = (uint)seed, serial = 0;
  int live = 0, err = 0;

  for (int r = 0; r < rounds && err == 0; r++) {
    uint x = kmt_next(&s);
    if (live == 0 || (live < KMT_MAXLIVE && x % 8 < 5)) {
      uint n = kmt_size(kmt_next(&s));
      uchar *p = kmalloc(n);
      if (p == 0) {
        cprintf("kmtest: kmalloc(%d) failed\n", n);
        err = -2;
        break;
      }
      calls += 2;              // this kmalloc, and the kmfree that undoes it
      int k = buddy_order(n);
      uint size = buddy_size(k);
      if (kmsize(p) != size || size < n || ((uint)p & (size - 1)) ||
          (uint)p < KERNBASE || (uint)p - KERNBASE + size > PHYSTOP) {
        cprintf("kmtest: kmalloc(%d) = 0x%x, size %d\n", n, p, kmsize(p));
        err = -3;
        kmfree(p);
        break;
      }
      for (int j = 0; j < live; j++) {
        uchar *q = t[j].p;
        uint qsize = buddy_size(t[j].tag & 15);
        if (p < q + qsize && q < p + size) {
          cprintf("kmtest: 0x%x (%d) overlaps live 0x%x (%d)\n", p, size, q, qsize);
          err = -4;
        }
      }
      if (err) {
        kmfree(p);
        break;
      }
      t[live].p = p;
      t[live].tag = (++serial << 4) | k;
      kmt_fill(&t[live]);
      live++;
    } else {
      int j = kmt_next(&s) % live;
      err = kmt_check(&t[j]);
      kmfree(t[j].p);
      t[j] = t[--live];
    }
    if ((r & 63) == 63)
      for (int j = 0; j < live && err == 0; j++)
        err = kmt_check(&t[j]);
  }

  // Check and free what is left, in random order (Fisher-Yates shuffle).
  for (int j = live - 1; j > 0; j--) {
    int o = kmt_next(&s) % (j + 1);
    struct kmt_ent tmp = t[j];
    t[j] = t[o];
    t[o] = tmp;
  }
  for (int j = 0; j < live; j++) {
    int e = kmt_check(&t[j]);
    if (err == 0)
      err = e;
    kmfree(t[j].p);
  }
  kmfree(t);
  calls++;

  kmt_snap(&after);
  int alone = after.calls - before.calls == calls && after.live == before.live;
  if (err == 0 && alone && after.pages > before.pages) {
    cprintf("kmtest: the allocator held %d pages before, %d after\n", before.pages,
            after.pages);
    err = -6;
  }
  return err;
}

// ---- micro-benchmarks (seed < 0) -------------------------------------------------
//
// Time `pairs` kmalloc+kmfree pairs with the TSC and return ticks per pair,
// the best of five runs (a run that a timer interrupt hit is slower). Under
// QEMU with -icount shift=0 the TSC counts guest instructions, which makes
// the result an exact, repeatable instruction count. No 64-bit division:
// the run is short enough for the difference to fit in 32 bits.

static inline uint64 rdtsc(void) {
  uint64 v;
  asm volatile("rdtsc" : "=A"(v));
  return v;
}

// Sizes of this kernel's own dynamically allocated objects (as in the host
// benchmark bench/kmalloc, "kernel" workload), repeated as weights: mmap
// regions (64), open files (24), kmuser nodes (12), page-set headers (16),
// pipes (580), kmuser tables (512), small records (100), pmap buffers (240),
// page-sized buffers (1024, 4096).
static const ushort kmt_ksizes[16] = {
  64, 64, 64, 64, 24, 24, 12, 12, 16, 580, 580, 512, 100, 240, 1024, 4096,
};

#define KMT_RING 64

static int kmt_bench(int mode, int pairs) {
  if (mode < 1 || mode > 3 || pairs <= 0 || pairs > 100000)
    return -1;
  void *ring[KMT_RING];
  uint best = ~0u;

  if (mode == 2)
    for (int j = 0; j < KMT_RING; j++)
      if ((ring[j] = kmalloc(kmt_ksizes[j % 16])) == 0) {
        while (--j >= 0)
          kmfree(ring[j]);
        return -2;
      }

  for (int run = 0; run < 5; run++) {
    uint s = 12345;
    int fail = 0;
    uint64 t0 = rdtsc();
    if (mode == 2) {
      // A ring of live objects: each step frees the oldest and allocates
      // a new one of a kernel-like size, so frees interleave with
      // allocations of other sizes as they do in the kernel.
      for (int i = 0; i < pairs; i++) {
        int j = i % KMT_RING;
        kmfree(ring[j]);
        ring[j] = kmalloc(kmt_ksizes[kmt_next(&s) % 16]);
        fail |= ring[j] == 0;
      }
    } else {
      uint n = mode == 1 ? 64 : 4096;
      for (int i = 0; i < pairs; i++) {
        void *p = kmalloc(n);
        fail |= p == 0;
        kmfree(p);
      }
    }
    uint64 t1 = rdtsc();
    if (fail) {
      best = 0;
      break;
    }
    uint per = (uint)(t1 - t0) / (uint)pairs;
    if (per < best)
      best = per;
  }

  if (mode == 2)
    for (int j = 0; j < KMT_RING; j++)
      kmfree(ring[j]);
  return best == 0 ? -2 : (int)best;
}
