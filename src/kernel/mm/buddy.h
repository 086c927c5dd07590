// Buddy allocator core: carves 4096-byte pages into power-of-two blocks
// of 16..4096 bytes, splits larger free blocks on demand and joins a freed
// block with its free buddy again and again, handing a page back to its
// source the moment every block in it is free.
//
// This file and buddy.c are pure logic: no locks, no kernel calls. The
// kernel (mm/kmalloc.c) wraps them in a global lock and per-CPU caches; the
// host tests and the benchmark link the very same buddy.c against a page
// source built on aligned_alloc().
//
// Metadata and why there is no per-allocation header
// ---------------------------------------------------
// Every page the core could ever own has one 32-bit word in `meta[]`,
// indexed by page number from `base` (kernel: 57344 pages of 224 MiB,
// 224 KiB of bss). The word says what the page is:
//   0               not ours
//   WHOLE           one 4096-byte block (kmalloc(4096) costs one page and
//                   nothing else); the requested size lives in the word too
//   REC | offset    a page split into smaller blocks; offset locates its
//                   256-byte record (below)
//   POOL            a page that stores records
// A split page's record describes the page's buddy tree, 511 nodes
// numbered like a heap (node 1 = the 4096-byte page, its halves 2 and 3,
// ..., the 16-byte pieces 256..511), with two bits per node:
//   A F
//   0 0   not a block (split further, or part of a bigger block)
//   0 1   free, on the core's free list of its order
//   1 0   live: handed out
//   1 1   parked in a per-CPU cache: free for the caller, held for the core
// plus the "slack" (block size minus bytes requested) of each live block,
// so statistics can report the bytes actually requested. Records cost
// 1/16 of a page, only for split pages, and live in separate pool pages so
// that no block ever loses bytes to bookkeeping. Free blocks carry their
// free-list links in their own first bytes (they are free, after all).

// Concurrency contract (what kmalloc.c relies on)
// -----------------------------------------------
// buddy_alloc, buddy_free, buddy_free_cached, buddy_drainable_pages and the
// statistics need the caller's global lock. buddy_locate, buddy_find_live,
// buddy_park and buddy_unpark (the last three inline below, for the fast
// path) do not: they touch only the block the caller owns (its A bit is
// set, so its page and record cannot go away) and change its F bit and
// slack with atomic instructions, which is why every update of the
// node-state words anywhere is an atomic read-modify-write.
#ifndef KERNEL_MM_BUDDY_H
#define KERNEL_MM_BUDDY_H

#include "types.h"

typedef __UINTPTR_TYPE__ bptr;   // pointer-sized integer (32 bits in the kernel)

#define BUDDY_MINSHIFT  4                     // smallest block: 16 bytes
#define BUDDY_PGSHIFT   12                    // a page: 4096 bytes
#define BUDDY_PGSIZE    (1u << BUDDY_PGSHIFT)
#define BUDDY_NORDER    (BUDDY_PGSHIFT - BUDDY_MINSHIFT + 1)   // orders 0..8
#define BUDDY_TOP       (BUDDY_NORDER - 1)                     // order of a whole page
#define BUDDY_UNITS     (1u << BUDDY_TOP)                      // 16-byte units per page
#define BUDDY_MAXREQ    BUDDY_PGSIZE

// Where pages come from and go back to.
struct buddy_pagesrc {
  void *(*get)(void *ctx);              // one page-aligned page, or 0
  void  (*put)(void *ctx, void *page);
  void  *ctx;
};

// Called once for each bad free / bad query. `why` is a constant string.
typedef void (*buddy_report_fn)(void *ctx, const void *addr, const char *why);

// Error codes of buddy_locate (0 means "a block starts here").
enum {
  BUDDY_OK = 0,
  BUDDY_EOUTSIDE,     // not inside the memory the core covers
  BUDDY_ENOTHELD,     // page not held by the core (never allocated, or freed)
  BUDDY_EMETA,        // inside a page of bookkeeping records
  BUDDY_EALIGN,       // not a multiple of 16 bytes
  BUDDY_EINLIVE,      // inside a live block, not at its start
  BUDDY_EINFREE,      // inside a free block
  BUDDY_EFREE,        // start of a block that is already free
  BUDDY_ECACHED,      // start of a block already freed into a per-CPU cache
  BUDDY_ECORRUPT,     // the page's record makes no sense
  BUDDY_NERR
};

