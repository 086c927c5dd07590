// Host tests for src/kernel/lib/rbtree.c.
//
// Build (from the repository root), see test/host/Makefile.rbtree:
//   cc -fsanitize=address,undefined -g -O1 -Isrc/include -Isrc/kernel
//      test/host/rbtree_test.c src/kernel/lib/rbtree.c -o build/host/rbtree_test
//
// Every test prints "PASS rbtree: <name>" or "FAIL rbtree: <name>: <why>";
// the exit status is non-zero if any test failed.
//
// Nodes are malloc'ed one by one and freed right after rb_erase, so ASan
// reports it if the library ever touches a node it no longer owns.

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "lib/rbtree.h"

// ---------------------------------------------------------------- harness

static char why[512];
static int failures;

// Record the reason for a failure; always returns 1 so tests can write
// "return fail(...)".
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
    printf("PASS rbtree: %s\n", name);
  } else {
    printf("FAIL rbtree: %s: %s\n", name, why);
    failures++;
  }
  fflush(stdout);
}

// xorshift32: tiny, deterministic per seed, good enough for shuffling ops.
static uint rng_state;
static void rng_seed(uint s) { rng_state = s ? s : 0x9e3779b9u; }
static uint rng(void) {
  uint x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}
static uint rng_below(uint n) { return rng() % n; }

// ---------------------------------------------------------------- plain keyed tree

struct item {
  uint key;
  struct rb_node rb;
};

#define ITEM(n) rb_entry(n, struct item, rb)

static int item_cmp(struct rb_node *a, struct rb_node *b) {
  uint x = ITEM(a)->key, y = ITEM(b)->key;
  return x < y ? -1 : x > y;
}

static struct item *item_find(struct rb_root *root, uint key) {
  struct rb_node *n = root->node;
  while (n != NULL) {
    struct item *it = ITEM(n);
    if (key < it->key)
      n = n->left;
    else if (key > it->key)
      n = n->right;
    else
      return it;
  }
  return NULL;
}

// Caller-side insert as the header describes. Returns NULL (and allocates
// nothing) if the key is already present.
static struct item *item_insert(struct rb_root *root, uint key,
                                const struct rb_augment *aug) {
  struct rb_node **link = &root->node, *parent = NULL;
  while (*link != NULL) {
    parent = *link;
    uint k = ITEM(parent)->key;
    if (key == k)
      return NULL;
    link = key < k ? &parent->left : &parent->right;
  }
  struct item *it = malloc(sizeof *it);
  if (it == NULL) {
    perror("malloc");
    exit(2);
  }
  it->key = key;
  rb_link_node(&it->rb, parent, link);
  rb_insert_fixup(root, &it->rb, aug);
  return it;
}

static void item_free_all(struct rb_root *root) {
  while (root->node != NULL) {
    struct rb_node *n = root->node;
    rb_erase(root, n, NULL);
    free(ITEM(n));
  }
}

static int height(const struct rb_node *n) {
  if (n == NULL)
    return 0;
  int l = height(n->left), r = height(n->right);
  return 1 + (l > r ? l : r);
}

// Red-black trees guarantee height <= 2*log2(n+1), i.e. 2^(h/2) <= n+1.
static int height_ok(const struct rb_root *root, uint count) {
  int h = height(root->node);
  return (1ull << (h / 2)) <= (unsigned long long)count + 1;
}

// Reference model: a sorted array of distinct keys.
struct ref {
  uint *v;
  uint n;
};

