// Red-black tree: rebalancing, erase, navigation and a self-check.
//
// Rules maintained (NULL children count as black leaves):
//   1. the root is black;
//   2. a red node has no red child;
//   3. every root-to-NULL path passes the same number of black nodes.
// Together they bound the height by 2*log2(n+1).
//
// Left/right mirror cases are handled by one piece of code parameterised on a
// direction d (0 = left, 1 = right); side(n, d) gives the slot for that side.

#include "types.h"
#include "lib/rbtree.h"

#define LEFT  0
#define RIGHT 1

static struct rb_node **side(struct rb_node *n, int d) {
  return d == LEFT ? &n->left : &n->right;
}

// A NULL leaf is black.
static int is_red(const struct rb_node *n) {
  return n != NULL && n->red;
}

static void recompute(struct rb_node *n, const struct rb_augment *aug) {
  if (aug != NULL && aug->recompute != NULL)
    aug->recompute(n);
}

// Make whatever pointed at old (its parent's child slot, or the root slot)
// point at new instead. new's own parent pointer is the caller's business.
static void swap_child(struct rb_root *root, struct rb_node *parent,
                       struct rb_node *old, struct rb_node *new) {
  if (parent == NULL)
    root->node = new;
  else if (parent->left == old)
    parent->left = new;
  else
    parent->right = new;
}

/*
 * Rotate x towards direction d: its child on the other side, y, takes x's
 * place and x becomes y's d-side child. y's inner subtree switches to x.
 *
 *   d = LEFT:      x                 y
 *                 / \               / \
 *                a   y     ==>     x   c
 *                   / \           / \
 *                  b   c         a   b
 *
 * Only x and y have a different set of descendants afterwards (y now covers
 * exactly what x covered before), so only they need recomputing, x first.
 */
static void rotate(struct rb_root *root, struct rb_node *x, int d,
                   const struct rb_augment *aug) {
  struct rb_node *y = *side(x, !d);
  struct rb_node *inner = *side(y, d);

  *side(x, !d) = inner;
  if (inner != NULL)
    inner->parent = x;

  y->parent = x->parent;
  swap_child(root, x->parent, x, y);

  *side(y, d) = x;
  x->parent = y;

  recompute(x, aug);
  recompute(y, aug);
}

void rb_link_node(struct rb_node *n, struct rb_node *parent,
                  struct rb_node **link) {
  n->parent = parent;
  n->left = NULL;
  n->right = NULL;
  n->red = 1;  // a red leaf keeps black heights intact; only rule 2 can break
  *link = n;
}

void rb_augment_path(struct rb_node *n, const struct rb_augment *aug) {
  if (aug == NULL || aug->recompute == NULL)
    return;
  for (; n != NULL; n = n->parent)
    aug->recompute(n);
}

void rb_insert_fixup(struct rb_root *root, struct rb_node *n,
                     const struct rb_augment *aug) {
  // Every ancestor gained a descendant. Refresh them now while the shape is
  // still the plain BST one; the rotations below keep values exact locally.
  rb_augment_path(n, aug);

  // Invariant: n is red, and the only possible violation is n's parent
  // also being red.
  for (;;) {
    struct rb_node *p = n->parent;
    if (p == NULL) {
      n->red = 0;  // n reached the root: blackening it fixes rule 1 cheaply
      break;
    }
    if (!p->red)
      break;

    // p is red, so it is not the root and the grandparent g exists (and is
    // black, since the tree was valid apart from n).
    struct rb_node *g = p->parent;
    int d = (g->left == p) ? LEFT : RIGHT;  // side of g that p hangs on
    struct rb_node *uncle = *side(g, !d);

    if (is_red(uncle)) {
      // Push g's blackness down to both children; g becomes red and may now
      // clash with its own parent, so continue from g. No shape change.
      p->red = 0;
      uncle->red = 0;
      g->red = 1;
      n = g;
      continue;
    }

    // Black uncle: one or two rotations finish the job.
    if (*side(p, !d) == n) {
      // n is the inner grandchild; rotate it outward so the final rotation
      // at g sees a straight line g-p-n.
      rotate(root, p, d, aug);
      n = p;
      p = n->parent;
    }
    // p takes g's place and color (black); g and n become its red children.
    p->red = 0;
    g->red = 1;
    rotate(root, g, !d, aug);
    break;
  }
}

// Rebalance after removing a black node. x (possibly NULL) sits where the
// black node was and is short one black on every path through it; xp is its
// parent (needed because x may be NULL).
static void erase_fixup(struct rb_root *root, struct rb_node *x,
                        struct rb_node *xp, const struct rb_augment *aug) {
  while (x != root->node && !is_red(x)) {
    // x is not the root, so xp != NULL. If x is NULL, it is the side of xp
    // that is NULL; the sibling cannot also be NULL because the sibling's
    // side must hold at least one black node to match the removed one.
    int d = (xp->left == x) ? LEFT : RIGHT;
    struct rb_node *w = *side(xp, !d);  // sibling, never NULL

    if (w->red) {
      // Turn a red sibling into a black one: rotate it above xp. xp becomes
      // red and x's new sibling is one of w's (black) children.
      w->red = 0;
      xp->red = 1;
      rotate(root, xp, d, aug);
      w = *side(xp, !d);
    }

    struct rb_node *near = *side(w, d);
    struct rb_node *far = *side(w, !d);

    if (!is_red(near) && !is_red(far)) {
      // Remove one black from w's side too; now xp's whole subtree is short
      // by one black, so move the problem up a level.
      w->red = 1;
      x = xp;
      xp = x->parent;
      continue;
    }

    if (!is_red(far)) {
      // Only the near child is red: rotate it up to become the sibling,
      // so that the sibling has a red far child.
      near->red = 0;
      w->red = 1;
      rotate(root, w, !d, aug);
      w = *side(xp, !d);
      far = *side(w, !d);
    }

    // Sibling is black with a red far child: rotating w over xp puts an
    // extra black above x while the far side keeps its count via far.
    w->red = xp->red;
    xp->red = 0;
    far->red = 0;
    rotate(root, xp, d, aug);
    x = root->node;  // done
    break;
  }
  if (x != NULL)
    x->red = 0;  // a red x (or the root) absorbs the missing black
}

