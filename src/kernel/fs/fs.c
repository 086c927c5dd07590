// The file system proper: block allocation, inodes, file contents,
// directories and path-name lookup. Layered on the buffer cache (bio.c)
// and the log (log.c); the system-call glue is in sysfile.c.
#include "types.h"
#include "param.h"
#include "stat.h"
#include "fs.h"
#include "lock/spinlock.h"
#include "lock/sleeplock.h"
#include "proc/proc.h"
#include "dev/console.h"
#include "lib/klib.h"
#include "fs/buf.h"
#include "fs/log.h"
#include "fs/inode.h"
#include "mm/filemap.h"
#include "mm/pageset.h"

_Static_assert(BSIZE % sizeof(struct dinode) == 0, "inodes must tile a block");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirents must tile a block");

#define MIN(a, b) ((a) < (b) ? (a) : (b))

// One file system per kernel; fsinit() fills this in.
static struct superblock sb;

static void read_superblock(int dev, struct superblock *out) {
  struct buf *b = bread(dev, 1);
  memmove(out, b->data, sizeof(*out));
  brelse(b);
}

// ---------------------------------------------------------------------
// Blocks

// Fill a newly allocated block with zeros, as part of the operation that
// allocated it. Its old contents are not read: they are about to go.
static void zero_block(uint dev, uint blockno) {
  struct buf *b = bzeroed(dev, blockno);
  log_write_fresh(b);
  brelse(b);
}

// Allocation state. Allocation is first fit; `next` is a low-water mark
// (no block below it is free, barring the race noted in balloc), so a
// search starts there: allocating a big file costs one bitmap pass in
// all, not one pass from block 0 per block, and a block just freed is
// the next one handed out (likely still in the buffer cache). `nfree`
// counts the clear bits of the bitmap: counted at mount, then kept by
// balloc and bfree (memstat reports it, so tests can see blocks come back).
// Lock order: a bitmap block's buffer lock, then bstate.lock.
static struct {
  struct spinlock lock;
  uint next;
  uint nfree;
} bstate;

static uint nbitmap_blocks(void) {
  return (sb.size + BPB - 1) / BPB;
}

// Count the free blocks and start allocating at the first one. Mount
// time, before any operation: reads the bitmap once (one block per
// 2 MiB of disk).
static void bstate_init(uint dev) {
  initlock(&bstate.lock, "bstate");
  bstate.nfree = 0;
  bstate.next = 0;
  int found = 0;
  for (uint base = 0; base < sb.size; base += BPB) {
    struct buf *b = bread(dev, BBLOCK(base, sb));
    for (uint bit = 0; bit < BPB && base + bit < sb.size; bit++) {
      uchar byte = b->data[bit / 8];
      if (bit % 8 == 0 && base + bit + 8 <= sb.size && (byte == 0xff || (byte == 0 && found))) {
        bstate.nfree += byte ? 0 : 8;   // a whole byte at once (the disk is mostly free)
        bit += 7;
        continue;
      }
      if (byte & (1 << (bit % 8)))
        continue;
      bstate.nfree++;
      if (!found) {
        bstate.next = base + bit;
        found = 1;
      }
    }
    brelse(b);
  }
}

uint fs_free_blocks(void) {
  acquire(&bstate.lock);
  uint n = bstate.nfree;
  release(&bstate.lock);
  return n;
}

// The bitmap blocks one write may set bits in. writei_logged sizes each
// operation for WRITE_BITMAPS bitmap blocks, not one per allocation (a
// page would then take two operations); balloc refuses a block under
// any further bitmap block and the write goes on in the next operation.
#define WRITE_BITMAPS 1
struct bbudget {
  uint max;
  uint n;
  uint blocks[1 + MAXDEPTH];
  int refused;   // balloc said no for the budget's sake (not a full disk)
};

// May the operation behind bb set a bit in bitmap block bb_block?
static int bbudget_admits(struct bbudget *bb, uint bb_block) {
  if (bb == 0)
    return 1;
  for (uint i = 0; i < bb->n; i++)
    if (bb->blocks[i] == bb_block)
      return 1;
  if (bb->n == bb->max) {
    bb->refused = 1;
    return 0;
  }
  bb->blocks[bb->n++] = bb_block;
  return 1;
}

