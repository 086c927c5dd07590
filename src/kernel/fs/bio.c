// Buffer cache: NBUF block buffers shared by everyone who reads or
// writes the disk.
//
// At most one buffer exists per (dev, blockno), so all users of a block
// see the same bytes, and its sleeplock serialises them. A buffer whose
// reference count is zero may be recycled for another block; the least
// recently released one goes first. The log pins blocks of uncommitted
// transactions by holding an extra reference.
#include "types.h"
#include "param.h"
#include "fs.h"
#include "lock/spinlock.h"
#include "lock/sleeplock.h"
#include "proc/proc.h"
#include "dev/console.h"
#include "dev/ide.h"
#include "lib/klib.h"
#include "fs/buf.h"

static struct {
  struct spinlock lock;   // guards refcnt, identity and the LRU list
  struct buf slot[NBUF];
  // Sentinel of a circular list ordered by last release:
  // lru.newer is the most recently used buffer, lru.older the least.
  struct buf lru;
  int waiting;            // bget() calls sleeping for a free buffer
} cache;

// Unlink b from the LRU list. Caller holds cache.lock.
static void lru_remove(struct buf *b) {
  b->newer->older = b->older;
  b->older->newer = b->newer;
}

// Put b at the most-recently-used end. Caller holds cache.lock.
static void lru_push_newest(struct buf *b) {
  b->older = &cache.lru;
  b->newer = cache.lru.newer;
  cache.lru.newer->older = b;
  cache.lru.newer = b;
}

void binit(void) {
  initlock(&cache.lock, "bcache");
  cache.lru.newer = cache.lru.older = &cache.lru;
  for (struct buf *b = cache.slot; b < cache.slot + NBUF; b++) {
    initsleeplock(&b->lock, "buffer");
    lru_push_newest(b);
  }
}

// Find or make the cache entry for a block and return it locked. The
// contents are valid only if B_VALID is set.
static struct buf *bget(uint dev, uint blockno) {
  struct buf *b;

  acquire(&cache.lock);
  for (;;) {
    // Already cached? Searching from the newest end finds hot blocks fast.
    for (b = cache.lru.newer; b != &cache.lru; b = b->newer) {
      if (b->dev == dev && b->blockno == blockno) {
        b->refcnt++;
        release(&cache.lock);
        acquiresleep(&b->lock);
        return b;
      }
    }

    // Recycle the least recently used idle buffer. An idle buffer may
    // still be dirty only if someone wrote it without bwrite; never lose
    // that.
    int busy = 0;
    for (b = cache.lru.older; b != &cache.lru; b = b->older) {
      if (b->refcnt == 0 && !(b->flags & B_DIRTY)) {
        b->dev = dev;
        b->blockno = blockno;
        b->flags = 0;      // contents belong to the old block
        b->refcnt = 1;
        b->pins = 0;
        release(&cache.lock);
        acquiresleep(&b->lock);
        return b;
      }
      if (b->refcnt > b->pins)
        busy = 1;
    }

    // Everything is in use. If some buffers are merely being used for a
    // moment (not pinned by the log) one will come back: wait for it and
    // look again (the block may even have been cached meanwhile). If the
    // log pins them all, nothing can free one.
    if (!busy)
      panic("bget: every buffer is pinned by the log");
    cache.waiting++;
    sleep(&cache, &cache.lock);
    cache.waiting--;
  }
}

struct buf *bread(uint dev, uint blockno) {
  struct buf *b = bget(dev, blockno);
  if (!(b->flags & B_VALID))
    iderw(b);
  return b;
}

struct buf *bzeroed(uint dev, uint blockno) {
  struct buf *b = bget(dev, blockno);
  memset(b->data, 0, BSIZE);
  b->flags |= B_VALID;
  return b;
}

void bwrite(struct buf *b) {
  if (!holdingsleep(&b->lock))
    panic("bwrite: buffer not locked");
  b->flags |= B_DIRTY;
  iderw(b);
}

void brelse(struct buf *b) {
  if (!holdingsleep(&b->lock))
    panic("brelse: buffer not locked");
  releasesleep(&b->lock);

  acquire(&cache.lock);
  if (b->refcnt == 0)
    panic("brelse: reference count underflow");
  b->refcnt--;
  if (b->refcnt == 0) {
    // Now idle: make it the last candidate for recycling.
    lru_remove(b);
    lru_push_newest(b);
    if (cache.waiting)
      wakeup(&cache);   // a bget() is waiting for a free buffer
  }
  release(&cache.lock);
}

void bpin(struct buf *b) {
  acquire(&cache.lock);
  b->refcnt++;
  b->pins++;
  release(&cache.lock);
}

void bunpin(struct buf *b) {
  acquire(&cache.lock);
  if (b->pins == 0 || b->refcnt == 0)
    panic("bunpin: buffer not pinned");
  b->pins--;
  b->refcnt--;
  if (b->refcnt == 0 && cache.waiting)
    wakeup(&cache);
  release(&cache.lock);
}