static int ref_find(const struct ref *r, uint key, uint *pos) {
  uint lo = 0, hi = r->n;
  while (lo < hi) {
    uint mid = lo + (hi - lo) / 2;
    if (r->v[mid] < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  *pos = lo;
  return lo < r->n && r->v[lo] == key;
}

static void ref_insert(struct ref *r, uint pos, uint key) {
  memmove(&r->v[pos + 1], &r->v[pos], (r->n - pos) * sizeof r->v[0]);
  r->v[pos] = key;
  r->n++;
}

static void ref_remove(struct ref *r, uint pos) {
  memmove(&r->v[pos], &r->v[pos + 1], (r->n - pos - 1) * sizeof r->v[0]);
  r->n--;
}

// Walk the tree both ways and compare with the reference.
static int compare_traversal(struct rb_root *root, const struct ref *r) {
  uint i = 0;
  for (struct rb_node *n = rb_first(root); n != NULL; n = rb_next(n), i++) {
    if (i >= r->n)
      return fail("forward walk has more than %u nodes", r->n);
    if (ITEM(n)->key != r->v[i])
      return fail("forward walk: position %u is %u, expected %u", i,
                  ITEM(n)->key, r->v[i]);
  }
  if (i != r->n)
    return fail("forward walk found %u nodes, expected %u", i, r->n);

  i = r->n;
  for (struct rb_node *n = rb_last(root); n != NULL; n = rb_prev(n)) {
    if (i == 0)
      return fail("backward walk has more than %u nodes", r->n);
    i--;
    if (ITEM(n)->key != r->v[i])
      return fail("backward walk: position %u is %u, expected %u", i,
                  ITEM(n)->key, r->v[i]);
  }
  if (i != 0)
    return fail("backward walk stopped %u nodes early", i);
  return 0;
}

// rb_check with a tree's comparison; a violation is recorded with the
// operation and step it followed.
static int check_rb(struct rb_root *root,
                    int (*cmp)(struct rb_node *, struct rb_node *),
                    const char *after, uint step) {
  int rc = rb_check(root, cmp);
  if (rc != 0)
    return fail("rb_check returned %d after %s (step %u)", rc, after, step);
  return 0;
}

static int check_tree(struct rb_root *root, const char *after, uint step) {
  return check_rb(root, item_cmp, after, step);
}

// ---------------------------------------------------------------- tests: plain

static int t_empty(uint unused) {
  (void)unused;
  struct rb_root root = RB_ROOT_INIT;
  if (!rb_empty(&root))
    return fail("fresh tree not empty");
  if (rb_first(&root) != NULL || rb_last(&root) != NULL)
    return fail("first/last of empty tree not NULL");
  if (rb_check(&root, item_cmp) != 0)
    return fail("rb_check rejects empty tree");
  rb_augment_path(NULL, NULL);  // must be a harmless no-op

  struct item *a = item_insert(&root, 42, NULL);
  if (rb_empty(&root) || rb_first(&root) != &a->rb || rb_last(&root) != &a->rb)
    return fail("single node not first and last");
  if (rb_next(&a->rb) != NULL || rb_prev(&a->rb) != NULL)
    return fail("single node has neighbours");
  if (a->rb.red)
    return fail("single root is red");
  if (check_tree(&root, "single insert", 0))
    return 1;
  if (item_insert(&root, 42, NULL) != NULL)
    return fail("duplicate accepted");
  rb_erase(&root, &a->rb, NULL);
  free(a);
  if (!rb_empty(&root))
    return fail("tree not empty after erasing only node");
  return 0;
}

// Sorted input is the classic worst case for an unbalanced BST.
static int t_sequential(uint n) {
  struct rb_root root = RB_ROOT_INIT;
  struct ref r = {malloc(n * sizeof(uint)), 0};

  for (int pass = 0; pass < 4; pass++) {
    int up_in = pass & 1, up_out = pass >> 1;
    for (uint i = 0; i < n; i++) {
      uint k = up_in ? i : n - 1 - i;
      if (item_insert(&root, k, NULL) == NULL)
        return fail("insert %u rejected", k);
      if (check_tree(&root, "sequential insert", i))
        return 1;
    }
    for (uint i = 0; i < n; i++)
      r.v[i] = i;
    r.n = n;
    if (compare_traversal(&root, &r))
      return 1;
    if (!height_ok(&root, n))
      return fail("height %d too large for %u nodes", height(root.node), n);
    for (uint i = 0; i < n; i++) {
      uint k = up_out ? i : n - 1 - i;
      struct item *it = item_find(&root, k);
      if (it == NULL)
        return fail("key %u missing", k);
      rb_erase(&root, &it->rb, NULL);
      free(it);
      if (check_tree(&root, "sequential erase", i))
        return 1;
    }
    if (!rb_empty(&root))
      return fail("tree not empty after erasing everything");
  }
  free(r.v);
  return 0;
}

// Random inserts and deletes against the sorted-array model.
// arg: low 16 bits = seed, bit 16 set = large key range.
static int t_random(uint arg) {
  uint seed = arg & 0xffff;
  int large = (arg >> 16) & 1;
  uint range = large ? 100000u : 64u;
  uint ops = large ? 6000u : 4000u;
  struct rb_root root = RB_ROOT_INIT;
  struct ref r = {malloc((range + 1) * sizeof(uint)), 0};
  uint dup_rejected = 0, erased = 0, inserted = 0, miss = 0;

  rng_seed(seed * 2654435761u + 1);
  for (uint step = 0; step < ops; step++) {
    // Grow early, then hover around an equilibrium: 3/5 inserts while
    // growing, 1/2 afterwards. The small range saturates quickly, which
    // exercises deletes in full dense trees.
    uint roll = rng_below(10);
    int want_insert = step < ops / 2 ? roll < 6 : roll < 5;
    uint pos;

    if (want_insert) {
      uint k = rng_below(range);
      int present = ref_find(&r, k, &pos);
      struct item *it = item_insert(&root, k, NULL);
      if ((it == NULL) != present)
        return fail("insert %u: tree says %s, reference says %s", k,
                    it ? "new" : "duplicate", present ? "present" : "absent");
      if (it == NULL) {
        dup_rejected++;
      } else {
        ref_insert(&r, pos, k);
        inserted++;
      }
      if (check_tree(&root, "insert", step))
        return 1;
    } else {
      // Half of the deletes target a key known to exist, half a random key
      // (often absent in the large range).
      uint k = (r.n > 0 && rng_below(2)) ? r.v[rng_below(r.n)] : rng_below(range);
      int present = ref_find(&r, k, &pos);
      struct item *it = item_find(&root, k);
      if ((it != NULL) != present)
        return fail("lookup %u: tree and reference disagree", k);
      if (it == NULL) {
        miss++;
      } else {
        rb_erase(&root, &it->rb, NULL);
        free(it);
        ref_remove(&r, pos);
        erased++;
      }
      if (check_tree(&root, "erase", step))
        return 1;
    }
    if (compare_traversal(&root, &r))
      return 1;
    if (!height_ok(&root, r.n))
      return fail("height %d too large for %u nodes", height(root.node), r.n);
  }
  // Make sure the run actually exercised every path.
  if (inserted == 0 || erased == 0 || (!large && dup_rejected == 0))
    return fail("degenerate run: ins %u del %u dup %u miss %u", inserted,
                erased, dup_rejected, miss);
  item_free_all(&root);
  free(r.v);
  return 0;
}

// The checker itself must notice each kind of corruption.
static int t_checker(uint unused) {
  (void)unused;
  struct rb_root root = RB_ROOT_INIT;
  struct item *n1 = item_insert(&root, 1, NULL);
  struct item *n2 = item_insert(&root, 2, NULL);
  struct item *n3 = item_insert(&root, 3, NULL);
  int rc;

  // Expect: 2 black at the root, 1 and 3 red children.
  if (root.node != &n2->rb || n2->rb.red || !n1->rb.red || !n3->rb.red)
    return fail("unexpected shape after inserting 1,2,3");

#define EXPECT(code, what)                                                  \
  do {                                                                      \
    rc = rb_check(&root, item_cmp);                                         \
    if (rc != (code))                                                       \
      return fail("%s: rb_check returned %d, expected %d", what, rc, code); \
  } while (0)

  EXPECT(0, "valid tree");

  n2->rb.red = 1;
  EXPECT(RB_ERR_ROOT_RED, "red root");
  n2->rb.red = 0;

  n2->rb.parent = &n1->rb;
  EXPECT(RB_ERR_ROOT_PARENT, "root with parent");
  n2->rb.parent = NULL;

  n1->rb.red = 0;  // left path now has one more black than the right
  EXPECT(RB_ERR_BLACK_HEIGHT, "black height");
  n1->rb.red = 1;

  n3->rb.red = 7;
  EXPECT(RB_ERR_COLOR, "bad color value");
  n3->rb.red = 1;

  n3->rb.parent = &n1->rb;
  EXPECT(RB_ERR_PARENT, "wrong parent pointer");
  n3->rb.parent = &n2->rb;

  n1->key = 5;
  EXPECT(RB_ERR_ORDER, "keys out of order");
  n1->key = 2;  // equal keys also violate strict order
  EXPECT(RB_ERR_ORDER, "duplicate keys");
  n1->key = 1;
  if (rb_check(&root, NULL) != 0)
    return fail("rb_check with NULL cmp rejects valid tree");

  // Inserting 4 recolors: 1 and 3 black, 4 red under 3.
  struct item *n4 = item_insert(&root, 4, NULL);
  EXPECT(0, "valid tree of 4");
  if (n3->rb.right != &n4->rb || !n4->rb.red || n3->rb.red)
    return fail("unexpected shape after inserting 4");
  n3->rb.red = 1;
  EXPECT(RB_ERR_RED_RED, "red-red");
  n3->rb.red = 0;

  // A cycle created by a pointer bug must not hang the checker.
  n4->rb.left = &n2->rb;
  rc = rb_check(&root, item_cmp);
  if (rc == 0)
    return fail("cycle not detected");
  n4->rb.left = NULL;
  EXPECT(0, "restored tree");
#undef EXPECT

  item_free_all(&root);
  return 0;
}

// ---------------------------------------------------------------- augmented: subtree maximum

// Both augmented trees below cache in every node the maximum, over the
// node's subtree, of a value each node has (an interval's end; the free gap
// below a region). A struct subtree_max says how to read a node's value and
// where its cache is; the recompute work and the brute-force check of the
// caches are then the same for both trees.
struct subtree_max {
  uint (*value)(struct rb_node *n);
  uint *(*cache)(struct rb_node *n);
};

static uint recompute_calls;  // recompute callbacks since a test last reset it

// What a recompute callback does: n's cache from its own value and its
// children's caches.
static void subtree_max_recompute(const struct subtree_max *sm,
                                  struct rb_node *n) {
  uint m = sm->value(n);
  if (n->left != NULL && *sm->cache(n->left) > m)
    m = *sm->cache(n->left);
  if (n->right != NULL && *sm->cache(n->right) > m)
    m = *sm->cache(n->right);
  *sm->cache(n) = m;
  recompute_calls++;
}

// Brute-force subtree maximum; returns 0 for an empty subtree and sets
// *bad to the first node whose cache is wrong.
static uint subtree_max_brute(const struct subtree_max *sm, struct rb_node *n,
                              struct rb_node **bad) {
  if (n == NULL)
    return 0;
  uint m = sm->value(n);
  uint l = subtree_max_brute(sm, n->left, bad);
  uint r = subtree_max_brute(sm, n->right, bad);
  if (l > m)
    m = l;
  if (r > m)
    m = r;
  if (*sm->cache(n) != m && *bad == NULL)
    *bad = n;
  return m;
}

// ---------------------------------------------------------------- augmented: max end

// Intervals [start, end) keyed by start (distinct starts, overlaps allowed),
// each node caching the largest end in its subtree: the classic interval
// tree query "does anything overlap X?" needs exactly this value.
struct ival {
  uint start, end;
  uint max_end;
  struct rb_node rb;
};

#define IVAL(n) rb_entry(n, struct ival, rb)

static uint ival_end(struct rb_node *n) { return IVAL(n)->end; }
static uint *ival_max_end(struct rb_node *n) { return &IVAL(n)->max_end; }
static const struct subtree_max ival_max = {ival_end, ival_max_end};

static void ival_recompute(struct rb_node *n) {
  subtree_max_recompute(&ival_max, n);
}

static const struct rb_augment ival_aug = {ival_recompute};

static int ival_cmp(struct rb_node *a, struct rb_node *b) {
  uint x = IVAL(a)->start, y = IVAL(b)->start;
  return x < y ? -1 : x > y;
}

static uint ceil_log2(uint x) {
  uint l = 0;
  while ((1ull << l) < x)
    l++;
  return l;
}

// Each insert/erase may recompute one root path (<= height nodes) plus two
// nodes per rotation (<= 3 rotations). Height <= 2*log2(n+1).
static uint recompute_bound(uint count) {
  return 2 * ceil_log2(count + 2) + 1 + 6;
}

static int ival_verify(struct rb_root *root, const char *after, uint step,
                       uint count) {
  if (check_rb(root, ival_cmp, after, step))
    return 1;
  struct rb_node *bad = NULL;
  subtree_max_brute(&ival_max, root->node, &bad);
  if (bad != NULL)
    return fail("stale max_end %u at [%u,%u) after %s (step %u)",
                IVAL(bad)->max_end, IVAL(bad)->start, IVAL(bad)->end, after,
                step);
  if (recompute_calls > recompute_bound(count))
    return fail("%u recompute calls after %s with %u nodes (bound %u)",
                recompute_calls, after, count, recompute_bound(count));
  return 0;
}

static int t_aug_maxend(uint seed) {
  enum { RANGE = 4096, OPS = 5000 };
  struct rb_root root = RB_ROOT_INIT;
  struct ival **all = calloc(RANGE, sizeof *all);  // index = start
  uint count = 0;

  rng_seed(seed * 40503u + 7);
  for (uint step = 0; step < OPS; step++) {
    uint roll = rng_below(10);
    uint s = rng_below(RANGE);

    if (roll < 5) {
      // Insert [s, s+len) unless start s is taken.
      if (all[s] != NULL)
        continue;
      struct rb_node **link = &root.node, *parent = NULL;
      while (*link != NULL) {
        parent = *link;
        link = s < IVAL(parent)->start ? &parent->left : &parent->right;
      }
      struct ival *v = malloc(sizeof *v);
      v->start = s;
      v->end = s + 1 + rng_below(rng_below(4) == 0 ? 5000 : 50);
      v->max_end = v->end;  // own value; rb_insert_fixup refreshes anyway
      rb_link_node(&v->rb, parent, link);
      recompute_calls = 0;
      rb_insert_fixup(&root, &v->rb, &ival_aug);
      all[s] = v;
      count++;
      if (ival_verify(&root, "insert", step, count))
        return 1;
    } else if (roll < 9) {
      // Erase the interval starting at or after s, if any.
      uint k = s;
      while (k < RANGE && all[k] == NULL)
        k++;
      if (k == RANGE)
        continue;
      struct ival *v = all[k];
      recompute_calls = 0;
      rb_erase(&root, &v->rb, &ival_aug);
      all[k] = NULL;
      free(v);
      count--;
      if (ival_verify(&root, "erase", step, count))
        return 1;
    } else {
      // Change an interval's end in place (its key is unchanged), then
      // refresh its path explicitly.
      uint k = s;
      while (k < RANGE && all[k] == NULL)
        k++;
      if (k == RANGE)
        continue;
      struct ival *v = all[k];
      v->end = v->start + 1 + rng_below(8000);
      recompute_calls = 0;
      rb_augment_path(&v->rb, &ival_aug);
      if (ival_verify(&root, "in-place resize", step, count))
        return 1;
    }

    // The root's cached value must answer "max end overall" exactly.
    uint m = 0;
    for (uint i = 0; i < RANGE; i++)
      if (all[i] != NULL && all[i]->end > m)
        m = all[i]->end;
    uint got = root.node ? IVAL(root.node)->max_end : 0;
    if (got != m)
      return fail("root max_end %u, brute force %u (step %u)", got, m, step);
  }
  if (count == 0)
    return fail("degenerate run");
  while (root.node != NULL) {
    struct rb_node *n = root.node;
    rb_erase(&root, n, &ival_aug);
    free(IVAL(n));
  }
  free(all);
  return 0;
}

// The kernel's own use of augmentation, free gaps between mmap regions
// with lowest-fit placement, is tested on the kernel's file itself in
// test/host/regiontree_test.c.

// ---------------------------------------------------------------- main

int main(void) {
  char name[64];

  run("empty and single node", t_empty, 0);
  run("sequential insert/erase (worst-case order)", t_sequential, 1000);
  run("checker detects each violation", t_checker, 0);

  static const uint seeds[] = {1, 2, 3, 17, 4242};
  for (uint i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
    snprintf(name, sizeof name, "random small-range seed %u", seeds[i]);
    run(name, t_random, seeds[i]);
    snprintf(name, sizeof name, "random large-range seed %u", seeds[i]);
    run(name, t_random, seeds[i] | 1u << 16);
  }
  for (uint i = 0; i < 3; i++) {
    snprintf(name, sizeof name, "augmented max-end seed %u", seeds[i]);
    run(name, t_aug_maxend, seeds[i]);
  }

  if (failures != 0) {
    printf("rbtree: %d test(s) failed\n", failures);
    return 1;
  }
  return 0;
}