// Allocate a zeroed data block. Returns 0 when the disk is full, or when
// the free block found lies under a bitmap block that budget bb (if any)
// does not admit. Searches the bitmap from bstate.next to the end, then
// from the start (a block freed below `next` while a search ran may be
// passed over by the mark; the wrap-around still finds it).
static uint balloc(uint dev, struct bbudget *bb) {
  acquire(&bstate.lock);
  uint start = bstate.next < sb.size ? bstate.next : 0;
  release(&bstate.lock);
  uint nbmap = nbitmap_blocks();
  // nbmap + 1 passes: the last one covers the first block's bits before start.
  for (uint i = 0; i <= nbmap; i++) {
    uint base = (start / BPB + i) % nbmap * BPB;
    struct buf *b = bread(dev, BBLOCK(base, sb));
    // Holding the bitmap block's lock makes test-and-set atomic.
    for (uint bit = i == 0 ? start % BPB : 0; bit < BPB && base + bit < sb.size; bit++) {
      if (bit % 8 == 0 && b->data[bit / 8] == 0xff) {
        bit += 7;   // eight blocks in use: skip the byte
        continue;
      }
      uchar mask = 1 << (bit % 8);
      if ((b->data[bit / 8] & mask) == 0) {
        if (!bbudget_admits(bb, BBLOCK(base, sb))) {
          brelse(b);
          return 0;
        }
        b->data[bit / 8] |= mask;
        log_write(b);
        acquire(&bstate.lock);
        bstate.nfree--;
        if (bstate.next == start)   // else bfree lowered it meanwhile: keep that
          bstate.next = base + bit + 1;
        release(&bstate.lock);
        brelse(b);
        zero_block(dev, base + bit);
        return base + bit;
      }
    }
    brelse(b);
  }
  cprintf("balloc: out of blocks\n");
  return 0;
}

static void bfree(uint dev, uint blockno) {
  if (blockno < sb.bmapstart || blockno >= sb.size)
    panic("bfree: block number out of range");
  struct buf *b = bread(dev, BBLOCK(blockno, sb));
  uint bit = blockno % BPB;
  uchar mask = 1 << (bit % 8);
  if ((b->data[bit / 8] & mask) == 0)
    panic("bfree: block already free");
  b->data[bit / 8] &= ~mask;
  log_write(b);
  // Before the bitmap block is unlocked: once it is, balloc may hand the
  // block out again, and the log must already know it is still in use on
  // disk until this group commits.
  log_freed(blockno);
  acquire(&bstate.lock);
  bstate.nfree++;
  if (blockno < bstate.next)
    bstate.next = blockno;
  release(&bstate.lock);
  brelse(b);
}

// ---------------------------------------------------------------------
// Inodes
//
// The table below caches in-memory inodes. An entry with ref > 0 is
// bound to (dev, inum); ref counts C pointers (open files, cwd, callers
// in the middle of something). `valid` says whether the copy of the
// on-disk fields has been loaded; it is loaded lazily by ilock() so that
// holding a reference (e.g. a cwd) costs no I/O.
//
// An inode number is reused only once no entry holds it: the last iput
// marks the disk inode free before it drops its reference, and an
// allocation sharing that entry would inherit the dying reference (its own
// last iput would then see two and never free the new inode).
//
// Lock order: an inode's sleeplock may be held while taking the table
// spinlock, never the other way round. Directory operations lock a
// parent before a child, never two unrelated inodes.

static struct {
  struct spinlock lock;   // guards ref, dev and inum of every entry
  struct inode slot[NINODE];
} itable;

static int itable_ready;

