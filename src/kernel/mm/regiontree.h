// The set of mapped ranges of one address space, kept ordered by start
// address: lookup, the lowest free range of a size (placement), insert,
// remove, resize, split and merge. A pure library: it takes no locks,
// allocates nothing and calls nothing in the kernel, so the host tests
// build the very same source (test/host/regiontree_test.c).
//
// Two implementations of this one interface; the Makefile links exactly
// one into the kernel:
//   regiontree.c  a red-black tree (lib/rbtree.h) whose nodes cache the
//                 free gap below them and the largest gap in their subtree,
//                 so lookup and placement are O(log n). The default.
//   regionlist.c  a sorted doubly-linked list, O(n) everything: the
//                 baseline the benchmark compares against (MMAP_LINEAR=1).
//
// The caller embeds a struct rt_node in its record (rt_entry gets it
// back), keeps a change from running alongside any other call on the same
// set (the kernel: only the owning process changes its set, and it does so
// holding vm->lock, which other readers take; mm/vmspace.c) and keeps
// ranges from overlapping: rt_insert, rt_set_range and rt_merge assume the
// new extent collides with no other node, and check it only in rt_check.
#ifndef KERNEL_MM_REGIONTREE_H
#define KERNEL_MM_REGIONTREE_H

#include "types.h"
#include "lib/rbtree.h"

struct rt_node {
  union {
    struct rb_node rb;                              // regiontree.c
    struct { struct rt_node *prev, *next; } list;   // regionlist.c
  } link;
  uint start;      // [start, end), start < end
  uint end;
  uint gap;        // start minus the previous node's end (or minus 0)
  uint max_gap;    // tree: largest gap in this subtree; list: unused
};

struct rtree {
  union {
    struct rb_root rb;         // regiontree.c
    struct { struct rt_node *head, *tail; } list;   // regionlist.c:
                               // lowest and highest node
  } root;
  int count;                   // nodes in the set
};

#define rt_entry(ptr, type, member) \
  ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

void rt_init(struct rtree *t);

// In address order; 0 past either end.
struct rt_node *rt_first(const struct rtree *t);
struct rt_node *rt_last(const struct rtree *t);
struct rt_node *rt_next(const struct rt_node *n);
struct rt_node *rt_prev(const struct rt_node *n);

// The node holding va, or 0.
struct rt_node *rt_find(const struct rtree *t, uint va);
// The lowest node ending above va (it may start above va too), or 0.
struct rt_node *rt_first_ending_after(const struct rtree *t, uint va);
// Does any node overlap [start, end)?
int rt_overlaps(const struct rtree *t, uint start, uint end);

// Placement: the lowest a >= low with [a, a + len) free and a + len <= high.
// Returns 1 and sets *out, or 0 when no such range exists. len > 0.
int rt_lowest_fit(const struct rtree *t, uint len, uint low, uint high, uint *out);

// Add n, whose start and end the caller set, to the set.
void rt_insert(struct rtree *t, struct rt_node *n);
// Take n out of the set; its fields are left stale.
void rt_remove(struct rtree *t, struct rt_node *n);
// Give n a new extent [start, end) that keeps it between its neighbours
// (grow or shrink at either end).
void rt_set_range(struct rtree *t, struct rt_node *n, uint start, uint end);
// Cut n at `at` (start < at < end): n keeps [start, at), the caller's
// unlinked tail gets [at, end) and joins the set.
void rt_split(struct rtree *t, struct rt_node *n, uint at, struct rt_node *tail);
// b is rt_next(a) and a->end == b->start: a grows over b's range and b
// leaves the set (the caller frees its record).
void rt_merge(struct rtree *t, struct rt_node *a, struct rt_node *b);

// Self-check for tests: 0, or the first broken rule (RT_ERR_*).
enum rt_check_result {
  RT_OK = 0,
  RT_ERR_SHAPE = -1,     // the implementation's own structure (red-black
                         // rules, list links) is broken
  RT_ERR_ORDER = -2,     // ranges empty, out of order or overlapping
  RT_ERR_GAP = -3,       // a node's gap is not start - previous end
  RT_ERR_MAX_GAP = -4,   // tree: a max_gap is not its subtree's largest gap
  RT_ERR_COUNT = -5,     // count differs from the nodes reachable
};
enum rt_check_result rt_check(const struct rtree *t);

#endif
