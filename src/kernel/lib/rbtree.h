// Intrusive red-black tree with optional augmentation.
//
// "Intrusive" means the tree never allocates: the user embeds a struct rb_node
// in its own record (e.g. an mmap region) and the tree only links those nodes.
// rb_entry() turns a node pointer back into the enclosing record.
//
// The library knows nothing about keys. Insertion is split in two so that the
// caller does the key comparisons itself:
//
//     struct rb_node **link = &root->node, *parent = NULL;
//     while (*link) {
//         parent = *link;
//         link = key < KEY(parent) ? &parent->left : &parent->right;
//     }
//     rb_link_node(&new->rb, parent, link);   // attach as a red leaf
//     // (set new's own augmented value here if using augmentation)
//     rb_insert_fixup(root, &new->rb, aug);   // rebalance + refresh augment
//
// Rejecting duplicate keys is the caller's job (stop the walk on equality).
//
// Color is kept in a separate int rather than packed into the low bit of the
// parent pointer. That costs 4 bytes per node on i386 (16 instead of 12) but
// keeps every pointer a plain pointer, so the code stays obvious and makes no
// alignment assumptions on either the kernel or a 64-bit test host.
//
// Augmentation
// ------------
// A tree may cache per-node values that summarize the node's whole subtree
// (e.g. "max end address below here" or "largest free gap below here"). The
// caller supplies struct rb_augment { recompute }, where recompute(n) must
// rebuild n's cached value from n's own data and the cached values of
// n->left and n->right only (children may be NULL). Pass aug == NULL for a
// plain tree.
//
// The library calls recompute, always children before parents, on:
//   * rb_insert_fixup: the new node and each ancestor up to the root, then
//     the two nodes involved in each rebalancing rotation (lower one first).
//   * rb_erase: every node on the path from the lowest node whose subtree
//     lost a member (the removed node's parent, or, if the node had two
//     children, the in-order successor's old parent or the successor itself
//     when it moved into the removed node's slot) up to the root, then the
//     two nodes of each rebalancing rotation.
//   * rb_augment_path(n): n and every ancestor up to the root.
//   rb_link_node never calls it: the new node is not yet consistent.
// Each operation therefore makes O(log n) recompute calls. After any of
// these returns, every cached value in the tree is exact, provided the
// caller's own per-node data (e.g. a neighbour-dependent gap) was already
// up to date; if the caller changes a node's key/extent/own data in place
// (without changing the in-order position), it must call rb_augment_path
// on that node.
#ifndef KERNEL_LIB_RBTREE_H
#define KERNEL_LIB_RBTREE_H

#include "types.h"

struct rb_node {
  struct rb_node *parent;  // NULL for the root
  struct rb_node *left;
  struct rb_node *right;
  int red;                 // 1 = red, 0 = black
};

struct rb_root {
  struct rb_node *node;    // NULL when the tree is empty
};

struct rb_augment {
  void (*recompute)(struct rb_node *n);
};

#define RB_ROOT_INIT { NULL }

// Recover the enclosing record from a pointer to its embedded rb_node.
// __builtin_offsetof is understood by both clang and gcc and avoids the
// null-pointer arithmetic trick, which UBSan rightly complains about.
#define rb_entry(ptr, type, member) \
  ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

// Like rb_entry but maps NULL to NULL (handy with rb_next etc.).
#define rb_entry_safe(ptr, type, member) \
  ((ptr) ? rb_entry(ptr, type, member) : (type *)0)

static inline int rb_empty(const struct rb_root *root) {
  return root->node == NULL;
}

// Attach n as a red leaf at *link, a NULL child slot of parent (or the root
// slot, with parent == NULL) found by the caller's search.
void rb_link_node(struct rb_node *n, struct rb_node *parent,
                  struct rb_node **link);

// Restore the red-black rules after rb_link_node, and refresh augmented
// values (see above). aug may be NULL.
void rb_insert_fixup(struct rb_root *root, struct rb_node *n,
                     const struct rb_augment *aug);

// Unlink n from the tree and rebalance. n's own fields are left stale.
void rb_erase(struct rb_root *root, struct rb_node *n,
              const struct rb_augment *aug);

// Recompute augmented values of n and all its ancestors. No-op if aug or n
// is NULL.
void rb_augment_path(struct rb_node *n, const struct rb_augment *aug);

// In-order navigation. Return NULL past either end / on an empty tree.
// O(log n) worst case each; a full walk with rb_next costs O(n) in total.
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *n);
struct rb_node *rb_prev(const struct rb_node *n);

// Debug checker. Returns 0 if the tree is a valid red-black tree, otherwise
// the (negative) code of the first violated rule found. cmp(a, b) must
// return <0, 0, >0 like strcmp; it may be NULL to skip the order check.
// Recursion depth is bounded by the tree height (<= 2*log2(n+1)).
#define RB_ERR_ROOT_PARENT  (-1)  // root->parent is not NULL
#define RB_ERR_ROOT_RED     (-2)  // root is red
#define RB_ERR_PARENT       (-3)  // a child's parent pointer is wrong
#define RB_ERR_RED_RED      (-4)  // a red node has a red child
#define RB_ERR_BLACK_HEIGHT (-5)  // paths have different black counts
#define RB_ERR_ORDER        (-6)  // in-order keys not strictly increasing
#define RB_ERR_COLOR        (-7)  // color field neither 0 nor 1
int rb_check(struct rb_root *root,
             int (*cmp)(struct rb_node *, struct rb_node *));

#endif