// Per-page record (see above). 256 bytes, 256-byte aligned. The A and F
// bits of a node sit next to each other (bit 2i%32 is A, the next is F) so
// one load answers "what is node i".
struct buddy_rec {
  uint  st[32];       // 2 bits per node 1..511: A (live or cached), F (free or cached)
  uchar slack[128];   // order 0: nibble per unit; order 1: byte; order >= 2: ushort
};

// A free block's first bytes: links of its order's free list.
struct buddy_link {
  struct buddy_link *next, *prev;
};

// Header in slot 0 of every pool page; slots 1..15 are records.
struct buddy_pool {
  struct buddy_pool *next, *prev;   // pool pages with a free slot
  uint freemask;                    // bit s: slot s is free
};

struct buddy {
  bptr base;                 // address of page 0
  uint npages;               // pages covered by meta[]
  uint *meta;                // one word per page, zeroed by the caller
  struct buddy_link head[BUDDY_NORDER];   // circular lists with sentinels
  uint nonempty;             // bit k: head[k] has a block
  struct buddy_pool pools;   // sentinel of pool pages with room
  struct buddy_pagesrc src;
  buddy_report_fn report;
  void *rctx;
  int poison;                // -1, or a byte written over unlinked blocks and new pages

  // Statistics (under the caller's lock).
  uint pages;                // pages holding blocks
  uint metapages;            // pool pages
  uint splits, merges, failures;
  uint pagegets, pageputs;
  uint nfree[BUDDY_NORDER];  // blocks on free lists
  uint nheld[BUDDY_NORDER];  // blocks live or cached
};

// Where a block is, as found by buddy_locate.
struct buddy_loc {
  uint *word;                // the page's meta word
  struct buddy_rec *rec;     // 0 for a whole-page block
  uint node;                 // node index (1 for a whole page)
  int order;
  uint unit;                 // 16-byte unit of the block's start in its page
};

void  buddy_init(struct buddy *b, void *base, uint npages, uint *meta,
                 const struct buddy_pagesrc *src, buddy_report_fn report, void *rctx);

// Order for a request of n bytes, or -1 if n is 0 or above 4096.
static inline int buddy_order(uint n) {
  if (n - 1 >= BUDDY_MAXREQ)
    return -1;
  if (n <= (1u << BUDDY_MINSHIFT))
    return 0;
  // Index of the highest set bit of n-1, plus one, is log2 of the
  // power of two that fits n.
  return 32 - __builtin_clz(n - 1) - BUDDY_MINSHIFT;
}

static inline uint buddy_size(int order) {
  return 1u << (order + BUDDY_MINSHIFT);
}

// Allocate a block of `order`. If `cached`, it starts parked (A=1 F=1)
// for a per-CPU cache and n is ignored; otherwise it is live with n bytes
// requested. 0 when the page source is empty. Needs the lock.
void *buddy_alloc(struct buddy *b, int order, uint n, int cached);

// Free a live block. Returns 0, or reports and returns -1 for anything
// that is not the start of a live block. Needs the lock.
int   buddy_free(struct buddy *b, void *p);

// Give a parked block back to the core (it merges like a free). Returns 0,
// or reports and returns -1 if p is not a parked block. Needs the lock.
int   buddy_free_cached(struct buddy *b, void *p);

// ---- lock-free fast paths (inline: they sit on kmalloc's hot path) ----------

#define BUDDY_TAG_MASK     3u
#define BUDDY_TAG_REC      1u    // split page: word & ~0xff is the record's offset from base
#define BUDDY_TAG_WHOLE    2u    // one 4096-byte block
#define BUDDY_TAG_POOL     3u    // page of records
#define BUDDY_WHOLE_CACHED 4u    // the whole-page block is parked in a per-CPU cache
#define BUDDY_WHOLE_SLACK  12    // shift of a whole-page block's slack in its word
#define BUDDY_A            1u    // node state bits
#define BUDDY_F            2u

// Node of the block of `order` that contains 16-byte unit `unit`.
static inline uint buddy_node(int order, uint unit) {
  return (BUDDY_UNITS >> order) + (unit >> order);
}

