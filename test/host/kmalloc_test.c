// Host unit tests for the kernel's kmalloc: the buddy core (src/kernel/mm/buddy.c)
// and the per-CPU cache layer (src/kernel/mm/kmalloc.c built with -DKM_HOST),
// compiled with AddressSanitizer and UBSan.
//
// Every test prints "PASS kmalloc: <name>" or "FAIL kmalloc: <name>: <why>"
// ("kmalloc-kmdebug" in the -DKMDEBUG build); the exit status is non-zero if
// any test failed.
//
// The page source hands out pages of one aligned_alloc() arena, from the top
// down like a freshly booted kalloc, counts them, can be limited or made to
// fail at random, and poisons returned pages for ASan so that any touch of a
// page after the allocator gave it back is reported.
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "kmstat.h"
#include "mm/buddy.h"
#include "mm/kmalloc.h"
#include "mm/kmhost.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#endif
#ifdef HAVE_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define PG 4096u
#define ARENA_PAGES 16384u            // 64 MiB

#ifdef KMDEBUG
#define SUITE "kmalloc-kmdebug"
#else
#define SUITE "kmalloc"
#endif

// ---- test bookkeeping ------------------------------------------------------------

static int failures;
static char why[512];
static int failed;                    // the running test has failed

static void fail(const char *fmt, ...) {
  if (failed)
    return;                          // keep the first reason
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  failed = 1;
}

#define CHECK(cond, ...) do { if (!(cond)) { fail(__VA_ARGS__); } } while (0)

// ---- page source -----------------------------------------------------------------

static char *arena;
static uint *meta;                    // kmalloc.c's page words
static uint *meta2;                   // for tests that drive a bare buddy core
static char **freestack;
static uint nfreepg;
static uchar *pgstate;                // 1 = handed out
static uint outstanding;
static uint page_limit;               // at most this many out at once (0: no limit)
static uint fail_one_in;              // get() fails with probability 1/N (0: never)
static uint rng_state = 1;

