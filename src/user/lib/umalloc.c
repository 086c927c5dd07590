// malloc and free for user programs.
//
// Memory comes from sbrk in "arenas". Every block in an arena carries a
// boundary tag at both ends (its size with the low bit meaning "in use"),
// so free() can find and merge both neighbours in constant time. Free
// blocks are also threaded on one doubly linked list, searched first-fit.
//
//   arena:  [prologue tag] [block] [block] ... [epilogue tag]
//   block:  [tag] [payload ...] [tag]          (payload is 8-byte aligned)
//
// The prologue and epilogue are zero-sized tags marked in use, so merging
// stops at the arena edges without special cases. When sbrk hands back
// memory right after the previous arena, the old epilogue becomes the
// header of the new space and the two arenas join into one.

#include "types.h"
#include "user.h"

typedef uint tag_t;

#define INUSE   1u
#define TAGSZ   ((uint)sizeof(tag_t))
#define ALIGN   8u
#define MINBLK  16u            // tag + two list links + tag
#define CHUNK   (64u * 1024)   // usual size of one sbrk request
#define MAXREQ  0x7fff0000u    // larger requests cannot fit below KERNBASE

// The front of a free block; the links overlay the payload.
struct fblock {
  tag_t tag;
  struct fblock *next;
  struct fblock *prev;
};

static struct fblock *freelist;  // all free blocks, any order
static tag_t *epilogue;          // end tag of the most recent arena

static uint bsize(void *b) { return *(tag_t *)b & ~(ALIGN - 1); }

// Write matching tags at both ends of the block at b.
static void settags(void *b, uint size, uint used) {
  *(tag_t *)b = size | used;
  *(tag_t *)((char *)b + size - TAGSZ) = size | used;
}

static void list_add(struct fblock *f) {
  f->prev = 0;
  f->next = freelist;
  if (freelist)
    freelist->prev = f;
  freelist = f;
}

static void list_del(struct fblock *f) {
  if (f->prev)
    f->prev->next = f->next;
  else
    freelist = f->next;
  if (f->next)
    f->next->prev = f->prev;
}

void free(void *p) {
  if (p == 0)
    return;
  char *b = (char *)p - TAGSZ;
  uint size = bsize(b);

  // Merge with the following block if it is free.
  tag_t right = *(tag_t *)(b + size);
  if ((right & INUSE) == 0) {
    list_del((struct fblock *)(b + size));
    size += right & ~(ALIGN - 1);
  }
  // And with the preceding one; its end tag sits just before us.
  tag_t left = *(tag_t *)(b - TAGSZ);
  if ((left & INUSE) == 0) {
    b -= left & ~(ALIGN - 1);
    list_del((struct fblock *)b);
    size += left & ~(ALIGN - 1);
  }
  settags(b, size, 0);
  list_add((struct fblock *)b);
}

// Get at least `need` more bytes of block space from the kernel and put
// it on the free list. Returns 0 when the kernel has no more to give.
static int grow(uint need) {
  // Room for alignment slack plus a prologue and an epilogue tag.
  uint want = need + 3 * ALIGN;
  uint req = want < CHUNK ? CHUNK : want;
  req = (req + ALIGN - 1) & ~(ALIGN - 1);

  char *p = sbrk((int)req);
  if (p == (char *)-1 && req > want) {
    // Memory is short: ask for just what this request needs.
    req = (want + ALIGN - 1) & ~(ALIGN - 1);
    p = sbrk((int)req);
  }
  if (p == (char *)-1)
    return 0;

  char *b;
  uint size;
  if (epilogue != 0 && p == (char *)epilogue + TAGSZ) {
    // Directly after our last arena: extend it over the old epilogue.
    b = (char *)epilogue;
    size = req;
  } else {
    // A fresh arena. Payloads must be 8-aligned, so block headers sit
    // at 4 mod 8, right after an 8-aligned prologue tag.
    char *base = (char *)(((uint)p + ALIGN - 1) & ~(ALIGN - 1));
    *(tag_t *)base = INUSE;
    b = base + TAGSZ;
    uint end = (uint)p + req - TAGSZ;      // last place for the epilogue
    end -= (end - (uint)b) & (ALIGN - 1);  // keep block size a multiple of 8
    size = end - (uint)b;
  }
  epilogue = (tag_t *)(b + size);
  *epilogue = INUSE;
  // Hand the space over as an in-use block and free it: that merges it
  // with a free block at the end of the previous arena, if any.
  settags(b, size, INUSE);
  free(b + TAGSZ);
  return 1;
}

static struct fblock *first_fit(uint need) {
  for (struct fblock *f = freelist; f != 0; f = f->next)
    if (bsize(f) >= need)
      return f;
  return 0;
}

void *malloc(uint n) {
  if (n > MAXREQ)
    return 0;
  uint need = (n + 2 * TAGSZ + ALIGN - 1) & ~(ALIGN - 1);
  if (need < MINBLK)
    need = MINBLK;

  struct fblock *f = first_fit(need);
  if (f == 0) {
    if (!grow(need))
      return 0;
    f = first_fit(need);
    if (f == 0)
      return 0;
  }
  list_del(f);

  uint size = bsize(f);
  if (size - need >= MINBLK) {
    // Split: keep the front, return the tail to the free list.
    char *rest = (char *)f + need;
    settags(rest, size - need, 0);
    list_add((struct fblock *)rest);
    size = need;
  }
  settags(f, size, INUSE);
  return (char *)f + TAGSZ;
}