// State bits (BUDDY_A | BUDDY_F) of node i. The words are shared with
// lock-free park/unpark on other CPUs, so every access is atomic; relaxed
// order suffices because the A bits that decide anything change only under
// the caller's lock.
static inline uint buddy_state(const struct buddy_rec *r, uint i) {
  return (__atomic_load_n(&r->st[i >> 4], __ATOMIC_RELAXED) >> ((i & 15) * 2)) & 3;
}
static inline uint buddy_state_set(struct buddy_rec *r, uint i, uint bits) {  // old bits
  uint sh = (i & 15) * 2;
  return (__atomic_fetch_or(&r->st[i >> 4], bits << sh, __ATOMIC_RELAXED) >> sh) & 3;
}
// Atomically set F of node i; returns its old value. One `lock bts` on x86
// (the generic fetch_or would need a compare-and-swap loop to return it).
static inline uint buddy_claim_f(struct buddy_rec *r, uint i) {
#if defined(__i386__) || defined(__x86_64__)
  uchar old;
  asm volatile("lock btsl %2, %0; setc %1"
               : "+m"(r->st[i >> 4]), "=q"(old) : "r"((i & 15) * 2 + 1) : "cc", "memory");
  return old;
#else
  return (buddy_state_set(r, i, BUDDY_F) & BUDDY_F) != 0;
#endif
}
static inline void buddy_state_clr(struct buddy_rec *r, uint i, uint bits) {
  __atomic_fetch_and(&r->st[i >> 4], ~(bits << ((i & 15) * 2)), __ATOMIC_RELAXED);
}

static inline struct buddy_rec *buddy_rec_at(const struct buddy *b, uint word) {
  return (struct buddy_rec *)(b->base + (word & ~0xffu));
}
static inline uint *buddy_word(const struct buddy *b, const void *p) {
  return &b->meta[((bptr)p - b->base) >> BUDDY_PGSHIFT];
}

// Slack of a live block. Order 0 has one nibble (its only unit); order 1
// owns a whole byte; order 2 and up own at least four nibbles, so a 16-bit
// halfword at the block's first unit holds up to 2047. Blocks never share
// bytes except two order-0 buddies, which update their nibbles atomically.
static inline void buddy_slack_set(struct buddy_rec *r, int order, uint unit, uint slack) {
  uchar *s = &r->slack[unit >> 1];
  if (order == 0)
    __atomic_fetch_or(s, (uchar)(slack << ((unit & 1) * 4)), __ATOMIC_RELAXED);
  else if (order == 1)
    __atomic_store_n(s, (uchar)slack, __ATOMIC_RELAXED);
  else
    __atomic_store_n((ushort *)s, (ushort)slack, __ATOMIC_RELAXED);
}
static inline uint buddy_slack_get(const struct buddy_rec *r, int order, uint unit) {
  const uchar *s = &r->slack[unit >> 1];
  if (order == 0)
    return (__atomic_load_n(s, __ATOMIC_RELAXED) >> ((unit & 1) * 4)) & 15;
  if (order == 1)
    return __atomic_load_n(s, __ATOMIC_RELAXED);
  return __atomic_load_n((const ushort *)s, __ATOMIC_RELAXED);
}
// Not-live blocks keep zero slack, so buddy_slack_set may OR into a nibble.
static inline void buddy_slack_clear(struct buddy_rec *r, int order, uint unit) {
  uchar *s = &r->slack[unit >> 1];
  if (order == 0)
    __atomic_fetch_and(s, (uchar)~(15u << ((unit & 1) * 4)), __ATOMIC_RELAXED);
  else if (order == 1)
    __atomic_store_n(s, (uchar)0, __ATOMIC_RELAXED);
  else
    __atomic_store_n((ushort *)s, (ushort)0, __ATOMIC_RELAXED);
}

// Find what p points at. Returns BUDDY_OK with *loc filled when p is the
// start of a live block (A=1 F=0); BUDDY_ECACHED / BUDDY_EFREE (*loc filled)
// for a parked / free block start; another error code otherwise. No lock:
// exact when p is live and owned by the caller (nobody else can change its
// node or the nodes inside it), a best-effort diagnosis otherwise.
int buddy_locate(const struct buddy *b, const void *p, struct buddy_loc *loc);

