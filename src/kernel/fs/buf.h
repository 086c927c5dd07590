// Block buffers: in-memory copies of disk blocks, shared through the
// buffer cache (bio.c) and filled or flushed by the disk driver.
#ifndef KERNEL_FS_BUF_H
#define KERNEL_FS_BUF_H

#include "types.h"
#include "fs.h"
#include "lock/sleeplock.h"

// flags
#define B_VALID 0x2   // data[] holds the block's contents
#define B_DIRTY 0x4   // data[] must go to disk (the driver clears it)

struct buf {
  int flags;
  uint dev;
  uint blockno;
  struct sleeplock lock;  // owner may read/modify data[] and do I/O
  uint refcnt;            // holders plus log pins; guarded by the cache lock
  uint pins;              // how many of those references are log pins
  struct buf *newer;      // LRU list neighbours (cache lock)
  struct buf *older;
  struct buf *qnext;      // disk request queue (driver lock)
  uchar data[BSIZE];
};

void binit(void);
// Return the block locked, with valid contents.
struct buf *bread(uint dev, uint blockno);
// Return the block locked, filled with zeros without reading the disk
// (for a block about to be overwritten whole).
struct buf *bzeroed(uint dev, uint blockno);
// Write a locked buffer to disk now.
void bwrite(struct buf *b);
// Unlock and drop a reference obtained from bread.
void brelse(struct buf *b);
// Keep a buffer in the cache without holding its lock (the log uses
// this for blocks of an uncommitted transaction).
void bpin(struct buf *b);
void bunpin(struct buf *b);

#endif
