// K&R-style first-fit allocator over pages (benchmark baseline only).
//
// Every block, free or allocated, starts with an 8-byte header: the block's
// size in 8-byte units (header included) and, while the block is free, the
// position of the next free block. Positions are 32-bit offsets from the
// page arena's base so that the header is 8 bytes on a 64-bit host too.
//
// Free blocks form one circular list kept in address order, so a freed
// block can be joined with free neighbours on either side. The search for
// a fit starts where the previous one ended (a "roving" pointer, as in
// K&R), takes the first block big enough, and cuts the request off that
// block's high end. When nothing fits, one more page joins the free list
// (through kr_free, so it merges with an adjacent free block if the new
// page happens to be contiguous), and the search goes on. Pages are never
// given back: that is the property the benchmark measures.
#include <stdint.h>
#include "kr_baseline.h"

#define UNIT     8u                  // bytes per allocation unit (= header size)
#define PAGE     4096u
#define NIL      0xffffffffu         // offset of the list's anchor (not in the arena)

struct hdr {
  uint32_t next;                     // free blocks: offset of the next free block
  uint32_t units;                    // size in units, header included
};

_Static_assert(sizeof(struct hdr) == UNIT, "the header must be 8 bytes");

static char *base;                   // arena base: offsets are relative to it
static struct hdr anchor;            // zero-sized list element, never handed out
static uint32_t rover;               // where the next search starts
static void *(*getpage)(void);

static struct hdr *at(uint32_t off) {
  return off == NIL ? &anchor : (struct hdr *)(base + off);
}

static uint32_t off_of(struct hdr *h) {
  return h == &anchor ? NIL : (uint32_t)((char *)h - base);
}

// For ordering purposes the anchor sits below every real block.
static int below(uint32_t a, uint32_t b) {
  if (a == NIL)
    return b != NIL;
  return b != NIL && a < b;
}

void kr_init(void *(*page_get)(void), void *arena_base) {
  base = arena_base;
  getpage = page_get;
  anchor.next = NIL;
  anchor.units = 0;
  rover = NIL;
}

void kr_free(void *p) {
  struct hdr *blk = (struct hdr *)p - 1;
  uint32_t b = off_of(blk);

  // Find the free block `prev` after which b belongs in address order:
  // either prev < b < prev.next, or prev is the highest block and b lies
  // past it (or before the lowest one) where the circle wraps around.
  uint32_t prev = rover;
  for (;;) {
    uint32_t nx = at(prev)->next;
    if (below(prev, b) && below(b, nx))
      break;
    if (!below(prev, nx) && (below(prev, b) || below(b, nx)))
      break;
    prev = nx;
  }

  struct hdr *ph = at(prev);
  uint32_t nx = ph->next;
  // Join with the block above if they touch.
  if (nx != NIL && b + blk->units * UNIT == nx) {
    blk->units += at(nx)->units;
    blk->next = at(nx)->next;
  } else {
    blk->next = nx;
  }
  // Join with the block below if they touch; otherwise link after it.
  if (prev != NIL && prev + ph->units * UNIT == b) {
    ph->units += blk->units;
    ph->next = blk->next;
  } else {
    ph->next = b;
  }
  rover = prev;
}

// Put one more page on the free list. 0 if the page source is empty.
static int grow(void) {
  char *page = getpage();
  if (page == 0)
    return 0;
  struct hdr *h = (struct hdr *)page;
  h->units = PAGE / UNIT;
  kr_free(h + 1);
  return 1;
}

void *kr_malloc(size_t n) {
  if (n == 0)
    return 0;
  uint32_t need = (uint32_t)((n + UNIT - 1) / UNIT) + 1;   // plus the header
  uint32_t prev = rover;
  for (uint32_t cur = at(prev)->next;; prev = cur, cur = at(cur)->next) {
    struct hdr *c = at(cur);
    if (c->units >= need) {
      if (c->units == need) {
        at(prev)->next = c->next;           // exact fit: unlink it
      } else {
        c->units -= need;                   // cut the tail off
        c = (struct hdr *)((char *)c + c->units * UNIT);
        c->units = need;
      }
      rover = prev;
      return c + 1;
    }
    if (cur == rover) {                     // went all the way round
      if (!grow())
        return 0;
      cur = rover;                          // grow() moved the rover
    }
  }
}