void rb_erase(struct rb_root *root, struct rb_node *n,
              const struct rb_augment *aug) {
  struct rb_node *x;       // node that fills the slot left empty (may be NULL)
  struct rb_node *xp;      // parent of that slot
  struct rb_node *lowest;  // deepest node whose subtree lost a member
  int lost_black;          // did a black node disappear from some path?

  if (n->left == NULL || n->right == NULL) {
    // At most one child: splice n out and lift the child into its place.
    x = n->left != NULL ? n->left : n->right;
    xp = n->parent;
    swap_child(root, xp, n, x);
    if (x != NULL)
      x->parent = xp;
    lost_black = !n->red;
    lowest = xp;
  } else {
    // Two children: the in-order successor s (leftmost of the right subtree,
    // so it has no left child) is removed from its spot instead, then takes
    // over n's position and color. The only structural loss is at s's old
    // spot, where s's right child x moves up.
    struct rb_node *s = n->right;
    while (s->left != NULL)
      s = s->left;

    x = s->right;
    lost_black = !s->red;

    if (s->parent == n) {
      // s is n's right child; it keeps its right subtree and x stays under s.
      xp = s;
    } else {
      xp = s->parent;
      xp->left = x;
      if (x != NULL)
        x->parent = xp;
      s->right = n->right;
      s->right->parent = s;
    }

    s->left = n->left;
    s->left->parent = s;
    s->parent = n->parent;
    swap_child(root, n->parent, n, s);
    s->red = n->red;
    lowest = xp;  // either s's old parent or s itself, now in n's slot
  }

  // Everything from lowest to the root lost n (and, for s, s moved up
  // within the same subtree); nothing else changed yet.
  rb_augment_path(lowest, aug);

  if (lost_black)
    erase_fixup(root, x, xp, aug);
}

struct rb_node *rb_first(const struct rb_root *root) {
  struct rb_node *n = root->node;
  if (n == NULL)
    return NULL;
  while (n->left != NULL)
    n = n->left;
  return n;
}

struct rb_node *rb_last(const struct rb_root *root) {
  struct rb_node *n = root->node;
  if (n == NULL)
    return NULL;
  while (n->right != NULL)
    n = n->right;
  return n;
}

// Successor: the leftmost node of the right subtree if there is one,
// otherwise the first ancestor that we reach from its left side.
struct rb_node *rb_next(const struct rb_node *n) {
  if (n->right != NULL) {
    struct rb_node *c = n->right;
    while (c->left != NULL)
      c = c->left;
    return c;
  }
  while (n->parent != NULL && n->parent->right == n)
    n = n->parent;
  return n->parent;
}

// Mirror image of rb_next.
struct rb_node *rb_prev(const struct rb_node *n) {
  if (n->left != NULL) {
    struct rb_node *c = n->left;
    while (c->right != NULL)
      c = c->right;
    return c;
  }
  while (n->parent != NULL && n->parent->left == n)
    n = n->parent;
  return n->parent;
}

// ---- checker ----

struct check_state {
  int (*cmp)(struct rb_node *, struct rb_node *);
  struct rb_node *prev;  // last node visited in order, for the key check
  int err;
};

// Returns the black height of the subtree at n (NULL leaves count 0) or
// -1 after recording an error in st->err.
static int check_subtree(struct rb_node *n, struct check_state *st) {
  if (n == NULL)
    return 0;
  if (n->red != 0 && n->red != 1) {
    st->err = RB_ERR_COLOR;
    return -1;
  }
  if ((n->left != NULL && n->left->parent != n) ||
      (n->right != NULL && n->right->parent != n)) {
    // Checked before descending, which also stops us from looping forever
    // if a pointer bug created a cycle.
    st->err = RB_ERR_PARENT;
    return -1;
  }
  if (n->red && (is_red(n->left) || is_red(n->right))) {
    st->err = RB_ERR_RED_RED;
    return -1;
  }

  int lh = check_subtree(n->left, st);
  if (lh < 0)
    return -1;

  if (st->cmp != NULL && st->prev != NULL && st->cmp(st->prev, n) >= 0) {
    st->err = RB_ERR_ORDER;
    return -1;
  }
  st->prev = n;

  int rh = check_subtree(n->right, st);
  if (rh < 0)
    return -1;

  if (lh != rh) {
    st->err = RB_ERR_BLACK_HEIGHT;
    return -1;
  }
  return lh + (n->red ? 0 : 1);
}

int rb_check(struct rb_root *root,
             int (*cmp)(struct rb_node *, struct rb_node *)) {
  struct rb_node *r = root->node;
  if (r == NULL)
    return 0;
  if (r->parent != NULL)
    return RB_ERR_ROOT_PARENT;
  if (r->red)
    return RB_ERR_ROOT_RED;

  struct check_state st;
  st.cmp = cmp;
  st.prev = NULL;
  st.err = 0;
  if (check_subtree(r, &st) < 0)
    return st.err;
  return 0;
}
