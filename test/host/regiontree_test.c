// Host tests for the kernel's region set (src/kernel/mm/regiontree.h),
// built from the kernel's own source once per implementation (see
// test/host/Makefile.regiontree): regiontree.c (the red-black tree the
// kernel runs) and regionlist.c (the benchmark's list baseline, -DRT_LIST).
//
// Randomized operations (insert at a placement the set chose, remove,
// grow/shrink, split, merge) are applied both to the set and to a simple
// reference model (a sorted array); after every one the set must pass its
// own check (red-black rules, gap and max_gap for the tree; links and gap
// for the list) and agree with the model on the in-order ranges and on
// every query (find, first ending after, overlaps, lowest fit).
//
// Prints "PASS <suite>: <name>" or "FAIL <suite>: <name>: <why>"; exits
// non-zero if any test failed. Nodes are malloc'ed one by one and freed
// as soon as they leave the set, so ASan reports any later touch.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "mm/regiontree.h"

#ifdef RT_LIST
#define SUITE "regionlist"
#else
#define SUITE "regiontree"
#endif

static char why[512];
static int failures;

static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return 1;
}

static void run(const char *name, int (*fn)(uint), uint arg) {
  why[0] = 0;
  if (fn(arg) == 0) {
    printf("PASS " SUITE ": %s\n", name);
  } else {
    printf("FAIL " SUITE ": %s: %s\n", name, why);
    failures++;
  }
  fflush(stdout);
}

static uint rng_state;
static uint rng(void) {
  uint x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}
static uint below(uint n) { return rng() % n; }

// A record embedding the node somewhere other than at offset 0, as the
// kernel's struct region does not either.
struct rec {
  uint tag;
  struct rt_node rt;
};
#define REC(n) rt_entry(n, struct rec, rt)

static struct rec *new_rec(void) {
  struct rec *r = calloc(1, sizeof *r);
  if (r == NULL) {
    perror("calloc");
    exit(2);
  }
  return r;
}

// ---- the reference model: sorted disjoint [s, e) in arrays ------------------

#define MAXN 512
#define LIMIT 6000u     // addresses used: small, so ranges collide often

struct model {
  uint n;
  uint s[MAXN], e[MAXN];
  struct rec *rec[MAXN];
};

static void m_insert(struct model *m, uint pos, uint s, uint e, struct rec *r) {
  memmove(&m->s[pos + 1], &m->s[pos], (m->n - pos) * sizeof(uint));
  memmove(&m->e[pos + 1], &m->e[pos], (m->n - pos) * sizeof(uint));
  memmove(&m->rec[pos + 1], &m->rec[pos], (m->n - pos) * sizeof(struct rec *));
  m->s[pos] = s;
  m->e[pos] = e;
  m->rec[pos] = r;
  m->n++;
}

static void m_remove(struct model *m, uint pos) {
  m->n--;
  memmove(&m->s[pos], &m->s[pos + 1], (m->n - pos) * sizeof(uint));
  memmove(&m->e[pos], &m->e[pos + 1], (m->n - pos) * sizeof(uint));
  memmove(&m->rec[pos], &m->rec[pos + 1], (m->n - pos) * sizeof(struct rec *));
}

static uint m_pos(const struct model *m, uint s) {   // first index with start >= s
  uint i = 0;
  while (i < m->n && m->s[i] < s)
    i++;
  return i;
}

static int m_find(const struct model *m, uint va) {
  for (uint i = 0; i < m->n; i++)
    if (m->s[i] <= va && va < m->e[i])
      return (int)i;
  return -1;
}

static int m_first_ending_after(const struct model *m, uint va) {
  for (uint i = 0; i < m->n; i++)
    if (m->e[i] > va)
      return (int)i;
  return -1;
}

static int m_free(const struct model *m, uint a, uint b) {
  for (uint i = 0; i < m->n; i++)
    if (m->s[i] < b && a < m->e[i])
      return 0;
  return 1;
}

