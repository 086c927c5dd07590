// Buddy allocator core (see buddy.h for the metadata layout and the
// locking contract). Compiles freestanding in the kernel and on the host.
#include "mm/buddy.h"

#define TAG_MASK     BUDDY_TAG_MASK
#define TAG_REC      BUDDY_TAG_REC
#define TAG_WHOLE    BUDDY_TAG_WHOLE
#define TAG_POOL     BUDDY_TAG_POOL
#define WHOLE_CACHED BUDDY_WHOLE_CACHED
#define WHOLE_SLACK  BUDDY_WHOLE_SLACK

#define POOL_SLOTS   (BUDDY_PGSIZE / sizeof(struct buddy_rec))   // 16
#define POOL_ALLFREE (((1u << POOL_SLOTS) - 1) & ~1u)            // slot 0 is the header

_Static_assert(sizeof(struct buddy_rec) == 256, "record must be 256 bytes");
_Static_assert(sizeof(struct buddy_pool) <= sizeof(struct buddy_rec), "pool header fits slot 0");
_Static_assert(sizeof(struct buddy_link) <= (1u << BUDDY_MINSHIFT), "links fit the smallest block");

// First unit of node `node`, which has order `order`.
static inline uint unit_of(uint node, int order) {
  return (node - (BUDDY_UNITS >> order)) << order;
}

static inline bptr page_of(const void *p) {
  return (bptr)p & ~(bptr)(BUDDY_PGSIZE - 1);
}

static inline uint *word_of(const struct buddy *b, bptr page) {
  return buddy_word(b, (const void *)page);
}

// ---- pages -----------------------------------------------------------------

static void *page_get(struct buddy *b) {
  void *pg = b->src.get(b->src.ctx);
  if (pg == 0)
    return 0;
  bptr a = (bptr)pg;
  // A page the meta array cannot describe would be unmanageable: refuse it.
  if ((a & (BUDDY_PGSIZE - 1)) || a < b->base ||
      ((a - b->base) >> BUDDY_PGSHIFT) >= b->npages) {
    b->src.put(b->src.ctx, pg);
    b->report(b->rctx, pg, "page source returned a page outside kmalloc's range");
    return 0;
  }
  b->pagegets++;
  if (b->poison >= 0)
    __builtin_memset(pg, b->poison, BUDDY_PGSIZE);
  return pg;
}

static void page_put(struct buddy *b, bptr page) {
  *word_of(b, page) = 0;
  b->pageputs++;
  b->src.put(b->src.ctx, (void *)page);
}

// ---- record pool -------------------------------------------------------------
// Records live 15 to a page (slot 0 holds the pool header). A doubly linked
// list of pool pages with room makes getting and putting a record O(1), and
// a pool page goes back to the page source as soon as it is empty, so
// freeing everything really does return every page.

static void pool_unlink(struct buddy_pool *pl) {
  pl->prev->next = pl->next;
  pl->next->prev = pl->prev;
}

static void pool_link(struct buddy *b, struct buddy_pool *pl) {
  pl->next = b->pools.next;
  pl->prev = &b->pools;
  b->pools.next->prev = pl;
  b->pools.next = pl;
}

static struct buddy_rec *rec_get(struct buddy *b) {
  struct buddy_pool *pl = b->pools.next;
  if (pl == &b->pools) {
    pl = page_get(b);
    if (pl == 0)
      return 0;
    *word_of(b, (bptr)pl) = TAG_POOL;
    b->metapages++;
    pl->freemask = POOL_ALLFREE;
    pool_link(b, pl);
  }
  uint slot = __builtin_ctz(pl->freemask);
  pl->freemask &= ~(1u << slot);
  if (pl->freemask == 0)
    pool_unlink(pl);
  struct buddy_rec *r = (struct buddy_rec *)((char *)pl + slot * sizeof(struct buddy_rec));
  __builtin_memset(r, 0, sizeof(*r));
  return r;
}

static void rec_put(struct buddy *b, struct buddy_rec *r) {
  struct buddy_pool *pl = (struct buddy_pool *)page_of(r);
  uint slot = ((bptr)r - (bptr)pl) / sizeof(struct buddy_rec);
  int was_full = pl->freemask == 0;
  pl->freemask |= 1u << slot;
  if (pl->freemask == POOL_ALLFREE) {
    if (!was_full)
      pool_unlink(pl);
    b->metapages--;
    page_put(b, (bptr)pl);
  } else if (was_full) {
    pool_link(b, pl);
  }
}

// ---- free lists --------------------------------------------------------------
// One circular doubly linked list per order, threaded through the free
// blocks themselves, so taking out a block's buddy while merging is O(1).
// `nonempty` lets allocation find the smallest usable order with one ctz.

static void list_push(struct buddy *b, int order, bptr blk) {
  struct buddy_link *l = (struct buddy_link *)blk, *h = &b->head[order];
  l->next = h->next;
  l->prev = h;
  h->next->prev = l;
  h->next = l;
  b->nonempty |= 1u << order;
  b->nfree[order]++;
}

