// Region set as an augmented red-black tree (see mm/regiontree.h).
//
// Invariants, true between calls:
//   - in-order = address order; ranges non-empty and disjoint;
//   - n->gap = n->start - (previous node's end, or 0);
//   - n->max_gap = the largest gap in n's subtree, so placement can skip a
//     subtree in one comparison.
// A node's gap depends on its predecessor, so every change that moves an
// end refreshes the successor's gap and the cached maxima above it.
#include "types.h"
#include "lib/rbtree.h"
#include "mm/regiontree.h"

#define NODE(rbn) rt_entry(rbn, struct rt_node, link.rb)

static struct rt_node *node_or_0(struct rb_node *n) {
  return n ? NODE(n) : 0;
}

static uint max3(uint a, uint b, uint c) {
  uint m = a > b ? a : b;
  return m > c ? m : c;
}

static void recompute_max_gap(struct rb_node *rbn) {
  struct rt_node *n = NODE(rbn);
  n->max_gap = max3(n->gap,
                    rbn->left ? NODE(rbn->left)->max_gap : 0,
                    rbn->right ? NODE(rbn->right)->max_gap : 0);
}

static const struct rb_augment gap_augment = { recompute_max_gap };

void rt_init(struct rtree *t) {
  t->root.rb.node = 0;
  t->count = 0;
}

struct rt_node *rt_first(const struct rtree *t) { return node_or_0(rb_first(&t->root.rb)); }
struct rt_node *rt_last(const struct rtree *t) { return node_or_0(rb_last(&t->root.rb)); }
struct rt_node *rt_next(const struct rt_node *n) { return node_or_0(rb_next(&n->link.rb)); }
struct rt_node *rt_prev(const struct rt_node *n) { return node_or_0(rb_prev(&n->link.rb)); }

struct rt_node *rt_find(const struct rtree *t, uint va) {
  struct rb_node *rbn = t->root.rb.node;
  while (rbn) {
    struct rt_node *n = NODE(rbn);
    if (va < n->start)
      rbn = rbn->left;
    else if (va >= n->end)
      rbn = rbn->right;
    else
      return n;
  }
  return 0;
}

struct rt_node *rt_first_ending_after(const struct rtree *t, uint va) {
  struct rb_node *rbn = t->root.rb.node;
  struct rt_node *best = 0;
  while (rbn) {
    struct rt_node *n = NODE(rbn);
    if (n->end > va) {
      best = n;
      rbn = rbn->left;
    } else {
      rbn = rbn->right;
    }
  }
  return best;
}

int rt_overlaps(const struct rtree *t, uint start, uint end) {
  struct rt_node *n = rt_first_ending_after(t, start);
  return n && n->start < end;
}

// Lowest a >= low with [a, a + len) free below min(high, start of the
// node whose gap holds it), looking only at the gaps before nodes in
// rbn's subtree. Subtrees whose largest gap is too small are skipped, so
// the search follows O(log n) paths; recursion depth is the tree height.
static int fit_below(struct rb_node *rbn, uint len, uint low, uint high, uint *out) {
  if (rbn == 0 || NODE(rbn)->max_gap < len)
    return 0;
  struct rt_node *n = NODE(rbn);
  if (n->start > low && fit_below(rbn->left, len, low, high, out))
    return 1;
  uint lo = n->start - n->gap;          // the previous node's end
  if (lo < low)
    lo = low;
  uint hi = n->start < high ? n->start : high;
  if (lo < hi && hi - lo >= len) {
    *out = lo;
    return 1;
  }
  if (n->start >= high)                 // everything to the right is higher
    return 0;
  return fit_below(rbn->right, len, low, high, out);
}

int rt_lowest_fit(const struct rtree *t, uint len, uint low, uint high, uint *out) {
  if (fit_below(t->root.rb.node, len, low, high, out))
    return 1;
  // Above the last node.
  struct rt_node *last = rt_last(t);
  uint a = low;
  if (last && last->end > a)
    a = last->end;
  if (a < high && high - a >= len) {
    *out = a;
    return 1;
  }
  return 0;
}