static uint rnd(void) {
  // xorshift32: a small deterministic generator for the tests.
  uint x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

static void source_reset(void) {
  nfreepg = 0;
  // Push from the bottom up so that pops go from the top down.
  for (uint i = 0; i < ARENA_PAGES; i++) {
    freestack[nfreepg++] = arena + (size_t)i * PG;
    POISON(arena + (size_t)i * PG, PG);
  }
  memset(pgstate, 0, ARENA_PAGES);
  memset(meta, 0, ARENA_PAGES * sizeof(uint));
  memset(meta2, 0, ARENA_PAGES * sizeof(uint));
  outstanding = 0;
  page_limit = 0;
  fail_one_in = 0;
}

char *kalloc(void) {
  if (page_limit && outstanding >= page_limit)
    return 0;
  if (fail_one_in && rnd() % fail_one_in == 0)
    return 0;
  if (nfreepg == 0)
    return 0;
  char *p = freestack[--nfreepg];
  uint idx = (uint)((p - arena) / PG);
  pgstate[idx] = 1;
  outstanding++;
  UNPOISON(p, PG);
  memset(p, 1, PG);                  // like kalloc after kfree: junk, not zeros
  return p;
}

void kfree(char *p) {
  if (p < arena || p >= arena + (size_t)ARENA_PAGES * PG || (p - arena) % PG) {
    fail("kfree of a non-page %p", (void *)p);
    return;
  }
  uint idx = (uint)((p - arena) / PG);
  if (!pgstate[idx]) {
    fail("page %p returned twice", (void *)p);
    return;
  }
  pgstate[idx] = 0;
  outstanding--;
  memset(p, 1, PG);
  POISON(p, PG);
  freestack[nfreepg++] = p;
}

int kfreecount(void) {
  if (page_limit)
    return (int)(page_limit - outstanding);
  return (int)nfreepg;
}

void km_host_arena(void **base, uint *npages, uint **m) {
  *base = arena;
  *npages = ARENA_PAGES;
  *m = meta;
}

// Bad frees land here. Tests that provoke one say what they expect.
static int nreports;
static const void *rep_addr;
static const char *rep_why;

void km_host_report(const void *addr, const char *w, const void *caller) {
  (void)caller;
  nreports++;
  rep_addr = addr;
  rep_why = w;
}

static void core_report(void *ctx, const void *addr, const char *w) {
  (void)ctx;
  km_host_report(addr, w, 0);
}

void km_host_lockfail(const char *what) {
  fail("lock misuse: %s", what);
}

int km_host_cpu;

// Expect exactly one report, for addr, whose text contains `text`.
static void expect_report(const char *op, const void *addr, const char *text) {
  if (nreports != 1)
    fail("%s: %d reports, expected 1", op, nreports);
  else if (rep_addr != addr)
    fail("%s: report names %p, expected %p", op, rep_addr, addr);
  else if (!strstr(rep_why, text))
    fail("%s: report says \"%s\", expected \"%s\"", op, rep_why, text);
  nreports = 0;
}

// ---- the reference model -----------------------------------------------------------

struct live {
  uchar *p;
  uint n;          // bytes requested
  int k;           // order
  uint id;         // nonzero, unique
};

static struct live *lv;
static uint nlive, maxlive, nextid;
static uint *owner;                   // per 16-byte unit of the arena: id of the live block

static uchar pat(uint id, uint i) {
  return (uchar)(id * 157u + i * 13u + (i >> 8));
}

static size_t unit_index(const void *p) {
  return (size_t)((const char *)p - arena) / 16;
}

// Check and record a block kmalloc just returned for n bytes.
static int model_add(void *vp, uint n) {
  uchar *p = vp;
  int k = buddy_order(n);
  uint size = buddy_size(k);
  if (p == 0) {
    fail("kmalloc(%u) returned 0", n);
    return -1;
  }
  if (p < (uchar *)arena || p + size > (uchar *)arena + (size_t)ARENA_PAGES * PG) {
    fail("kmalloc(%u) = %p is outside the arena", n, (void *)p);
    return -1;
  }
  if ((size_t)(p - (uchar *)arena) % size) {
    fail("kmalloc(%u) = %p is not aligned to its block size %u", n, (void *)p, size);
    return -1;
  }
  if (!pgstate[(p - (uchar *)arena) / PG]) {
    fail("kmalloc(%u) = %p lies in a page the allocator does not hold", n, (void *)p);
    return -1;
  }
  uint usable = kmsize(p);
  if (usable != size || usable < n) {
    fail("kmsize(kmalloc(%u)) = %u, expected %u", n, usable, size);
    return -1;
  }
  size_t u0 = unit_index(p);
  for (uint j = 0; j < size / 16; j++)
    if (owner[u0 + j]) {
      fail("kmalloc(%u) = %p overlaps live block id %u", n, (void *)p, owner[u0 + j]);
      return -1;
    }
  if (nlive == maxlive) {
    fail("model full");
    return -1;
  }
  uint id = ++nextid;
  for (uint j = 0; j < size / 16; j++)
    owner[u0 + j] = id;
  for (uint i = 0; i < size; i++)
    p[i] = pat(id, i);
  lv[nlive++] = (struct live){ p, n, k, id };
  return 0;
}

static int model_check(const struct live *e) {
  uint size = buddy_size(e->k);
  for (uint i = 0; i < size; i++)
    if (e->p[i] != pat(e->id, i)) {
      fail("block %p (id %u, %u bytes) damaged at offset %u", (void *)e->p, e->id, size, i);
      return -1;
    }
  return 0;
}

// Free live entry j through kmfree and drop it from the model.
static void model_free(uint j) {
  struct live e = lv[j];
  model_check(&e);
  size_t u0 = unit_index(e.p);
  for (uint i = 0; i < buddy_size(e.k) / 16; i++)
    owner[u0 + i] = 0;
  kmfree(e.p);
  lv[j] = lv[--nlive];
}

static void model_free_all_random(void) {
  while (nlive && !failed)
    model_free(rnd() % nlive);
}

// kmalloc_stat must agree with the model exactly.
static void check_stats(const char *when) {
  struct kmstat st;
  kmalloc_stat(&st);
  uint live[KM_NORDER] = { 0 }, req[KM_NORDER] = { 0 };
  for (uint j = 0; j < nlive; j++) {
    live[lv[j].k]++;
    req[lv[j].k] += lv[j].n;
  }
  for (int k = 0; k < KM_NORDER; k++) {
    if (st.order[k].size != (16u << k))
      fail("%s: order %d size %u", when, k, st.order[k].size);
    if (st.order[k].live != live[k])
      fail("%s: order %d: %u live, model has %u", when, k, st.order[k].live, live[k]);
    if (st.order[k].requested != req[k])
      fail("%s: order %d: %u bytes requested, model has %u", when, k,
           st.order[k].requested, req[k]);
  }
  if (st.pages + st.metapages != outstanding)
    fail("%s: stats say %u+%u pages, page source has %u out", when, st.pages,
         st.metapages, outstanding);
  if (st.kfreepages != (uint)kfreecount())
    fail("%s: kfreepages %u, source %d", when, st.kfreepages, kfreecount());
  if (st.order[KM_NORDER - 1].free != 0)
    fail("%s: a free whole page is kept on a list", when);
}

// ---- harness -----------------------------------------------------------------------

static void setup(void) {
  source_reset();
  kmalloc_init();
  nlive = 0;
  nextid = 0;
  nreports = 0;
  km_host_cpu = 0;
  memset(owner, 0, (size_t)ARENA_PAGES * (PG / 16) * sizeof(uint));
}

// Everything freed and drained: no page may stay out.
static void check_all_returned(const char *when) {
  kmalloc_drain();
  if (outstanding != 0)
    fail("%s: %u pages still held after freeing everything", when, outstanding);
  struct kmstat st;
  kmalloc_stat(&st);
  if (st.pages || st.metapages || st.cachedpages)
    fail("%s: stats still show %u pages, %u metapages, %u cached pages", when, st.pages,
         st.metapages, st.cachedpages);
  for (int k = 0; k < KM_NORDER; k++)
    if (st.order[k].live || st.order[k].free || st.order[k].cached || st.order[k].requested)
      fail("%s: order %d not empty (%u live %u free %u cached %u requested)", when, k,
           st.order[k].live, st.order[k].free, st.order[k].cached, st.order[k].requested);
}

static void run(const char *name, void (*fn)(void)) {
  failed = 0;
  why[0] = 0;
  setup();
  fn();
  if (!failed && nreports)
    fail("%d unexpected bad-pointer report(s), last: %p: %s", nreports, rep_addr, rep_why);
  if (failed) {
    failures++;
    printf("FAIL " SUITE ": %s: %s\n", name, why);
  } else {
    printf("PASS " SUITE ": %s\n", name);
  }
  fflush(stdout);
}

// ---- tests ---------------------------------------------------------------------------

static void t_order(void) {
  CHECK(buddy_order(0) == -1, "order(0) = %d", buddy_order(0));
  CHECK(buddy_order(4097) == -1, "order(4097) = %d", buddy_order(4097));
  CHECK(buddy_order(0xffffffffu) == -1, "order(-1) accepted");
  for (uint n = 1; n <= 4096; n++) {
    int k = buddy_order(n);
    uint size = buddy_size(k);
    // The smallest power of two >= max(n, 16).
    uint want = 16;
    while (want < n)
      want <<= 1;
    CHECK(size == want, "order(%u) gives %u bytes, expected %u", n, size, want);
  }
  CHECK(kmalloc(0) == 0, "kmalloc(0) returned a block");
  CHECK(kmalloc(4097) == 0, "kmalloc(4097) returned a block");
  CHECK(kmalloc(0x80000000u) == 0, "kmalloc(2^31) returned a block");
  struct kmstat st;
  kmalloc_stat(&st);
  CHECK(st.badsizes == 3, "badsizes = %u, expected 3", st.badsizes);
  CHECK(outstanding == 0, "a bad size took %u pages", outstanding);
}

// Every size 1..4096 live at once, spread over the simulated CPUs.
static void t_every_size(void) {
  for (uint n = 1; n <= 4096 && !failed; n++) {
    km_host_cpu = n % KM_NCPU;
    model_add(kmalloc(n), n);
  }
  check_stats("all sizes live");
  for (uint j = 0; j < nlive && !failed; j++)
    model_check(&lv[j]);
  model_free_all_random();
  check_stats("all freed");
  check_all_returned("every size");
}

// Page accounting of exact sizes: no waste, no header.
static void t_zero_waste(void) {
  void *p = kmalloc(4096);
  model_add(p, 4096);
  CHECK(outstanding == 1, "kmalloc(4096) took %u pages, expected exactly 1", outstanding);
  void *q[2] = { kmalloc(2048), kmalloc(2048) };
  model_add(q[0], 2048);
  model_add(q[1], 2048);
  // One page for the two halves, one pool page for its record.
  CHECK(outstanding == 3, "two kmalloc(2048) took %u pages, expected 1 + 1 record page",
        outstanding - 1);
  CHECK(((uintptr_t)q[0] ^ (uintptr_t)q[1]) == 2048, "two 2048-byte halves %p %p not buddies",
        q[0], q[1]);
  // 256 blocks of 16 bytes fill exactly one more page.
  uint before = outstanding;
  for (int i = 0; i < 256; i++)
    model_add(kmalloc(16), 16);
  CHECK(outstanding == before + 1, "256 x 16 bytes took %u pages, expected 1",
        outstanding - before);
  check_stats("exact sizes");
  model_free_all_random();
  check_all_returned("zero waste");
}

// A bare core (no caches): exact split and merge counts.
static void *core_get(void *ctx) {
  (void)ctx;
  return kalloc();
}
static void core_put(void *ctx, void *pg) {
  (void)ctx;
  kfree(pg);
}

static void t_core_split_merge(void) {
  struct buddy b;
  struct buddy_pagesrc src = { core_get, core_put, 0 };
  buddy_init(&b, arena, ARENA_PAGES, meta2, &src, core_report, 0);

  char *p = buddy_alloc(&b, 0, 10, 0);
  CHECK(p != 0, "alloc failed");
  CHECK(b.splits == 8, "16 bytes from an empty core: %u splits, expected 8", b.splits);
  CHECK(b.pages == 1 && b.metapages == 1, "pages %u meta %u", b.pages, b.metapages);
  for (int k = 0; k < BUDDY_TOP; k++)
    CHECK(b.nfree[k] == 1, "order %d has %u free blocks, expected 1", k, b.nfree[k]);
  struct buddy_loc loc;
  CHECK(buddy_locate(&b, p, &loc) == BUDDY_OK && loc.order == 0, "locate");
  CHECK(buddy_requested(&loc) == 10, "requested %u", buddy_requested(&loc));
  CHECK(buddy_free(&b, p) == 0, "free");
  CHECK(b.merges == 8, "%u merges, expected 8", b.merges);
  CHECK(b.pages == 0 && b.metapages == 0 && outstanding == 0,
        "page not returned at once: pages %u meta %u out %u", b.pages, b.metapages, outstanding);

  // Four 1024-byte quarters of one page, freed 0, 2, 1, 3: the pairs (0,1)
  // and (2,3) merge, then the two halves, and the page goes back.
  char *q[4];
  for (int i = 0; i < 4; i++)
    q[i] = buddy_alloc(&b, 6, 1000, 0);
  CHECK(outstanding == 2, "four quarters: %u pages out, expected page + record page",
        outstanding);
  char *base = q[0] < q[3] ? q[0] : q[3];
  for (int i = 0; i < 4; i++)
    CHECK((uintptr_t)q[i] / PG == (uintptr_t)base / PG, "quarter %d in another page", i);
  uint m0 = b.merges;
  // Sort by address so that q[i] is quarter i.
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      if (q[j] < q[i]) {
        char *t = q[i];
        q[i] = q[j];
        q[j] = t;
      }
  buddy_free(&b, q[0]);
  buddy_free(&b, q[2]);
  CHECK(b.merges == m0, "merged with a live buddy");
  CHECK(b.nfree[6] == 2, "%u free quarters", b.nfree[6]);
  buddy_free(&b, q[1]);
  CHECK(b.merges == m0 + 1 && b.nfree[7] == 1 && b.nfree[6] == 1,
        "after freeing 0,2,1: merges %u, free 2048s %u, free 1024s %u", b.merges - m0,
        b.nfree[7], b.nfree[6]);
  buddy_free(&b, q[3]);
  CHECK(b.merges == m0 + 3, "%u merges, expected 3", b.merges - m0);
  CHECK(outstanding == 0 && b.nfree[6] == 0 && b.nfree[7] == 0, "page not returned");

  // The lowest-order free block is preferred: a 2048 half stays whole
  // while smaller requests split the other half.
  char *h = buddy_alloc(&b, 7, 2048, 0);
  char *s1 = buddy_alloc(&b, 0, 16, 0);
  CHECK(((uintptr_t)h ^ (uintptr_t)s1) >= 2048, "16 bytes taken from inside a live half");
  char *s2 = buddy_alloc(&b, 0, 16, 0);
  CHECK(((uintptr_t)s1 ^ (uintptr_t)s2) == 16, "second 16 not the buddy of the first");
  buddy_free(&b, s1);
  buddy_free(&b, h);
  buddy_free(&b, s2);
  CHECK(outstanding == 0, "%u pages out", outstanding);
  CHECK(nreports == 0, "unexpected report: %s", rep_why);
}

// Randomised operations on several simulated CPUs, checked against the model.
static void random_run(uint seed, uint ops, uint maxsize, uint smallbias) {
  rng_state = seed;
  uint target = 300 + rnd() % 1500;
  for (uint i = 0; i < ops && !failed; i++) {
    km_host_cpu = rnd() % KM_NCPU;
    uint r = rnd();
    // Drift the live count around `target`, now and then changing target.
    if (i % 5000 == 4999)
      target = 50 + rnd() % 3000;
    int alloc = nlive == 0 || (nlive < target ? r % 100 < 65 : r % 100 < 35);
    if (alloc && nlive < maxlive) {
      uint n;
      uint s = rnd();
      if (s % 100 < smallbias)
        n = 1 + rnd() % 256;
      else if (s % 100 < 95)
        n = 1 + rnd() % maxsize;
      else
        n = 16u << (rnd() % 9);          // exact powers of two
      if (n > 4096)
        n = 4096;
      model_add(kmalloc(n), n);
    } else if (nlive) {
      model_free(rnd() % nlive);
    }
    if (i % 997 == 0)
      check_stats("random run");
    if (i % 4999 == 0) {
      // Drain in the middle: every page a drain can return must be
      // returned, and nothing live may move.
      struct kmstat st;
      kmalloc_stat(&st);
      uint pages = st.pages;
      kmalloc_drain();
      struct kmstat st2;
      kmalloc_stat(&st2);
      if (pages - st2.pages != st.cachedpages)
        fail("drain returned %u pages, stats predicted %u", pages - st2.pages,
             st.cachedpages);
      if (st2.cachedpages)
        fail("after a drain, %u pages still have no live block", st2.cachedpages);
      for (int k = 0; k < KM_NORDER; k++)
        if (st2.order[k].cached)
          fail("after a drain, order %d still has %u cached", k, st2.order[k].cached);
      for (uint j = 0; j < nlive && !failed; j++)
        model_check(&lv[j]);
    }
  }
  check_stats("random run end");
  for (uint j = 0; j < nlive && !failed; j++)
    model_check(&lv[j]);
  model_free_all_random();
  check_stats("random run freed");
  check_all_returned("random run");
}

static void t_random_uniform(void) { random_run(1, 200000, 4096, 0); }
static void t_random_small(void)   { random_run(2, 200000, 256, 50); }
static void t_random_mixed(void)   { random_run(3, 200000, 1024, 80); }
static void t_random_seeds(void) {
  for (uint s = 10; s < 16 && !failed; s++)
    random_run(s * 7919, 15000, 4096, 60);
}

static void t_double_free(void) {
  // Freed into this CPU's cache, then freed again.
  void *keep = kmalloc(100);
  void *p = kmalloc(100);
  kmfree(p);
  kmfree(p);
  expect_report("double free (cached)", p, "double free");
  // Again on another CPU: the block is in CPU 0's cache.
  km_host_cpu = 2;
  kmfree(p);
  expect_report("double free from another CPU", p, "double free");
  km_host_cpu = 0;
  // Drained into the buddy lists (keep holds the page), then freed again.
  kmalloc_drain();
  kmfree(p);
  // p's block has merged with its free buddy, so p is the start of, or
  // lies inside, a bigger free block.
  expect_report("double free (on a free list)", p, "free block");
  // A whole page: cached, then given back to the page source.
  void *w = kmalloc(4096);
  kmfree(w);
  kmfree(w);
  expect_report("double free of a page (cached)", w, "double free");
  kmalloc_drain();
  kmfree(w);
  expect_report("double free of a returned page", w, "not in a page kmalloc holds");
  // The failed frees changed nothing.
  model_add(kmalloc(100), 100);
  kmfree(keep);
  model_free_all_random();
  check_all_returned("double free");
}

static void t_invalid_free(void) {
  uchar *p = kmalloc(64);              // fresh page: 64 live at unit 0
  int local;
  kmfree(p + 1);
  expect_report("misaligned", p + 1, "aligned");
  kmfree(p + 16);
  expect_report("inside a live block", p + 16, "inside a live block");
  kmfree(&local);
  expect_report("stack address", &local, "not an address kmalloc manages");
  char *unheld = arena + 3 * PG;       // bottom of the arena: never handed out
  kmfree(unheld);
  expect_report("page never allocated", unheld, "not in a page kmalloc holds");
  kmfree(p + 64);                      // start of the free 64-byte buddy
  expect_report("free block", p + 64, "already free");
  kmfree(p + 64 + 16);
  expect_report("inside a free block", p + 64 + 16, "inside a free block");
  // The record page of p's page.
  uint w = meta[(p - (uchar *)arena) / PG];
  char *rec = arena + (w & ~0xffu);
  char *pool = (char *)((uintptr_t)rec & ~(uintptr_t)(PG - 1));
  kmfree(pool + 256);
  expect_report("record page", pool + 256, "bookkeeping");
  CHECK(kmsize(p + 32) == 0, "kmsize of an inner pointer");
  expect_report("kmsize inside", p + 32, "inside a live block");
  void *w4 = kmalloc(4096);
  kmfree((char *)w4 + 2048);
  expect_report("inside a whole page", (char *)w4 + 2048, "inside a live block");
  kmfree(w4);
  kmfree(p);
  kmfree(0);                           // allowed, does nothing
  CHECK(nreports == 0, "kmfree(0) reported");
  check_all_returned("invalid free");
}

static void t_stats_exact(void) {
  void *b[10];
  for (int i = 0; i < 10; i++)
    b[i] = kmalloc(100);
  struct kmstat st;
  kmalloc_stat(&st);
  CHECK(st.order[3].live == 10 && st.order[3].requested == 1000,
        "10 x 100 bytes: live %u requested %u", st.order[3].live, st.order[3].requested);
  for (int i = 0; i < 3; i++)
    kmfree(b[i]);
  kmalloc_stat(&st);
  CHECK(st.order[3].live == 7 && st.order[3].requested == 700 && st.order[3].cached >= 3,
        "after 3 frees: live %u requested %u cached %u", st.order[3].live,
        st.order[3].requested, st.order[3].cached);
  CHECK(st.allocs == 10 && st.frees == 3, "allocs %u frees %u", st.allocs, st.frees);
  // Waste of a power of two is zero; of 100 in 128 it is 28 per block.
  void *e = kmalloc(128);
  kmalloc_stat(&st);
  CHECK(st.order[3].requested == 828, "requested %u after kmalloc(128)", st.order[3].requested);
  kmfree(e);
  for (int i = 3; i < 10; i++)
    kmfree(b[i]);
  kmalloc_stat(&st);
  CHECK(st.order[3].live == 0 && st.order[3].requested == 0, "live %u requested %u",
        st.order[3].live, st.order[3].requested);
  CHECK(st.cachedpages == st.pages, "all blocks cached: %u drainable of %u pages",
        st.cachedpages, st.pages);
  CHECK(kmalloc_freepages() == (int)ARENA_PAGES, "freepages %d after drain",
        kmalloc_freepages());
  check_all_returned("stats");
}

// A hot alloc/free loop must be served by the cache: the core is untouched.
static void t_cache_hot(void) {
  void *p = kmalloc(2000);
  kmfree(p);
  struct kmstat a, b2;
  kmalloc_stat(&a);
  for (int i = 0; i < 500; i++) {
    void *q = kmalloc(2000);
    CHECK(q != 0, "round %d failed", i);
    kmfree(q);
  }
  kmalloc_stat(&b2);
  CHECK(b2.splits == a.splits && b2.merges == a.merges && b2.pages == a.pages,
        "hot loop reached the core: splits %u->%u", a.splits, b2.splits);
  CHECK(b2.cachehits - a.cachehits == 500, "%u cache hits of 500", b2.cachehits - a.cachehits);
  // The cache is bounded: freeing many blocks of one size parks at most 16.
  void *many[100];
  for (int i = 0; i < 100; i++)
    many[i] = kmalloc(32);
  for (int i = 0; i < 100; i++)
    kmfree(many[i]);
  kmalloc_stat(&b2);
  CHECK(b2.order[1].cached <= 16, "%u blocks of 32 parked", b2.order[1].cached);
  check_all_returned("cache");
}

static void t_exhaustion(void) {
  page_limit = 10;
  void *w[12];
  int got = 0;
  for (int i = 0; i < 12; i++)
    if ((w[i] = kmalloc(4096)) != 0)
      got++;
  CHECK(got == 10, "%d of 12 pages with a limit of 10", got);
  CHECK(kmalloc(16) == 0, "16 bytes with no page left");
  struct kmstat st;
  kmalloc_stat(&st);
  CHECK(st.failures == 3, "failures = %u, expected 3", st.failures);
  // Two freed pages sit in CPU 0's cache; CPU 1 must still get them (a
  // failing refill drains all caches before giving up).
  kmfree(w[0]);
  kmfree(w[1]);
  km_host_cpu = 1;
  w[0] = kmalloc(4096);
  w[1] = kmalloc(4096);
  CHECK(w[0] && w[1], "memory parked in another CPU's cache was not reclaimed");
  km_host_cpu = 0;
  for (int i = 0; i < 10; i++)
    kmfree(w[i]);
  // One page left and no record page yet: the record page is taken, the
  // data page is not, and the record page must go back.
  kmalloc_drain();
  page_limit = outstanding + 1;
  CHECK(kmalloc(16) == 0, "kmalloc(16) needs two pages but got one");
  CHECK(outstanding == page_limit - 1, "a failed kmalloc kept a page");
  page_limit = 0;
  // A failing refill drains the caches and retries; when the drain frees
  // no page, the call still fails once and counts as one failure.
  kmalloc_drain();
  void *a = kmalloc(16), *b = kmalloc(16);
  page_limit = outstanding;
  kmfree(a);                           // parked in CPU 0's cache
  kmalloc_stat(&st);
  uint f0 = st.failures;
  km_host_cpu = 1;
  CHECK(kmalloc(4096) == 0, "a page appeared from nowhere");
  km_host_cpu = 0;
  kmalloc_stat(&st);
  CHECK(st.failures == f0 + 1, "one failed kmalloc counted %u times", st.failures - f0);
  CHECK(st.order[0].cached == 0, "the failing refill did not drain the caches");
  page_limit = 0;
  kmfree(b);
  check_all_returned("exhaustion");
}

static void t_fault_injection(void) {
  fail_one_in = 7;
  rng_state = 99;
  uint got = 0, refused = 0;
  for (uint i = 0; i < 40000 && !failed; i++) {
    km_host_cpu = rnd() % KM_NCPU;
    if (nlive == 0 || (nlive < 800 && rnd() % 2)) {
      uint n = 1 + rnd() % 4096;
      void *p = kmalloc(n);
      if (p) {
        model_add(p, n);
        got++;
      } else {
        refused++;
      }
    } else {
      model_free(rnd() % nlive);
    }
    if (i % 1000 == 0)
      check_stats("fault injection");
  }
  CHECK(refused > 0, "no allocation failed");
  fail_one_in = 0;
  model_free_all_random();
  check_all_returned("fault injection");
}

static void t_kzalloc(void) {
  uchar *p = kmalloc(300);
  memset(p, 0xee, 512);
  kmfree(p);
  uchar *z = kzalloc(300);
  CHECK(z == p, "expected the cached block back");
  for (int i = 0; i < 512; i++)
    if (z[i]) {
      fail("kzalloc(300) byte %d = %#x", i, z[i]);
      break;
    }
  kmfree(z);
  check_all_returned("kzalloc");
}

// Many processes' worth of blocks of the same size fill pages densely:
// after a ramp and random frees of half, refilling reuses the holes.
static void t_reuse_holes(void) {
  rng_state = 5;
  for (int i = 0; i < 4000; i++)
    model_add(kmalloc(48), 48);
  uint peak = outstanding;
  for (int i = 0; i < 2000; i++)
    model_free(rnd() % nlive);
  for (int i = 0; i < 2000; i++)
    model_add(kmalloc(48), 48);
  CHECK(outstanding <= peak, "refilling holes took new pages: %u > %u", outstanding, peak);
  model_free_all_random();
  check_all_returned("holes");
}

#ifdef KMDEBUG
// Debug builds poison freed blocks and check the poison when they are
// handed out again.
static void t_kmdebug_write_after_free(void) {
  uchar *p = kmalloc(200);
  kmfree(p);
  p[100] = 0;                          // a stale pointer writes into the freed block
  void *q = kmalloc(200);              // the same block, from the cache
  CHECK(q == p, "expected the cached block back");
  expect_report("write after free", q, "written after it was freed");
  kmfree(q);
  check_all_returned("kmdebug");
}
#endif

int main(void) {
  arena = aligned_alloc(PG, (size_t)ARENA_PAGES * PG);
  meta = calloc(ARENA_PAGES, sizeof(uint));
  meta2 = calloc(ARENA_PAGES, sizeof(uint));
  freestack = calloc(ARENA_PAGES, sizeof(char *));
  pgstate = calloc(ARENA_PAGES, 1);
  owner = calloc((size_t)ARENA_PAGES * (PG / 16), sizeof(uint));
  maxlive = 20000;
  lv = calloc(maxlive, sizeof(*lv));
  if (!arena || !meta || !meta2 || !freestack || !pgstate || !owner || !lv) {
    printf("FAIL " SUITE ": setup: out of memory\n");
    return 1;
  }

  run("order of every size", t_order);
  run("every size 1..4096", t_every_size);
  run("zero waste for exact sizes", t_zero_waste);
  run("core split and merge counts", t_core_split_merge);
  run("random uniform 1..4096", t_random_uniform);
  run("random small objects", t_random_small);
  run("random mixed sizes", t_random_mixed);
  run("random more seeds", t_random_seeds);
  run("double free detected", t_double_free);
  run("invalid free detected", t_invalid_free);
  run("statistics exact", t_stats_exact);
  run("per-CPU cache hot path", t_cache_hot);
  run("memory exhaustion", t_exhaustion);
  run("page source failures", t_fault_injection);
  run("kzalloc zeroes the block", t_kzalloc);
  run("holes are reused", t_reuse_holes);
#ifdef KMDEBUG
  run("KMDEBUG catches a write after free", t_kmdebug_write_after_free);
#endif

  UNPOISON(arena, (size_t)ARENA_PAGES * PG);
  free(arena);
  free(meta);
  free(meta2);
  free(freestack);
  free(pgstate);
  free(owner);
  free(lv);
  return failures ? 1 : 0;
}