static void list_unlink(struct buddy *b, int order, struct buddy_link *l) {
  l->prev->next = l->next;
  l->next->prev = l->prev;
  if (b->head[order].next == &b->head[order])
    b->nonempty &= ~(1u << order);
  b->nfree[order]--;
  if (b->poison >= 0)   // debug builds: a block off the list is all poison again
    __builtin_memset(l, b->poison, sizeof(*l));
}

// ---- public ------------------------------------------------------------------

void buddy_init(struct buddy *b, void *base, uint npages, uint *meta,
                const struct buddy_pagesrc *src, buddy_report_fn report, void *rctx) {
  __builtin_memset(b, 0, sizeof(*b));
  b->base = (bptr)base;
  b->npages = npages;
  b->meta = meta;
  for (int k = 0; k < BUDDY_NORDER; k++)
    b->head[k].next = b->head[k].prev = &b->head[k];
  b->pools.next = b->pools.prev = &b->pools;
  b->src = *src;
  b->report = report;
  b->rctx = rctx;
  b->poison = -1;
}

void *buddy_alloc(struct buddy *b, int order, uint n, int cached) {
  uint size = buddy_size(order);

  if (order == BUDDY_TOP) {
    // A whole page is its own block: no record, no split, no waste.
    if (cached) {   // never take a fresh page just to park it
      return 0;
    }
    void *pg = page_get(b);
    if (pg == 0) {
      b->failures++;
      return 0;
    }
    *word_of(b, (bptr)pg) = TAG_WHOLE | ((size - n) << WHOLE_SLACK);
    b->pages++;
    b->nheld[order]++;
    return pg;
  }

  // Smallest order >= the request's with a free block. Free whole pages
  // never sit on a list (they go straight back), so only orders < TOP count.
  uint avail = b->nonempty & (~0u << order);
  struct buddy_rec *r;
  bptr blk, page;
  uint node;
  int k;
  if (avail) {
    k = __builtin_ctz(avail);
    blk = (bptr)b->head[k].next;
    list_unlink(b, k, (struct buddy_link *)blk);
    page = page_of((void *)blk);
    r = buddy_rec_at(b, *word_of(b, page));
    node = buddy_node(k, (blk - page) >> BUDDY_MINSHIFT);
    buddy_state_clr(r, node, BUDDY_F);
  } else {
    if (cached)     // parked extras only use what is already split
      return 0;
    r = rec_get(b);
    if (r == 0) {
      b->failures++;
      return 0;
    }
    void *pg = page_get(b);
    if (pg == 0) {
      rec_put(b, r);
      b->failures++;
      return 0;
    }
    page = blk = (bptr)pg;
    *word_of(b, page) = (uint)((bptr)r - b->base) | TAG_REC;
    b->pages++;
    k = BUDDY_TOP;
    node = 1;
  }

  // Keep the lower half each time; the upper half (node+1) becomes free.
  while (k > order) {
    k--;
    node <<= 1;
    buddy_state_set(r, node + 1, BUDDY_F);
    list_push(b, k, blk + buddy_size(k));
    b->splits++;
  }

  uint unit = (blk - page) >> BUDDY_MINSHIFT;
  if (cached) {
    buddy_state_set(r, node, BUDDY_A | BUDDY_F);
  } else {
    buddy_slack_set(r, order, unit, size - n);
    buddy_state_set(r, node, BUDDY_A);
  }
  b->nheld[order]++;
  return (void *)blk;
}

int buddy_locate(const struct buddy *b, const void *p, struct buddy_loc *loc) {
  bptr a = (bptr)p;
  if (a < b->base || ((a - b->base) >> BUDDY_PGSHIFT) >= b->npages)
    return BUDDY_EOUTSIDE;
  uint *word = buddy_word(b, p);
  uint w = __atomic_load_n(word, __ATOMIC_RELAXED);
  if (w == 0)
    return BUDDY_ENOTHELD;
  if ((w & TAG_MASK) == TAG_POOL)
    return BUDDY_EMETA;
  if (a & ((1u << BUDDY_MINSHIFT) - 1))
    return BUDDY_EALIGN;
  uint unit = (a & (BUDDY_PGSIZE - 1)) >> BUDDY_MINSHIFT;
  loc->word = word;
  loc->unit = unit;

  if ((w & TAG_MASK) == TAG_WHOLE) {
    if (unit != 0)
      return (w & WHOLE_CACHED) ? BUDDY_EINFREE : BUDDY_EINLIVE;
    loc->rec = 0;
    loc->node = 1;
    loc->order = BUDDY_TOP;
    return (w & WHOLE_CACHED) ? BUDDY_ECACHED : BUDDY_OK;
  }

  // Walk up from the 16-byte node holding p: the first node with any bit
  // set is the one block that contains p (every unit of a split page
  // belongs to exactly one block). At most 8 steps.
  struct buddy_rec *r = buddy_rec_at(b, w);
  uint node = BUDDY_UNITS + unit;
  for (int k = 0; k < BUDDY_TOP; k++, node >>= 1) {
    uint s = buddy_state(r, node);
    if (s == 0)
      continue;
    if (unit & ((1u << k) - 1))
      return s == BUDDY_A ? BUDDY_EINLIVE : BUDDY_EINFREE;
    loc->rec = r;
    loc->node = node;
    loc->order = k;
    if (s == BUDDY_A)
      return BUDDY_OK;
    return s == (BUDDY_A | BUDDY_F) ? BUDDY_ECACHED : BUDDY_EFREE;
  }
  return BUDDY_ECORRUPT;
}