// Lowest fit the plain way: the answer is low itself or the end of some
// range above low, so try those in order.
static int m_lowest_fit(const struct model *m, uint len, uint low, uint high, uint *out) {
  for (uint i = 0; i <= m->n; i++) {
    uint a = i == 0 ? low : m->e[i - 1];
    if (a < low)
      continue;
    if (a < high && high - a >= len && m_free(m, a, a + len)) {
      *out = a;
      return 1;
    }
  }
  return 0;
}

// ---- comparing the set with the model ----------------------------------------

static int agree(struct rtree *t, struct model *m, const char *after, uint step) {
  int rc = rt_check(t);
  if (rc != RT_OK)
    return fail("after %s (step %u): rt_check = %d", after, step, rc);
  if (t->count != (int)m->n)
    return fail("after %s (step %u): count %d, model %u", after, step, t->count, m->n);
  uint i = 0, prev_end = 0;
  struct rt_node *prev = NULL;
  for (struct rt_node *n = rt_first(t); n; prev = n, n = rt_next(n), i++) {
    if (i >= m->n || n->start != m->s[i] || n->end != m->e[i] || REC(n) != m->rec[i])
      return fail("after %s (step %u): node %u is [%u,%u), model [%u,%u)", after, step, i,
                  n->start, n->end, i < m->n ? m->s[i] : 0, i < m->n ? m->e[i] : 0);
    if (n->gap != n->start - prev_end)
      return fail("after %s (step %u): node %u gap %u, want %u", after, step, i, n->gap,
                  n->start - prev_end);
    if (rt_prev(n) != prev)
      return fail("after %s (step %u): rt_prev of node %u wrong", after, step, i);
    prev_end = n->end;
  }
  if (rt_last(t) != prev)
    return fail("after %s (step %u): rt_last wrong", after, step);
  if (i != m->n)
    return fail("after %s (step %u): walk saw %u nodes, model %u", after, step, i, m->n);
  return 0;
}

static int queries(struct rtree *t, struct model *m, uint step) {
  for (int q = 0; q < 8; q++) {
    uint va = below(LIMIT + 50);
    struct rt_node *n = rt_find(t, va);
    int k = m_find(m, va);
    if ((k < 0) != (n == NULL) || (n && REC(n) != m->rec[k]))
      return fail("step %u: rt_find(%u) disagrees with the model", step, va);
    n = rt_first_ending_after(t, va);
    k = m_first_ending_after(m, va);
    if ((k < 0) != (n == NULL) || (n && REC(n) != m->rec[k]))
      return fail("step %u: rt_first_ending_after(%u) disagrees", step, va);
    uint len = 1 + below(60);
    if (rt_overlaps(t, va, va + len) != !m_free(m, va, va + len))
      return fail("step %u: rt_overlaps(%u, %u) disagrees", step, va, va + len);
    uint low = below(LIMIT), high = low + below(LIMIT - low + 1), a = 0, b = 0;
    if (below(4) == 0)
      len = 1 + below(400);
    int got = rt_lowest_fit(t, len, low, high, &a);
    int want = m_lowest_fit(m, len, low, high, &b);
    if (got != want || (got && a != b))
      return fail("step %u: lowest fit len %u in [%u,%u): set %d@%u, model %d@%u", step, len,
                  low, high, got, a, want, b);
  }
  return 0;
}

// ---- the randomized test -----------------------------------------------------

enum op { OP_PLACE, OP_FIXED, OP_REMOVE, OP_RESIZE, OP_SPLIT, OP_MERGE, NOPS };
static const char *op_names[NOPS] = {"place", "fixed insert", "remove", "resize", "split", "merge"};