void iinit(int dev) {
  (void)dev;
  if (itable_ready)
    return;
  initlock(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    initsleeplock(&itable.slot[i].lock, "inode");
  itable_ready = 1;
}

void fsinit(int dev) {
  iinit(dev);
  read_superblock(dev, &sb);
  if (sb.size == 0 || sb.ninodes == 0 || sb.nlog < 2 || sb.bmapstart >= sb.size)
    panic("fsinit: bad superblock");
  cprintf("sb: size %d nblocks %d ninodes %d nlog %d logstart %d inodestart %d bmap start %d\n",
          sb.size, sb.nblocks, sb.ninodes, sb.nlog, sb.logstart, sb.inodestart, sb.bmapstart);
  initlog(dev, &sb);
  bstate_init(dev);   // after recovery: the bitmap is as committed
}

// Mount-time orphan sweep. A file unlinked while still open or mapped
// keeps its inode (nlink 0) until the last reference goes; a crash before
// then leaves an allocated inode that no directory names. Right after
// boot no file is open, so every such inode is an orphan: free each with
// the ordinary iput path, one transaction per inode. Returns how many.
int fs_free_orphans(int dev) {
  int freed = 0;
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *b = bread(dev, IBLOCK(inum, sb));
    struct dinode *d = (struct dinode *)b->data + inum % IPB;
    int orphan = d->type != 0 && d->nlink == 0;
    brelse(b);
    if (!orphan)
      continue;
    begin_op();
    struct inode *ip = iget(dev, inum);
    ilock(ip);     // loads nlink 0, so the iput below frees it
    iunlock(ip);
    iput(ip);
    end_op();
    freed++;
  }
  if (freed)
    cprintf("fs: freed %d orphaned inode%s\n", freed, freed == 1 ? "" : "s");
  return freed;
}

// The on-disk inode inum inside its (locked) block.
static struct dinode *dinode_in(struct buf *b, uint inum) {
  return (struct dinode *)b->data + inum % IPB;
}

// What taking a table entry for (dev, inum) came to.
enum itake {
  ITAKE_OK,     // *out is the entry, referenced
  ITAKE_FULL,   // every entry is in use
  ITAKE_BUSY,   // only with `fresh`: an entry still holds inum (an iput
                // is freeing the inode that had it)
};

// Take a reference on the entry for (dev, inum), binding a free entry if
// none holds it. With `fresh` (ialloc) an entry that already holds inum
// is not shared: the number is not reusable yet.
// Pages in ip's file cache (0 without one), for choosing an entry to recycle.
static uint cache_pages(struct inode *ip) {
  return ip->mapcache ? ip->mapcache->resident + 1 : 0;
}

static enum itake itake(uint dev, uint inum, int fresh, struct inode **out) {
  struct inode *free_slot = 0;

  acquire(&itable.lock);
  for (struct inode *ip = itable.slot; ip < itable.slot + NINODE; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      if (fresh) {
        release(&itable.lock);
        return ITAKE_BUSY;
      }
      ip->ref++;
      release(&itable.lock);
      *out = ip;
      return ITAKE_OK;
    }
    if (ip->ref == 0 && ip->mapcache && ip->dev == dev && ip->inum == inum && fresh)
      filemap_forget(ip);   // (cannot happen: freeing a file drops its cache)
    if (ip->ref == 0 && ip->mapcache && ip->dev == dev && ip->inum == inum) {
      // An unused entry still holding this file's page cache: take it
      // back, cache and all (the cache is kept current by write()).
      free_slot = ip;
      break;
    }
    // A free entry with no cache is the best one to recycle, then the one
    // whose cache holds the fewest pages (every program run leaves a
    // small cache of its text behind, exec maps it: those go before a
    // big file's). The count is read unlocked: a hint.
    if (ip->ref == 0 && (free_slot == 0 || cache_pages(free_slot) > cache_pages(ip)))
      free_slot = ip;
  }
  if (free_slot == 0) {
    release(&itable.lock);
    return ITAKE_FULL;
  }
  if (free_slot->mapcache && !(free_slot->dev == dev && free_slot->inum == inum))
    filemap_forget(free_slot);   // another file's cache: caches never pin entries

  free_slot->dev = dev;
  free_slot->inum = inum;
  free_slot->ref = 1;
  free_slot->valid = 0;
  release(&itable.lock);
  *out = free_slot;
  return ITAKE_OK;
}