// The fast path of buddy_locate: 0 with *loc filled if p is the start of a
// live block, -1 for anything else (then ask buddy_locate what is wrong).
static inline __attribute__((always_inline))
int buddy_find_live(const struct buddy *b, const void *p, struct buddy_loc *loc) {
  bptr a = (bptr)p;
  bptr idx = (a - b->base) >> BUDDY_PGSHIFT;   // below base wraps to a huge index
  if (idx >= b->npages)
    return -1;
  uint *word = &b->meta[idx];
  uint w = __atomic_load_n(word, __ATOMIC_RELAXED);
  uint unit = (a & (BUDDY_PGSIZE - 1)) >> BUDDY_MINSHIFT;
  loc->word = word;
  loc->unit = unit;
  if ((w & (BUDDY_TAG_MASK | BUDDY_WHOLE_CACHED)) == BUDDY_TAG_WHOLE) {
    loc->rec = 0;
    loc->node = 1;
    loc->order = BUDDY_TOP;
    return (a & (BUDDY_PGSIZE - 1)) ? -1 : 0;
  }
  if ((w & BUDDY_TAG_MASK) != BUDDY_TAG_REC || (a & ((1u << BUDDY_MINSHIFT) - 1)))
    return -1;
  // From the 16-byte node holding p up through its ancestors (node >> 1):
  // the first node with a state is the block containing p.
  struct buddy_rec *r = buddy_rec_at(b, w);
  uint node = BUDDY_UNITS + unit;
  for (int k = 0; k < BUDDY_TOP; k++, node >>= 1) {
    uint s = buddy_state(r, node);
    if (s == 0)
      continue;
    if (s != BUDDY_A || (unit & ((1u << k) - 1)))
      return -1;
    loc->rec = r;
    loc->node = node;
    loc->order = k;
    return 0;
  }
  return -1;
}

// Live -> parked, for a block just located. Returns the bytes that had
// been requested for it, or -1 if another CPU parked it first (a double
// free racing with itself). No lock.
static inline int buddy_park(const struct buddy_loc *loc) {
  if (loc->rec == 0) {
    uint old = __atomic_fetch_or(loc->word, BUDDY_WHOLE_CACHED, __ATOMIC_RELAXED);
    if (old & BUDDY_WHOLE_CACHED)
      return -1;
    __atomic_store_n(loc->word, BUDDY_TAG_WHOLE | BUDDY_WHOLE_CACHED, __ATOMIC_RELAXED);
    return BUDDY_PGSIZE - (old >> BUDDY_WHOLE_SLACK);
  }
  // Setting F is the claim: of two racing frees only one sees it clear.
  if (buddy_claim_f(loc->rec, loc->node))
    return -1;
  uint slack = buddy_slack_get(loc->rec, loc->order, loc->unit);
  buddy_slack_clear(loc->rec, loc->order, loc->unit);
  return buddy_size(loc->order) - slack;
}

// Parked -> live, recording n bytes requested. No lock (caller owns p).
static inline void buddy_unpark(const struct buddy *b, void *p, int order, uint n) {
  uint *word = buddy_word(b, p);
  uint size = buddy_size(order);
  if (order == BUDDY_TOP) {
    __atomic_store_n(word, BUDDY_TAG_WHOLE | ((size - n) << BUDDY_WHOLE_SLACK),
                     __ATOMIC_RELAXED);
    return;
  }
  struct buddy_rec *r = buddy_rec_at(b, *word);
  uint unit = ((bptr)p & (BUDDY_PGSIZE - 1)) >> BUDDY_MINSHIFT;
  buddy_slack_set(r, order, unit, size - n);
  buddy_state_clr(r, buddy_node(order, unit), BUDDY_F);
}

// Requested bytes of a live block (for statistics and tests).
static inline uint buddy_requested(const struct buddy_loc *loc) {
  if (loc->rec == 0)
    return BUDDY_PGSIZE - (*loc->word >> BUDDY_WHOLE_SLACK);
  return buddy_size(loc->order) - buddy_slack_get(loc->rec, loc->order, loc->unit);
}

// Pages that hold no live block (every block free or parked): exactly the
// pages a drain of all caches would hand back. Scans meta[]. Needs the lock.
uint  buddy_drainable_pages(const struct buddy *b);

const char *buddy_strerror(int err);

// Report err for address p through the callback.
void  buddy_report(const struct buddy *b, const void *p, int err);

#endif
