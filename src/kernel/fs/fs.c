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

// Allocate a zeroed data block. Returns 0 when the disk is full.
static uint balloc(uint dev) {
  for (uint base = 0; base < sb.size; base += BPB) {
    struct buf *b = bread(dev, BBLOCK(base, sb));
    // Holding the bitmap block's lock makes test-and-set atomic.
    for (uint bit = 0; bit < BPB && base + bit < sb.size; bit++) {
      uchar mask = 1 << (bit % 8);
      if ((b->data[bit / 8] & mask) == 0) {
        b->data[bit / 8] |= mask;
        log_write(b);
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
    if (free_slot == 0 && ip->ref == 0)
      free_slot = ip;
  }
  if (free_slot == 0) {
    release(&itable.lock);
    return ITAKE_FULL;
  }

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
// inside a transaction (it may write), without holding ip->lock.
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
// addrs[0..NDIRECT-1] name the first data blocks directly; addrs[NDIRECT]
// names an indirect block holding NINDIRECT more. A zero entry is a hole
// (lseek may leave holes behind): it reads as zeros and gets a block the
// first time it is written.

// Disk block holding the bn'th block of ip, or 0 if there is none and
// `alloc` is clear (or the disk is full). Caller holds ip->lock; with
// alloc set it must be inside a transaction.
static uint bmap(struct inode *ip, uint bn, int alloc) {
  uint addr;

  if (bn < NDIRECT) {
    addr = ip->addrs[bn];
    if (addr == 0 && alloc)
      addr = ip->addrs[bn] = balloc(ip->dev);
    return addr;
  }
  bn -= NDIRECT;
  if (bn >= NINDIRECT)
    panic("bmap: block index beyond the largest file");

  uint ind = ip->addrs[NDIRECT];
  if (ind == 0) {
    if (!alloc)
      return 0;
    if ((ind = balloc(ip->dev)) == 0)
      return 0;
    ip->addrs[NDIRECT] = ind;
  }
  struct buf *b = bread(ip->dev, ind);
  uint *table = (uint *)b->data;
  addr = table[bn];
  if (addr == 0 && alloc) {
    addr = balloc(ip->dev);
    if (addr) {
      table[bn] = addr;
      log_write(b);
    }
  }
  brelse(b);
  return addr;
}

// Free all of ip's data blocks and make it empty. Caller holds ip->lock
// and is inside a transaction.
void itrunc(struct inode *ip) {
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i]) {
      bfree(ip->dev, ip->addrs[i]);
      ip->addrs[i] = 0;
    }
  }
  if (ip->addrs[NDIRECT]) {
    struct buf *b = bread(ip->dev, ip->addrs[NDIRECT]);
    uint *table = (uint *)b->data;
    for (uint j = 0; j < NINDIRECT; j++)
      if (table[j])
        bfree(ip->dev, table[j]);
    brelse(b);
    bfree(ip->dev, ip->addrs[NDIRECT]);
    ip->addrs[NDIRECT] = 0;
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
int readi(struct inode *ip, char *dst, uint off, uint n) {
  if (ip->type == T_DEV)
    return -1;   // devices are driven from file.c
  if (off + n < off)
    return -1;
  if (off >= ip->size)
    return 0;
  if (n > ip->size - off)
    n = ip->size - off;

  uint done = 0;
  while (done < n) {
    uint in_block = off % BSIZE;
    uint m = MIN(n - done, BSIZE - in_block);
    uint addr = bmap(ip, off / BSIZE, 0);
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
int writei(struct inode *ip, char *src, uint off, uint n) {
  if (ip->type == T_DEV)
    return -1;   // devices are driven from file.c
  if (off + n < off || off + n > MAXFILE * BSIZE)
    return -1;

  uint done = 0;
  while (done < n) {
    uint in_block = off % BSIZE;
    uint m = MIN(n - done, BSIZE - in_block);
    uint addr = bmap(ip, off / BSIZE, 1);
    if (addr == 0)
      break;   // disk full
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

// How many bytes from off (at most n) one log operation may write to ip,
// counting every block it may log: each file block touched, the inode,
// and for blocks still to be allocated (holes, or past the end) the
// bitmap blocks (one per allocation at worst, never more than the disk
// has) and the indirect block (allocated too if missing). Grows a block
// at a time while the total stays within MAXOPBLOCKS. Caller holds
// ip->lock, so the block map cannot change meanwhile.
static uint op_bytes(struct inode *ip, uint off, uint n) {
  if (off + n < off || off + n > MAXFILE * BSIZE)
    return n;                      // writei refuses all of it: nothing moves
  uint nbitmap = (sb.size - 1) / BPB + 1;
  uint data = 0, allocs = 0, indirect = 0, bytes = 0;
  while (bytes < n) {
    uint bn = (off + bytes) / BSIZE;
    uint a = allocs, ind = indirect;
    if (bmap(ip, bn, 0) == 0) {
      a++;
      if (bn >= NDIRECT && !ind) {
        ind = 1;                   // the indirect block gets the address
        if (ip->addrs[NDIRECT] == 0)
          a++;                     // ... and must be allocated first
      }
    }
    uint blocks = (data + 1) + (a < nbitmap ? a : nbitmap) + ind + 1;
    if (blocks > MAXOPBLOCKS)
      break;
    data++;
    allocs = a;
    indirect = ind;
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
    int r = writei(ip, src + done, *off, len);
    if (r > 0)
      *off += r;
    iunlock(ip);
    end_op();
    if (r < 0)
      return done > 0 ? (int)done : -1;
    done += r;
    if ((uint)r != len)
      break;                       // the disk is full
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