// Allocate a free on-disk inode of the given type and return it
// referenced, unlocked. Returns 0 when there is none on disk, or no free
// entry in the inode table (then nothing on disk was claimed). A free
// disk inode whose entry an iput still holds is skipped (see above).
struct inode *ialloc(uint dev, short type) {
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *b = bread(dev, IBLOCK(inum, sb));
    struct dinode *d = dinode_in(b, inum);
    if (d->type == 0) {
      // Take the table entry first: claiming the disk inode and then
      // finding no entry would lose it (nothing would ever free it).
      struct inode *ip;
      enum itake r = itake(dev, inum, 1, &ip);
      if (r == ITAKE_FULL) {
        brelse(b);
        return 0;
      }
      if (r == ITAKE_BUSY) {
        brelse(b);
        continue;
      }
      memset(d, 0, sizeof(*d));
      d->type = type;       // claims it (we hold the block's lock)
      log_write(b);
      brelse(b);
      return ip;
    }
    brelse(b);
  }
  cprintf("ialloc: no inodes\n");
  return 0;
}

// Write ip's fields back to disk. Caller holds ip->lock and is inside a
// transaction; call after every change to a field that lives on disk.
void iupdate(struct inode *ip) {
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *d = dinode_in(b, ip->inum);
  d->type = ip->type;
  d->major = ip->major;
  d->minor = ip->minor;
  d->nlink = ip->nlink;
  d->size = ip->size;
  memmove(d->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(b);
  brelse(b);
}

// Get the table entry for (dev, inum), taking a reference. Neither locks
// nor reads the inode. Returns 0 when all NINODE entries are in use: a
// user can get there (open files, mappings and cwds each pin one), so
// every caller turns it into a failed call, never a panic.
struct inode *iget(uint dev, uint inum) {
  struct inode *ip;
  return itake(dev, inum, 0, &ip) == ITAKE_OK ? ip : 0;
}

struct inode *idup(struct inode *ip) {
  acquire(&itable.lock);
  ip->ref++;
  release(&itable.lock);
  return ip;
}

void ilock(struct inode *ip) {
  if (ip == 0 || ip->ref < 1)
    panic("ilock: no reference");
  acquiresleep(&ip->lock);
  if (!ip->valid) {
    struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
    struct dinode *d = dinode_in(b, ip->inum);
    ip->type = d->type;
    ip->major = d->major;
    ip->minor = d->minor;
    ip->nlink = d->nlink;
    ip->size = d->size;
    memmove(ip->addrs, d->addrs, sizeof(ip->addrs));
    brelse(b);
    ip->valid = 1;
    if (ip->type == 0)
      panic("ilock: inode is free on disk");
  }
}

void iunlock(struct inode *ip) {
  if (ip == 0 || ip->ref < 1 || !holdingsleep(&ip->lock))
    panic("iunlock: not locked");
  releasesleep(&ip->lock);
}

// Drop a reference. When it is the last one and no directory names the
// inode any more, free its blocks and the inode itself. Must be called
// inside a transaction (it may write), without holding ip->lock. Freeing
// a big file commits the caller's transaction part-way (itrunc): the
// callers that can drop the last reference to a big file (unlink, close,
// exec, exit, the orphan sweep) hold no other lock then.
//
// The inode's lock is taken only in that last case. Taking it on every
// call would deadlock: create() returns its new file locked while it
// drops the directory (iput(dp) waits for dp's lock), and a link() of the
// same name holds dp locked while dirlink() drops the file it found
// (iput(file) waits for the file's lock).
void iput(struct inode *ip) {
  acquire(&itable.lock);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    // Ours is the only reference and no directory leads here, so nobody
    // else holds or can take this lock: acquiring it does not wait. Once
    // the disk inode reads free, ialloc still leaves this number alone
    // until the ref-- below.
    release(&itable.lock);
    acquiresleep(&ip->lock);
    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;   // a later iget of this number must re-read it
    releasesleep(&ip->lock);
    acquire(&itable.lock);
  }
  ip->ref--;
  release(&itable.lock);
}

void iunlockput(struct inode *ip) {
  iunlock(ip);
  iput(ip);
}

// ---------------------------------------------------------------------
// File contents
//
// addrs[] (fs.h) names the first NDIRECT blocks directly, the next
// NINDIRECT through an indirect block and the rest through NDOUBLE
// doubly-indirect blocks; fs_bpath() says which. A zero entry, at any
// level, is a hole (lseek may leave holes behind): it reads as zeros and
// gets its blocks, tables included, the first time it is written.