static void do_op(struct rtree *t, struct model *m, enum op op) {
  switch (op) {
  case OP_PLACE: {           // insert where the set's placement says
    uint len = 1 + below(80), low = below(LIMIT / 2), a;
    if (m->n >= MAXN || !rt_lowest_fit(t, len, low, LIMIT, &a))
      return;
    struct rec *r = new_rec();
    r->rt.start = a;
    r->rt.end = a + len;
    rt_insert(t, &r->rt);
    m_insert(m, m_pos(m, a), a, a + len, r);
    return;
  }
  case OP_FIXED: {           // insert at a random free place
    uint a = below(LIMIT), len = 1 + below(40);
    if (m->n >= MAXN || !m_free(m, a, a + len))
      return;
    struct rec *r = new_rec();
    r->rt.start = a;
    r->rt.end = a + len;
    rt_insert(t, &r->rt);
    m_insert(m, m_pos(m, a), a, a + len, r);
    return;
  }
  case OP_REMOVE: {
    if (m->n == 0)
      return;
    uint i = below(m->n);
    struct rec *r = m->rec[i];
    rt_remove(t, &r->rt);
    m_remove(m, i);
    free(r);
    return;
  }
  case OP_RESIZE: {          // move either end, staying between the neighbours
    if (m->n == 0)
      return;
    uint i = below(m->n);
    uint lo = i ? m->e[i - 1] : 0, hi = i + 1 < m->n ? m->s[i + 1] : LIMIT + 100;
    uint s = lo + below(m->e[i] - lo);     // below the old end: s < hi
    uint e = s + 1 + below(hi - s);
    rt_set_range(t, &m->rec[i]->rt, s, e);
    m->s[i] = s;
    m->e[i] = e;
    return;
  }
  case OP_SPLIT: {
    if (m->n == 0 || m->n >= MAXN)
      return;
    uint i = below(m->n);
    if (m->e[i] - m->s[i] < 2)
      return;
    uint at = m->s[i] + 1 + below(m->e[i] - m->s[i] - 1);
    struct rec *tail = new_rec();
    rt_split(t, &m->rec[i]->rt, at, &tail->rt);
    m_insert(m, i + 1, at, m->e[i], tail);
    m->e[i] = at;
    return;
  }
  case OP_MERGE: {           // the first touching pair from a random place
    if (m->n < 2)
      return;
    uint from = below(m->n - 1);
    for (uint k = 0; k + 1 < m->n; k++) {
      uint i = (from + k) % (m->n - 1);
      if (m->e[i] == m->s[i + 1]) {
        struct rec *b = m->rec[i + 1];
        rt_merge(t, &m->rec[i]->rt, &b->rt);
        m->e[i] = m->e[i + 1];
        m_remove(m, i + 1);
        free(b);
        return;
      }
    }
    return;
  }
  case NOPS:
    return;
  }
}

static void free_all(struct rtree *t) {
  struct rt_node *n;
  while ((n = rt_first(t)) != NULL) {
    rt_remove(t, n);
    free(REC(n));
  }
}

static int t_random(uint seed) {
  static struct model m;
  struct rtree t;
  rt_init(&t);
  memset(&m, 0, sizeof m);
  rng_state = seed * 2654435761u + 1;
  int rc = 0;
  for (uint step = 0; step < 6000 && rc == 0; step++) {
    // Mostly growing at first, then churning around a few hundred nodes.
    uint pick = below(100);
    enum op op = pick < 30 ? OP_PLACE : pick < 45 ? OP_FIXED : pick < 65 ? OP_REMOVE :
                 pick < 78 ? OP_RESIZE : pick < 90 ? OP_SPLIT : OP_MERGE;
    do_op(&t, &m, op);
    rc = agree(&t, &m, op_names[op], step);
    if (rc == 0 && step % 4 == 0)
      rc = queries(&t, &m, step);
  }
  free_all(&t);
  if (rc == 0 && (t.count != 0 || rt_first(&t) != NULL))
    rc = fail("set not empty after removing everything");
  return rc;
}