// A live or parked block goes back to the core: merge with free buddies
// as far as possible, and return the page once the merge reaches its root.
static void release(struct buddy *b, const struct buddy_loc *loc, int parked) {
  int k = loc->order;
  bptr page = b->base + ((bptr)(loc->word - b->meta) << BUDDY_PGSHIFT);
  b->nheld[k]--;
  if (loc->rec == 0) {
    b->pages--;
    page_put(b, page);
    return;
  }

  struct buddy_rec *r = loc->rec;
  uint node = loc->node;
  if (!parked)
    buddy_slack_clear(r, k, loc->unit);
  buddy_state_clr(r, node, parked ? BUDDY_A | BUDDY_F : BUDDY_A);

  while (k < BUDDY_TOP) {
    uint bud = node ^ 1;
    // Only a free block (A=0, F=1) of the same order can be merged; a
    // parked buddy (A=1) still belongs to a cache.
    if (buddy_state(r, bud) != BUDDY_F)
      break;
    list_unlink(b, k, (struct buddy_link *)(page + (unit_of(bud, k) << BUDDY_MINSHIFT)));
    buddy_state_clr(r, bud, BUDDY_F);
    node >>= 1;
    k++;
    b->merges++;
  }

  if (k == BUDDY_TOP) {      // the whole page is free again: give it back now
    rec_put(b, r);
    b->pages--;
    page_put(b, page);
    return;
  }
  buddy_state_set(r, node, BUDDY_F);
  list_push(b, k, page + (unit_of(node, k) << BUDDY_MINSHIFT));
}

int buddy_free(struct buddy *b, void *p) {
  struct buddy_loc loc;
  int err = buddy_locate(b, p, &loc);
  if (err != BUDDY_OK) {
    buddy_report(b, p, err);
    return -1;
  }
  release(b, &loc, 0);
  return 0;
}

int buddy_free_cached(struct buddy *b, void *p) {
  struct buddy_loc loc;
  int err = buddy_locate(b, p, &loc);
  if (err != BUDDY_ECACHED) {
    buddy_report(b, p, err == BUDDY_OK ? BUDDY_ECORRUPT : err);
    return -1;
  }
  release(b, &loc, 1);
  return 0;
}

uint buddy_drainable_pages(const struct buddy *b) {
  uint count = 0;
  for (uint i = 0; i < b->npages; i++) {
    uint w = b->meta[i];
    if ((w & TAG_MASK) == TAG_WHOLE) {
      count += (w & WHOLE_CACHED) != 0;
    } else if ((w & TAG_MASK) == TAG_REC) {
      // A live node has A set and F clear: (A & ~F) over all the words.
      const struct buddy_rec *r = buddy_rec_at(b, w);
      uint live = 0;
      for (int j = 0; j < 32; j++)
        live |= r->st[j] & ~(r->st[j] >> 1) & 0x55555555u;
      count += live == 0;
    }
  }
  return count;
}

static const char *const errtext[BUDDY_NERR] = {
  [BUDDY_OK]       = "ok",
  [BUDDY_EOUTSIDE] = "not an address kmalloc manages",
  [BUDDY_ENOTHELD] = "not in a page kmalloc holds (never allocated, or already freed)",
  [BUDDY_EMETA]    = "points into kmalloc's own bookkeeping",
  [BUDDY_EALIGN]   = "not aligned to a 16-byte block boundary",
  [BUDDY_EINLIVE]  = "points inside a live block, not at its start",
  [BUDDY_EINFREE]  = "points inside a free block (freed already, or never a block start)",
  [BUDDY_EFREE]    = "double free: the block is already free",
  [BUDDY_ECACHED]  = "double free: the block is already free (in a per-CPU cache)",
  [BUDDY_ECORRUPT] = "kmalloc bookkeeping for this page is corrupt",
};

const char *buddy_strerror(int err) {
  if (err < 0 || err >= BUDDY_NERR)
    return "unknown error";
  return errtext[err];
}

void buddy_report(const struct buddy *b, const void *p, int err) {
  b->report(b->rctx, p, buddy_strerror(err));
}