// Disk block holding the bn'th block of ip, or 0 if there is none and
// `alloc` is clear (or balloc gave none). With alloc set, missing blocks
// and tables are allocated within budget bb (0: any bitmap block); the
// caller must be inside a transaction. Caller holds ip->lock.
static uint bmap_alloc(struct inode *ip, uint bn, int alloc, struct bbudget *bb) {
  struct bpath p;
  if (!fs_bpath(bn, &p))
    panic("bmap: block index beyond the largest file");

  uint addr = ip->addrs[p.slot];
  if (addr == 0) {
    if (!alloc || (addr = balloc(ip->dev, bb)) == 0)
      return 0;
    ip->addrs[p.slot] = addr;   // the caller's iupdate writes it
  }
  for (uint level = 0; level < p.depth; level++) {
    struct buf *b = bread(ip->dev, addr);
    uint *table = (uint *)b->data;
    uint next = table[p.idx[level]];
    if (next == 0 && alloc && (next = balloc(ip->dev, bb)) != 0) {
      table[p.idx[level]] = next;
      log_write(b);
    }
    brelse(b);
    if (next == 0)
      return 0;
    addr = next;
  }
  return addr;
}

// The bn'th block of ip, or 0 for a hole. Caller holds ip->lock.
static uint bmap(struct inode *ip, uint bn) {
  return bmap_alloc(ip, bn, 0, 0);
}

// Freeing a big file touches more bitmap blocks than one log operation
// may write, so itrunc frees from the end of the file and commits (and
// begins a new operation) whenever the next block's bitmap block would
// be one more than TRUNC_BITMAPS. Before each commit it clears, in the
// table blocks it is working through, the entries of the blocks freed so
// far, and writes the inode: every committed state is a consistent inode
// with holes, which the boot-time orphan sweep finishes freeing if a
// crash comes first. A table freed in the same transaction as what it
// pointed at is never written. Budget: MAXOPBLOCKS (10) = 3 the caller
// may have logged (unlink: directory block, directory inode, the file's
// inode) + the inode + MAXDEPTH tables + TRUNC_BITMAPS bitmap blocks.
#define TRUNC_BITMAPS 4
_Static_assert(3 + 1 + MAXDEPTH + TRUNC_BITMAPS <= MAXOPBLOCKS, "truncation budget");

struct trunc {
  struct inode *ip;
  uint nbitmaps;
  uint bitmaps[TRUNC_BITMAPS];   // bitmap blocks this operation has freed in
  uint depth;                    // tables on the way to the block being freed
  uint table[MAXDEPTH];          // those tables, top first
  uint lo[MAXDEPTH];             // entries lo.. of each are freed already
};

static void trunc_commit(struct trunc *t) {
  for (uint level = 0; level < t->depth; level++) {
    struct buf *b = bread(t->ip->dev, t->table[level]);
    memset((uint *)b->data + t->lo[level], 0, (NINDIRECT - t->lo[level]) * sizeof(uint));
    log_write(b);
    brelse(b);
  }
  iupdate(t->ip);
  end_op();
  begin_op();
  t->nbitmaps = 0;
}

// Make room in the current operation to free block b (see above).
// Called holding no buffer: a commit writes them.
static void trunc_room(struct trunc *t, uint b) {
  uint bb = BBLOCK(b, sb);
  for (uint i = 0; i < t->nbitmaps; i++)
    if (t->bitmaps[i] == bb)
      return;
  if (t->nbitmaps == TRUNC_BITMAPS)
    trunc_commit(t);
  t->bitmaps[t->nbitmaps++] = bb;
}

// Free table block tb, `depth` levels of tables deep (1: its entries are
// data blocks), with everything under it, last entry first.
static void trunc_tree(struct trunc *t, uint tb, uint depth) {
  uint dev = t->ip->dev;
  uint level = t->depth++;
  t->table[level] = tb;
  t->lo[level] = NINDIRECT;
  for (int j = NINDIRECT - 1; j >= 0; j--) {
    struct buf *b = bread(dev, tb);
    uint child = ((uint *)b->data)[j];
    brelse(b);
    if (child != 0 && depth > 1) {
      trunc_tree(t, child, depth - 1);
    } else if (child != 0) {
      trunc_room(t, child);
      bfree(dev, child);
    }
    t->lo[level] = j;
  }
  trunc_room(t, tb);   // a commit here writes tb empty: still consistent
  bfree(dev, tb);
  t->depth--;
}

