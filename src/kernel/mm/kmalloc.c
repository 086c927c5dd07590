// kmalloc/kmfree: the kernel's small-object allocator.
//
// Two layers:
//  - mm/buddy.c, the buddy core: splits kalloc pages into power-of-two
//    blocks and merges them back, returning a page to kalloc the moment it
//    is wholly free. It is protected by one global lock, `kmlock`.
//  - here, a per-CPU cache of freed blocks for each order, so that the
//    common kmalloc/kmfree never touches kmlock.
//
// Per-CPU caches, and why they are built this way
// -----------------------------------------------
// A cache is a small stack of block pointers per order (bounded: at most
// 16 blocks of 16..512 bytes, 8 of 1024, 4 of 2048, 2 of 4096, about 40 KiB
// per CPU in the worst case). The owning CPU uses it with interrupts off,
// so an interrupt handler calling kmalloc on the same CPU can never find it
// half-updated, and mycpu() stays valid. The fast path saves EFLAGS, does
// cli and restores IF itself instead of calling pushcli/popcli (which cost
// ~40 instructions a pair of calls): that nests correctly with spinlocks,
// because acquire() inside the section sees interrupts already off and its
// release() leaves them off; we then restore exactly what we found.
//
// kmalloc_drain() must also empty *other* CPUs' caches (freepages() and
// the leak tests need an exact page count, and a page whose blocks all sit
// in caches would otherwise never go back to kalloc). Disabling interrupts
// only protects against the local CPU, so each cache also has a one-word
// lock. Its owner takes it with a single xchg that is only ever contended
// while a drain runs, so the fast path stays at "one uncontended lock".
// Lock order is kmlock -> cache lock: the drainer holds kmlock while it
// visits each cache, and a CPU never waits for kmlock while holding its own
// cache lock (the slow paths drop it first), so the two cannot deadlock.
//
// kmlock is not a struct spinlock. acquire()+release() cost about 215
// instructions in this kernel (pushcli, holding(), getcallerpcs()), and
// every cache miss and overflow pays for one round trip: on an earlier
// version of the kernel-like mix (kmtest -2) a pair cost 369 instructions
// with it and 355 without, and 467 against 416 with 4-slot caches, where
// misses are more frequent. kmlock is a bare xchg loop instead, always taken with
// interrupts already off (every path below has done irq_save()), so an
// interrupt handler on the same CPU can never spin on it; it records its
// holder so that taking it twice on one CPU panics instead of hanging.
//
// Parked blocks are marked in the buddy metadata (A=1 F=1, see buddy.h):
// the core treats them as allocated, so it never merges them, and a second
// kmfree of a parked block is caught as a double free.
//
// Without the caches every pair of a hot kmalloc/kmfree loop would split
// a page, merge it again and take it from and give it back to kalloc
// (which also fills it with junk); with them a hot pair is ~270 guest
// instructions (kmtest -1 under QEMU -icount shift=0).
#ifdef KM_HOST
#include "mm/kmhost.h"
#else
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "dev/console.h"
#define KM_NCPU NCPU
#endif
#include "kmstat.h"
#include "mm/buddy.h"
#include "mm/kmalloc.h"

_Static_assert(KM_NORDER == BUDDY_NORDER && KM_MINSHIFT == BUDDY_MINSHIFT,
               "kmstat.h and buddy.h disagree on block sizes");

#define KMC_SLOTS 16
// Cache bound per order. Smaller blocks get more slots (they are cheap);
// the bigger ones fewer, so that parked memory stays small per CPU. A parked
// block keeps its page from going back to kalloc until a drain, so the bound
// trades speed for memory. Measured (kmtest -2, kernel-like mix, QEMU
// -icount, instructions per pair) with 16 / 8 / 4 slots for orders 0..5:
// 362 / 389 / 419; pages still held after a host benchmark freed
// everything, before a drain (one CPU): 53..104 / 41..69 / 32..42. The
// time-averaged bytes-requested/bytes-held ratio moved by under 1 point.
// 16 keeps the mix well inside its 400-instruction budget.
static const uchar kmc_cap[BUDDY_NORDER] = { 16, 16, 16, 16, 16, 16, 8, 4, 2 };

