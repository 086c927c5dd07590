// Region set as a sorted doubly-linked list (see mm/regiontree.h): the
// benchmark's baseline (make MMAP_LINEAR=1), what a list of regions costs.
// Lookups and placement walk from the lowest node, O(n); link changes are
// O(1) once the place is found.
//
// Invariants, true between calls: head is the lowest node, tail the
// highest; prev/next
// link the nodes in address order; ranges non-empty and disjoint;
// n->gap = n->start - (previous node's end, or 0); max_gap is unused.
#include "types.h"
#include "mm/regiontree.h"

void rt_init(struct rtree *t) {
  t->root.list.head = 0;
  t->root.list.tail = 0;
  t->count = 0;
}

struct rt_node *rt_first(const struct rtree *t) { return t->root.list.head; }
struct rt_node *rt_next(const struct rt_node *n) { return n->link.list.next; }
struct rt_node *rt_prev(const struct rt_node *n) { return n->link.list.prev; }

struct rt_node *rt_last(const struct rtree *t) { return t->root.list.tail; }

static void refresh_gap(struct rt_node *n) {
  if (n == 0)
    return;
  struct rt_node *prev = n->link.list.prev;
  n->gap = n->start - (prev ? prev->end : 0);
  n->max_gap = n->gap;
}

struct rt_node *rt_find(const struct rtree *t, uint va) {
  for (struct rt_node *n = t->root.list.head; n; n = n->link.list.next) {
    if (va < n->start)
      return 0;
    if (va < n->end)
      return n;
  }
  return 0;
}

struct rt_node *rt_first_ending_after(const struct rtree *t, uint va) {
  for (struct rt_node *n = t->root.list.head; n; n = n->link.list.next)
    if (n->end > va)
      return n;
  return 0;
}

int rt_overlaps(const struct rtree *t, uint start, uint end) {
  struct rt_node *n = rt_first_ending_after(t, start);
  return n && n->start < end;
}

int rt_lowest_fit(const struct rtree *t, uint len, uint low, uint high, uint *out) {
  uint a = low;
  for (struct rt_node *n = t->root.list.head; n; n = n->link.list.next) {
    if (n->end <= a)
      continue;
    uint hi = n->start < high ? n->start : high;
    if (hi > a && hi - a >= len) {
      *out = a;
      return 1;
    }
    if (n->start >= high)
      return 0;
    a = n->end;
  }
  if (a < high && high - a >= len) {
    *out = a;
    return 1;
  }
  return 0;
}

void rt_insert(struct rtree *t, struct rt_node *n) {
  struct rt_node *prev = 0, *next = t->root.list.head;
  if (t->root.list.tail && t->root.list.tail->start < n->start) {
    prev = t->root.list.tail;   // appending (fork copies in order): O(1)
    next = 0;
  }
  while (next && next->start < n->start) {
    prev = next;
    next = next->link.list.next;
  }
  n->link.list.prev = prev;
  n->link.list.next = next;
  if (prev)
    prev->link.list.next = n;
  else
    t->root.list.head = n;
  if (next)
    next->link.list.prev = n;
  else
    t->root.list.tail = n;
  refresh_gap(n);
  refresh_gap(next);
  t->count++;
}

void rt_remove(struct rtree *t, struct rt_node *n) {
  struct rt_node *prev = n->link.list.prev, *next = n->link.list.next;
  if (prev)
    prev->link.list.next = next;
  else
    t->root.list.head = next;
  if (next)
    next->link.list.prev = prev;
  else
    t->root.list.tail = prev;
  refresh_gap(next);
  t->count--;
}

void rt_set_range(struct rtree *t, struct rt_node *n, uint start, uint end) {
  (void)t;
  n->start = start;
  n->end = end;
  refresh_gap(n);
  refresh_gap(n->link.list.next);
}

void rt_split(struct rtree *t, struct rt_node *n, uint at, struct rt_node *tail) {
  tail->start = at;
  tail->end = n->end;
  n->end = at;
  // tail goes right after n: no search needed.
  struct rt_node *next = n->link.list.next;
  tail->link.list.prev = n;
  tail->link.list.next = next;
  n->link.list.next = tail;
  if (next)
    next->link.list.prev = tail;
  else
    t->root.list.tail = tail;
  refresh_gap(tail);
  refresh_gap(next);
  t->count++;
}

void rt_merge(struct rtree *t, struct rt_node *a, struct rt_node *b) {
  uint end = b->end;
  rt_remove(t, b);
  a->end = end;
  refresh_gap(a->link.list.next);
}

enum rt_check_result rt_check(const struct rtree *t) {
  int count = 0;
  uint prev_end = 0;
  struct rt_node *prev = 0;
  for (struct rt_node *n = t->root.list.head; n; prev = n, n = n->link.list.next) {
    if (n->link.list.prev != prev || ++count > t->count)
      return count > t->count ? RT_ERR_COUNT : RT_ERR_SHAPE;
    if (n->start >= n->end || n->start < prev_end)
      return RT_ERR_ORDER;
    if (n->gap != n->start - prev_end)
      return RT_ERR_GAP;
    prev_end = n->end;
  }
  if (count != t->count)
    return RT_ERR_COUNT;
  if (t->root.list.tail != prev)
    return RT_ERR_SHAPE;
  return RT_OK;
}