// Free all of ip's blocks and make it empty. Caller holds ip->lock and
// is inside a transaction. A big file is freed over several transactions
// (see above): the caller must hold no other inode's lock and no buffer
// then, or a transaction it waits for could be waiting for it. An inode
// of a few blocks (create's new one) never needs a second transaction.
void itrunc(struct inode *ip) {
  filemap_forget(ip);   // the cached pages would outlive the bytes
  struct trunc t;
  memset(&t, 0, sizeof(t));
  t.ip = ip;
  for (int slot = NADDRS - 1; slot >= 0; slot--) {
    uint a = ip->addrs[slot];
    if (a == 0)
      continue;
    uint depth = fs_slot_depth(slot);
    if (depth > 0) {
      trunc_tree(&t, a, depth);
    } else {
      trunc_room(&t, a);
      bfree(ip->dev, a);
    }
    ip->addrs[slot] = 0;
  }
  ip->size = 0;
  iupdate(ip);
}

// Caller holds ip->lock.
void stati(struct inode *ip, struct stat *st) {
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

// Read up to n bytes at offset off. Returns the count read: short at end
// of file, 0 at or past it, -1 on a bad request. Caller holds ip->lock.
int readi_span(struct inode *ip, uint off, uint n) {
  if (off + n < off)
    return -1;
  if (off >= ip->size)
    return 0;
  return n > ip->size - off ? ip->size - off : n;
}

int readi(struct inode *ip, char *dst, uint off, uint n) {
  if (ip->type == T_DEV)
    return -1;   // devices are driven from file.c
  int span = readi_span(ip, off, n);
  if (span <= 0)
    return span;
  n = span;

  uint done = 0;
  while (done < n) {
    uint in_block = off % BSIZE;
    uint m = MIN(n - done, BSIZE - in_block);
    uint addr = bmap(ip, off / BSIZE);
    if (addr == 0) {
      memset(dst, 0, m);   // a hole
    } else {
      struct buf *b = bread(ip->dev, addr);
      memmove(dst, b->data + in_block, m);
      brelse(b);
    }
    done += m;
    off += m;
    dst += m;
  }
  return n;
}

// Write n bytes at offset off, growing the file as needed (an offset past
// the end leaves a hole). Returns the count written, which is short only
// if the disk fills up, or -1 on a bad request. Caller holds ip->lock and
// is inside a transaction; n must respect the per-operation block budget
// (writei_logged splits large writes accordingly).
static int writei_within(struct inode *ip, char *src, uint off, uint n, struct bbudget *bb) {
  if (ip->type == T_DEV)
    return -1;   // devices are driven from file.c
  if (off + n < off || off + n > MAXFILE * BSIZE)
    return -1;

  uint done = 0;
  while (done < n) {
    uint in_block = off % BSIZE;
    uint m = MIN(n - done, BSIZE - in_block);
    uint addr = bmap_alloc(ip, off / BSIZE, 1, bb);
    if (addr == 0)
      break;   // disk full (or, with bb, its bitmap blocks used up)
    struct buf *b = bread(ip->dev, addr);
    memmove(b->data + in_block, src, m);
    log_write(b);
    brelse(b);
    done += m;
    off += m;
    src += m;
  }

  // (Only bytes actually written extend the file: a failed write at an
  // offset past the end must not grow it.)
  if (done > 0 && off > ip->size)
    ip->size = off;
  // Even without growth bmap may have filled in addrs[] (holes).
  iupdate(ip);
  return done;
}

int writei(struct inode *ip, char *src, uint off, uint n) {
  return writei_within(ip, src, off, n, 0);
}

// What one log operation writing to ip may log, while op_bytes adds
// blocks to it: each table block (indirect or doubly-indirect) on the way
// to a block that gets allocated, and whether the table is new too.
#define OP_TABLES (MAXOPBLOCKS + MAXDEPTH)
struct opcost {
  uint data;                 // file blocks written
  uint allocs;               // blocks balloc hands out (data and tables)
  uint ntables;
  uint table_id[OP_TABLES];  // which table: slot and, below it, entry
};

// Blocks the operation logs: file blocks, bitmap blocks (one per
// allocation, at most WRITE_BITMAPS: balloc sees to that), tables, the
// inode.
static uint opcost_blocks(struct opcost *c) {
  return c->data + (c->allocs < WRITE_BITMAPS ? c->allocs : WRITE_BITMAPS) + c->ntables + 1;
}

// Note a table the operation writes (allocating it if `missing`).
static void opcost_table(struct opcost *c, uint id, int missing) {
  for (uint i = 0; i < c->ntables; i++)
    if (c->table_id[i] == id)
      return;   // counted already, allocation included
  c->table_id[c->ntables++] = id;
  if (missing)
    c->allocs++;
}

// Add file block bn to the operation.
static void opcost_add(struct opcost *c, struct inode *ip, uint bn) {
  c->data++;
  if (bmap(ip, bn) != 0)
    return;   // there already: only its contents are written
  c->allocs++;
  struct bpath p;
  fs_bpath(bn, &p);
  // Walk down while the tables exist; each table on the path is written
  // if it is new or its entry below gets a new block. The top table is
  // written only if the one below it is missing.
  uint addr = ip->addrs[p.slot];
  uint present[MAXDEPTH];
  for (uint level = 0; level < p.depth; level++) {
    present[level] = addr;
    if (addr) {
      struct buf *b = bread(ip->dev, addr);
      addr = ((uint *)b->data)[p.idx[level]];
      brelse(b);
    }
  }
  for (uint level = 0; level < p.depth; level++) {
    int missing = present[level] == 0;
    int child_missing = level + 1 == p.depth || present[level + 1] == 0;
    if (missing || child_missing)
      opcost_table(c, p.slot << 8 | (level == 0 ? 0xff : p.idx[0]), missing);
  }
}

// How many bytes from off (at most n) one log operation may write to ip:
// grows a block at a time while opcost_blocks stays within MAXOPBLOCKS.
// Always at least one block's worth (the assertion below), so a write
// always moves. Caller holds ip->lock, so the block map cannot change.
_Static_assert(1 + WRITE_BITMAPS + MAXDEPTH + 1 <= MAXOPBLOCKS, "one block per operation");
_Static_assert(WRITE_BITMAPS >= 1 && WRITE_BITMAPS <= 1 + MAXDEPTH, "bitmap budget");
static uint op_bytes(struct inode *ip, uint off, uint n) {
  if (off + n < off || off + n > MAXFILE * BSIZE)
    return n;                      // writei refuses all of it: nothing moves
  struct opcost c = {0, 0, 0, {0}};
  uint bytes = 0;
  while (bytes < n) {
    struct opcost next = c;
    opcost_add(&next, ip, (off + bytes) / BSIZE);
    if (opcost_blocks(&next) > MAXOPBLOCKS)
      break;
    c = next;
    bytes += BSIZE - (off + bytes) % BSIZE;
  }
  return bytes < n ? bytes : n;
}

int writei_logged(struct inode *ip, char *src, uint *off, uint n) {
  uint done = 0;
  while (done < n) {
    begin_op();
    ilock(ip);
    uint len = op_bytes(ip, *off, n - done);
    struct bbudget bb = {WRITE_BITMAPS, 0, {0}, 0};
    int r = writei_within(ip, src + done, *off, len, &bb);
    if (r > 0)
      *off += r;
    iunlock(ip);
    end_op();
    if (r < 0)
      return done > 0 ? (int)done : -1;
    done += r;
    // Short: the disk is full, or the next block lay under another
    // bitmap block (then this operation still allocated at least one
    // block or table, so the next one gets further).
    if ((uint)r != len && !bb.refused)
      break;
  }
  return done;
}

// ---------------------------------------------------------------------
// Directories

int namecmp(const char *s, const char *t) {
  return strncmp(s, t, DIRSIZ);
}

// The inode number name has in directory dp (locked), or 0; its entry's
// byte offset goes in *poff. Takes no inode reference, so it cannot fail
// for want of a table entry.
static uint dirfind(struct inode *dp, char *name, uint *poff) {
  struct dirent de;

  if (dp->type != T_DIR)
    panic("dirlookup: not a directory");
  for (uint off = 0; off < dp->size; off += sizeof(de)) {
    if (readi(dp, (char *)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlookup: short directory read");
    if (de.inum == 0)
      continue;
    if (namecmp(name, de.name) == 0) {
      if (poff)
        *poff = off;
      return de.inum;
    }
  }
  return 0;
}

// Look name up in directory dp (locked). On success return the entry's
// inode, referenced and unlocked, and its byte offset in *poff. Returns 0
// if there is no such entry or the inode table is full.
struct inode *dirlookup(struct inode *dp, char *name, uint *poff) {
  uint inum = dirfind(dp, name, poff);
  return inum ? iget(dp->dev, inum) : 0;
}

// Add the entry (name, inum) to directory dp (locked), reusing a free
// slot if there is one. Returns -1 if the name exists or the disk is full.
int dirlink(struct inode *dp, char *name, uint inum) {
  struct dirent de;
  uint off;

  if (dirfind(dp, name, 0) != 0)
    return -1;

  for (off = 0; off < dp->size; off += sizeof(de)) {
    if (readi(dp, (char *)&de, off, sizeof(de)) != sizeof(de))
      panic("dirlink: short directory read");
    if (de.inum == 0)
      break;
  }

  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if (writei(dp, (char *)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// ---------------------------------------------------------------------
// Path names

// Copy the first element of path into name (DIRSIZ bytes, NUL-terminated
// when shorter; longer elements are cut to DIRSIZ) and return the rest
// of the path without leading slashes. Returns 0 if there is no element.
//   "a/bb/c" -> "bb/c", name "a"      "///a//b" -> "b", name "a"
//   "a"      -> "",     name "a"      "" or "//" -> 0
static char *skipelem(char *path, char *name) {
  while (*path == '/')
    path++;
  if (*path == 0)
    return 0;

  char *start = path;
  while (*path != '/' && *path != 0)
    path++;
  int len = path - start;
  if (len >= DIRSIZ) {
    memmove(name, start, DIRSIZ);
  } else {
    memmove(name, start, len);
    name[len] = 0;
  }

  while (*path == '/')
    path++;
  return path;
}

// Walk path. With want_parent set, stop one element early: return the
// parent directory and leave the last element in name (DIRSIZ bytes).
// The result is referenced and unlocked. Must run inside a transaction
// (dropping references may free inodes).
static struct inode *walk(char *path, int want_parent, char *name) {
  struct inode *ip, *next;

  if (*path == '/')
    ip = iget(ROOTDEV, ROOTINO);
  else
    ip = idup(myproc()->cwd);
  if (ip == 0)
    return 0;   // the inode table is full

  while ((path = skipelem(path, name)) != 0) {
    ilock(ip);
    if (ip->type != T_DIR) {
      iunlockput(ip);
      return 0;
    }
    if (want_parent && *path == 0) {
      iunlock(ip);   // name is the last element
      return ip;
    }
    // A removed directory (no links; see sysfile.c) holds nothing but
    // "." now. Its ".." still names the old parent, which may have been
    // removed and freed since: only "." may be looked up in it.
    if (ip->nlink < 1 && namecmp(name, ".") != 0) {
      iunlockput(ip);
      return 0;
    }
    if ((next = dirlookup(ip, name, 0)) == 0) {
      iunlockput(ip);
      return 0;
    }
    // Release the directory before locking the child, so ".." lookups
    // cannot deadlock against a process walking downwards.
    iunlockput(ip);
    ip = next;
  }
  if (want_parent) {
    // The path had no elements ("/"): no parent to return.
    iput(ip);
    return 0;
  }
  return ip;
}

struct inode *namei(char *path) {
  char name[DIRSIZ];
  return walk(path, 0, name);
}

struct inode *nameiparent(char *path, char *name) {
  return walk(path, 1, name);
}