struct kmcache {
  volatile uint lock;                  // owner (interrupts off) or a drainer
  uchar n[BUDDY_NORDER];               // parked blocks per order
  void *slot[BUDDY_NORDER][KMC_SLOTS];
  // Statistics of calls made on this CPU. A block allocated on one CPU may
  // be freed on another, so only the sums over all CPUs mean anything.
  int req[BUDDY_NORDER];               // bytes requested, live blocks
  uint hits, misses, frees;            // kmalloc from the cache / via refill; kmfree
} __attribute__((aligned(64)));       // keep CPUs off each other's cache lines

static struct {
  volatile uint locked;
  const void *holder;                  // the CPU holding it, or 0
} kmlock;                              // guards `core`
static struct buddy core;
static struct kmcache kmcaches[KM_NCPU];
static uint badsizes;                  // atomic: calls with n == 0 or n > 4096
static uint nomem;                     // atomic: calls that found no memory
static uint hookfails;                 // atomic: failures injected by kmalloc_failhook

int (*kmalloc_failhook)(uint n);

#ifdef KMDEBUG
#define KM_POISON 0x6b
#endif

// ---- environment -----------------------------------------------------------

#ifdef KM_HOST
static inline uint irq_save(void) { return 0; }
static inline void irq_restore(uint flags) { (void)flags; }
static inline struct kmcache *thiscache(void) {
  return &kmcaches[km_host_cpu];
}
static inline const void *thiscpu(void) {
  return &kmcaches[km_host_cpu];
}
static void km_fatal(const char *who, const void *addr, const char *why, const void *caller) {
  (void)who;
  km_host_report(addr, why, caller);
}
#else
// Page metadata for the buddy core: one word per physical page (224 KiB).
static uint pagemeta[PHYSTOP / PGSIZE];

static inline uint irq_save(void) {
  uint flags = readeflags();
  cli();
  return flags;
}
static inline void irq_restore(uint flags) {
  if (flags & FL_IF)
    sti();
}

static inline const void *thiscpu(void) {
  return mycpu();
}

// Interrupts are off, so the CPU cannot change under us.
static inline struct kmcache *thiscache(void) {
  struct cpu *c = mycpu();
  struct kmcache *kc = c->kmcache;
  if (kc == 0)
    c->kmcache = kc = &kmcaches[c - cpus];
  return kc;
}
static void km_fatal(const char *who, const void *addr, const char *why, const void *caller) {
  cprintf("%s: bad pointer 0x%x: %s (called from 0x%x)\n", who, addr, why, caller);
  panic("kmalloc: bad pointer");
}
#endif

static void *src_get(void *ctx) {
  (void)ctx;
  return kalloc();
}
static void src_put(void *ctx, void *page) {
  (void)ctx;
  kfree((char *)page);
}
// The core reports only from buddy_free/buddy_free_cached, which we call
// with pointers already checked; anything it finds is a kmalloc bug.
static void core_report(void *ctx, const void *addr, const char *why) {
  (void)ctx;
  km_fatal("kmalloc core", addr, why, 0);
}

// Interrupts must be off.
static inline void core_lock(void) {
  const void *me = thiscpu();
  if (kmlock.holder == me)
    km_fatal("kmalloc", 0, "core lock taken twice on one CPU", __builtin_return_address(0));
  while (__atomic_exchange_n(&kmlock.locked, 1, __ATOMIC_ACQUIRE)) {
#ifdef KM_HOST
    km_host_lockfail("kmalloc: core lock already held");
    return;
#else
    __builtin_ia32_pause();
#endif
  }
  kmlock.holder = me;
}
static inline void core_unlock(void) {
  kmlock.holder = 0;
  __atomic_store_n(&kmlock.locked, 0, __ATOMIC_RELEASE);
}

static inline void kmc_lock(struct kmcache *c) {
  while (__atomic_exchange_n(&c->lock, 1, __ATOMIC_ACQUIRE)) {
#ifdef KM_HOST
    km_host_lockfail("kmalloc: cache lock already held");
    return;
#else
    __builtin_ia32_pause();
#endif
  }
}
static inline void kmc_unlock(struct kmcache *c) {
  __atomic_store_n(&c->lock, 0, __ATOMIC_RELEASE);
}