// Set next's gap now that the node before it ends at prev_end, and
// refresh the maxima above it.
static void set_gap(struct rt_node *next, uint prev_end) {
  if (next == 0)
    return;
  next->gap = next->start - prev_end;
  rb_augment_path(&next->link.rb, &gap_augment);
}

void rt_insert(struct rtree *t, struct rt_node *n) {
  // The descent passes both neighbours: the predecessor is the last node
  // we went right at, the successor the last we went left at.
  struct rb_node **link = &t->root.rb.node, *parent = 0;
  struct rt_node *prev = 0, *next = 0;
  while (*link) {
    parent = *link;
    if (n->start < NODE(parent)->start) {
      next = NODE(parent);
      link = &parent->left;
    } else {
      prev = NODE(parent);
      link = &parent->right;
    }
  }
  n->gap = n->start - (prev ? prev->end : 0);
  n->max_gap = n->gap;
  rb_link_node(&n->link.rb, parent, link);
  rb_insert_fixup(&t->root.rb, &n->link.rb, &gap_augment);   // n and every
                                                             // ancestor
  set_gap(next, n->end);     // its gap shrank
  t->count++;
}

void rt_remove(struct rtree *t, struct rt_node *n) {
  struct rt_node *next = rt_next(n);
  rb_erase(&t->root.rb, &n->link.rb, &gap_augment);
  set_gap(next, n->start - n->gap);   // now it follows n's predecessor
  t->count--;
}

void rt_set_range(struct rtree *t, struct rt_node *n, uint start, uint end) {
  (void)t;
  if (start != n->start) {
    n->gap += start - n->start;   // the previous node's end is where it was
    n->start = start;
    rb_augment_path(&n->link.rb, &gap_augment);
  }
  if (end != n->end) {
    n->end = end;
    set_gap(rt_next(n), end);
  }
}

void rt_split(struct rtree *t, struct rt_node *n, uint at, struct rt_node *tail) {
  tail->start = at;
  tail->end = n->end;
  n->end = at;
  rt_insert(t, tail);        // refreshes tail's gap (0) and its successor's
}

void rt_merge(struct rtree *t, struct rt_node *a, struct rt_node *b) {
  uint end = b->end;
  rt_remove(t, b);
  a->end = end;
  set_gap(rt_next(a), end);
}

// ---- self-check ------------------------------------------------------------

static int by_start(struct rb_node *x, struct rb_node *y) {
  uint a = NODE(x)->start, b = NODE(y)->start;
  return a < b ? -1 : a > b;
}

// Largest gap in rbn's subtree, recomputed from scratch; *bad set if any
// cached max_gap on the way disagrees.
static uint check_max_gap(struct rb_node *rbn, int *bad) {
  if (rbn == 0)
    return 0;
  uint m = max3(NODE(rbn)->gap, check_max_gap(rbn->left, bad), check_max_gap(rbn->right, bad));
  if (m != NODE(rbn)->max_gap)
    *bad = 1;
  return m;
}

enum rt_check_result rt_check(const struct rtree *t) {
  struct rb_root root = t->root.rb;
  if (rb_check(&root, by_start) != 0)
    return RT_ERR_SHAPE;
  int count = 0;
  uint prev_end = 0;
  for (struct rt_node *n = rt_first(t); n; n = rt_next(n), count++) {
    if (n->start >= n->end || n->start < prev_end)
      return RT_ERR_ORDER;
    if (n->gap != n->start - prev_end)
      return RT_ERR_GAP;
    prev_end = n->end;
  }
  int bad = 0;
  check_max_gap(t->root.rb.node, &bad);
  if (bad)
    return RT_ERR_MAX_GAP;
  if (count != t->count)
    return RT_ERR_COUNT;
  return RT_OK;
}