// Sequential placement, the kernel's common case: every mmap without a
// hint lands right after the previous one, and holes are reused lowest
// first.
static int t_placement(uint unused) {
  (void)unused;
  struct rtree t;
  struct rec *r[64];
  rt_init(&t);
  int rc = 0;
  uint a;
  for (uint i = 0; i < 64 && rc == 0; i++) {
    if (!rt_lowest_fit(&t, 10, 100, 1000, &a) || a != 100 + 10 * i) {
      rc = fail("placement %u at %u, want %u", i, a, 100 + 10 * i);
      break;
    }
    r[i] = new_rec();
    r[i]->rt.start = a;
    r[i]->rt.end = a + 10;
    rt_insert(&t, &r[i]->rt);
  }
  if (rc == 0 && rt_lowest_fit(&t, 361, 100, 1100, &a))   // 740..1100 holds 360 only
    rc = fail("a range that does not fit was placed at %u", a);
  if (rc == 0) {
    rt_remove(&t, &r[40]->rt);                   // [500, 510) frees up
    free(r[40]);
    rt_remove(&t, &r[7]->rt);                    // [170, 180) too
    free(r[7]);
  }
  if (rc == 0 && (!rt_lowest_fit(&t, 10, 100, 1000, &a) || a != 170))
    rc = fail("hole reuse at %u, want 170", a);
  if (rc == 0 && (!rt_lowest_fit(&t, 10, 171, 1000, &a) || a != 500))
    rc = fail("hole above low at %u, want 500", a);
  if (rc == 0 && (!rt_lowest_fit(&t, 11, 100, 1000, &a) || a != 740))
    rc = fail("too-small holes skipped: at %u, want 740", a);
  if (rc == 0 && rt_check(&t) != RT_OK)
    rc = fail("rt_check = %d", rt_check(&t));
  free_all(&t);   // also on failure, so ASan's leak report stays quiet
  return rc;
}

// The checker itself catches a broken gap, a broken order and (tree only:
// the list keeps no max_gap) a broken max_gap, so the tests above mean
// something.
static int t_checker(uint unused) {
  (void)unused;
  struct rtree t;
  struct rec *r[8];
  rt_init(&t);
  for (uint i = 0; i < 8; i++) {
    r[i] = new_rec();
    r[i]->rt.start = 10 * i + 5;
    r[i]->rt.end = 10 * i + 8;
    rt_insert(&t, &r[i]->rt);
  }
  int rc = 0;
  r[3]->rt.gap++;
  if (rt_check(&t) != RT_ERR_GAP)
    rc = fail("a wrong gap gives %d", rt_check(&t));
  r[3]->rt.gap--;
  r[5]->rt.end = r[6]->rt.start + 1;
  if (rc == 0 && rt_check(&t) != RT_ERR_ORDER)
    rc = fail("overlapping ranges give %d", rt_check(&t));
  r[5]->rt.end = 58;
  struct rt_node *top = rt_first(&t);
  while (rt_next(top) && top->max_gap <= 5)   // any node; the tree's root is fine too
    top = rt_next(top);
  uint saved = top->max_gap;
  top->max_gap += 100;
#ifdef RT_LIST
  int want = RT_OK;
#else
  int want = RT_ERR_MAX_GAP;
#endif
  if (rc == 0 && rt_check(&t) != want)
    rc = fail("a wrong max_gap gives %d, want %d", rt_check(&t), want);
  top->max_gap = saved;
  t.count++;
  if (rc == 0 && rt_check(&t) != RT_ERR_COUNT)
    rc = fail("a wrong count gives %d", rt_check(&t));
  t.count--;
  if (rc == 0 && rt_check(&t) != RT_OK)
    rc = fail("restored set gives %d", rt_check(&t));
  free_all(&t);
  return rc;
}

int main(void) {
  char name[64];
  run("placement: sequential, holes lowest first", t_placement, 0);
  run("checker detects each broken rule", t_checker, 0);
  static const uint seeds[] = {1, 2, 3, 17, 4242};
  for (uint i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
    snprintf(name, sizeof name, "random ops against the model, seed %u", seeds[i]);
    run(name, t_random, seeds[i]);
  }
  if (failures != 0) {
    printf(SUITE ": %d test(s) failed\n", failures);
    return 1;
  }
  return 0;
}