#ifdef KMDEBUG
// Debug builds poison blocks when they are freed and check the poison when
// they are handed out again, so writes after free are caught.
static void poison_check(void *p, int order, const void *caller) {
  uchar *b = p;
  for (uint i = 0; i < buddy_size(order); i++) {
    if (b[i] != KM_POISON) {
      km_fatal("kmalloc", p, "block was written after it was freed", caller);
      return;
    }
  }
}
#endif

// ---- drain -----------------------------------------------------------------

// Empty every CPU's cache into the core. Caller holds kmlock.
static int drain_locked(void) {
  int moved = 0;
  for (int i = 0; i < KM_NCPU; i++) {
    struct kmcache *c = &kmcaches[i];
    for (int k = 0; k < BUDDY_NORDER; k++) {
      void *out[KMC_SLOTS];
      kmc_lock(c);
      int n = c->n[k];
      for (int j = 0; j < n; j++)
        out[j] = c->slot[k][j];
      c->n[k] = 0;
      kmc_unlock(c);
      for (int j = 0; j < n; j++)
        buddy_free_cached(&core, out[j]);
      moved += n;
    }
  }
  return moved;
}

int kmalloc_drain(void) {
  uint flags = irq_save();
  core_lock();
  int moved = drain_locked();
  core_unlock();
  irq_restore(flags);
  return moved;
}

int kmalloc_freepages(void) {
  kmalloc_drain();
  return kfreecount();
}

// ---- allocation --------------------------------------------------------------

// Cache miss: take the block from the core, plus up to half a cache of
// extra blocks of the same order from pages already split (never a fresh
// page), so the next few kmallocs hit. One kmlock round trip per refill.
// Called with interrupts off and c unlocked.
static __attribute__((noinline)) void *refill(struct kmcache *c, int k, uint n) {
  void *extra[KMC_SLOTS];
  int nextra = 0, want = kmc_cap[k] / 2 - 1;

  core_lock();
  void *p = buddy_alloc(&core, k, n, 0);
  if (p == 0 && drain_locked() > 0)     // memory may be parked in caches
    p = buddy_alloc(&core, k, n, 0);
  if (p) {
    while (nextra < want) {
      void *q = buddy_alloc(&core, k, 0, 1);
      if (q == 0)
        break;
      extra[nextra++] = q;
    }
  }
  core_unlock();
  if (p == 0) {
    __atomic_fetch_add(&nomem, 1, __ATOMIC_RELAXED);
    return 0;
  }

  int left = 0;
  kmc_lock(c);
  for (int j = 0; j < nextra; j++) {
    if (c->n[k] < kmc_cap[k])
      c->slot[k][c->n[k]++] = extra[j];
    else
      extra[left++] = extra[j];
  }
  c->req[k] += n;
  c->misses++;
  kmc_unlock(c);

  if (left) {   // cannot happen (meanwhile only a drain touched c, and drains
                // only take blocks out), but never lose a block
    core_lock();
    for (int j = 0; j < left; j++)
      buddy_free_cached(&core, extra[j]);
    core_unlock();
  }
  return p;
}

void *kmalloc(uint n) {
  int k = buddy_order(n);
  if (k < 0) {
    __atomic_fetch_add(&badsizes, 1, __ATOMIC_RELAXED);
    return 0;
  }
  if (kmalloc_failhook && kmalloc_failhook(n)) {
    __atomic_fetch_add(&hookfails, 1, __ATOMIC_RELAXED);
    return 0;
  }

  void *p;
  uint flags = irq_save();
  struct kmcache *c = thiscache();
  kmc_lock(c);
  uint i = c->n[k];
  if (i) {
    // Fast path: reuse a parked block; no global lock.
    p = c->slot[k][i - 1];
    c->n[k] = i - 1;
    buddy_unpark(&core, p, k, n);
    c->req[k] += n;
    c->hits++;
    kmc_unlock(c);
  } else {
    kmc_unlock(c);
    p = refill(c, k, n);
  }
  irq_restore(flags);
#ifdef KMDEBUG
  if (p)
    poison_check(p, k, __builtin_return_address(0));
#endif
  return p;
}

void *kzalloc(uint n) {
  void *p = kmalloc(n);
  if (p)
    __builtin_memset(p, 0, buddy_size(buddy_order(n)));
  return p;
}

// ---- freeing -----------------------------------------------------------------

void kmfree(void *p) {
  if (p == 0)
    return;
  struct buddy_loc loc;
  if (buddy_find_live(&core, p, &loc) != 0) {
    km_fatal("kmfree", p, buddy_strerror(buddy_locate(&core, p, &loc)),
             __builtin_return_address(0));
    return;
  }
  int k = loc.order;
#ifdef KMDEBUG
  __builtin_memset(p, KM_POISON, buddy_size(k));
#endif

  void *out[KMC_SLOTS / 2];
  int nout = 0;
  uint flags = irq_save();
  struct kmcache *c = thiscache();
  kmc_lock(c);
  int req = buddy_park(&loc);
  if (req < 0) {    // another kmfree of p got there first
    kmc_unlock(c);
    irq_restore(flags);
    km_fatal("kmfree", p, buddy_strerror(BUDDY_ECACHED), __builtin_return_address(0));
    return;
  }
  c->req[k] -= req;
  c->frees++;
  uint i = c->n[k];
  if (i == kmc_cap[k]) {
    // Full: hand the older half to the core and keep the recently freed
    // (cache-warm) half.
    nout = i / 2;
    for (int j = 0; j < nout; j++)
      out[j] = c->slot[k][j];
    for (uint j = nout; j < i; j++)
      c->slot[k][j - nout] = c->slot[k][j];
    i -= nout;
  }
  c->slot[k][i] = p;
  c->n[k] = i + 1;
  kmc_unlock(c);

  if (nout) {
    core_lock();
    for (int j = 0; j < nout; j++)
      buddy_free_cached(&core, out[j]);
    core_unlock();
  }
  irq_restore(flags);
}

uint kmsize(void *p) {
  if (p == 0)
    return 0;
  struct buddy_loc loc;
  int err = buddy_locate(&core, p, &loc);
  if (err != BUDDY_OK) {
    km_fatal("kmsize", p, buddy_strerror(err), __builtin_return_address(0));
    return 0;
  }
  return buddy_size(loc.order);
}

// ---- statistics and set-up -----------------------------------------------------

// Takes kmlock with interrupts off for one pass over the page words
// (buddy_drainable_pages): fine for a statistics call, not for a hot path.
void kmalloc_stat(struct kmstat *st) {
  __builtin_memset(st, 0, sizeof(*st));
  uint flags = irq_save();
  core_lock();
  for (int i = 0; i < KM_NCPU; i++) {
    struct kmcache *c = &kmcaches[i];
    kmc_lock(c);
    for (int k = 0; k < BUDDY_NORDER; k++) {
      st->order[k].cached += c->n[k];
      st->order[k].requested += c->req[k];
    }
    st->allocs += c->hits + c->misses;
    st->frees += c->frees;
    st->cachehits += c->hits;
    kmc_unlock(c);
  }
  for (int k = 0; k < BUDDY_NORDER; k++) {
    st->order[k].size = buddy_size(k);
    st->order[k].free = core.nfree[k];
    st->order[k].live = core.nheld[k] - st->order[k].cached;
  }
  st->pages = core.pages;
  st->metapages = core.metapages;
  st->cachedpages = buddy_drainable_pages(&core);
  st->splits = core.splits;
  st->merges = core.merges;
  st->failures = __atomic_load_n(&nomem, __ATOMIC_RELAXED) +
                 __atomic_load_n(&hookfails, __ATOMIC_RELAXED);
  core_unlock();
  irq_restore(flags);
  st->badsizes = __atomic_load_n(&badsizes, __ATOMIC_RELAXED);
  st->ncaches = KM_NCPU;
  st->kfreepages = kfreecount();
}

void kmalloc_init(void) {
  void *base;
  uint npages, *meta;
  kmlock.locked = 0;
  kmlock.holder = 0;
#ifdef KM_HOST
  km_host_arena(&base, &npages, &meta);
  __builtin_memset(kmcaches, 0, sizeof(kmcaches));   // tests start over
  badsizes = nomem = hookfails = 0;
  kmalloc_failhook = 0;
#else
  base = (void *)KERNBASE;
  npages = PHYSTOP / PGSIZE;
  meta = pagemeta;
#endif
  struct buddy_pagesrc src = { src_get, src_put, 0 };
  buddy_init(&core, base, npages, meta, &src, core_report, 0);
#ifdef KMDEBUG
  core.poison = KM_POISON;
#endif
}
