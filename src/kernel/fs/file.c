// The open-file table and the operations on open files: reading and
// writing pipes, inodes and devices, seeking, closing.
#include "types.h"
#include "param.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "lock/spinlock.h"
#include "lock/sleeplock.h"
#include "dev/console.h"
#include "fs/file.h"
#include "mm/filemap.h"
#include "fs/inode.h"
#include "fs/log.h"
#include "fs/pipe.h"

struct devsw devsw[NDEV];

static struct {
  struct spinlock lock;   // guards every entry's ref (and type changes)
  struct file slot[NFILE];
} ftable;

void fileinit(void) {
  initlock(&ftable.lock, "ftable");
}

struct file *filealloc(void) {
  acquire(&ftable.lock);
  for (struct file *f = ftable.slot; f < ftable.slot + NFILE; f++) {
    if (f->ref == 0) {
      f->ref = 1;
      f->type = FD_NONE;
      f->readable = f->writable = 0;
      f->pipe = 0;
      f->ip = 0;
      f->off = 0;
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return 0;
}

struct file *filedup(struct file *f) {
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("filedup: file not open");
  f->ref++;
  release(&ftable.lock);
  return f;
}

void fileclose(struct file *f) {
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("fileclose: file not open");
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  // Last reference: take what we need, free the slot, then release the
  // underlying object without holding the spinlock (iput may sleep).
  struct file gone = *f;
  f->type = FD_NONE;
  f->pipe = 0;
  f->ip = 0;
  release(&ftable.lock);

  if (gone.type == FD_PIPE) {
    pipeclose(gone.pipe, gone.writable);
  } else if (gone.type == FD_INODE) {
    begin_op();   // the inode may have been unlinked: iput can free it
    iput(gone.ip);
    end_op();
  }
}

int filestat(struct file *f, struct stat *st) {
  if (f->type != FD_INODE)
    return -1;
  ilock(f->ip);
  stati(f->ip, st);
  iunlock(f->ip);
  return 0;
}

// The driver for a device major number, or 0.
static struct devsw *driver(short major) {
  if (major < 0 || major >= NDEV)
    return 0;
  return &devsw[major];
}

int fileread(struct file *f, char *dst, int n) {
  if (!f->readable || n < 0)
    return -1;
  if (f->type == FD_PIPE)
    return piperead(f->pipe, dst, n);
  if (f->type != FD_INODE)
    panic("fileread: bad file type");

  struct inode *ip = f->ip;
  int r;
  ilock(ip);
  if (ip->type == T_DEV) {
    // Drivers are called with the inode locked (see file.h).
    struct devsw *d = driver(ip->major);
    r = (d && d->read) ? d->read(ip, dst, n) : -1;
  } else {
    r = filemap_read(ip, dst, f->off, n);   // through the page cache
    if (r > 0)
      f->off += r;
  }
  iunlock(ip);
  return r;
}

int filewrite(struct file *f, char *src, int n) {
  if (!f->writable || n < 0)
    return -1;
  if (f->type == FD_PIPE)
    return pipewrite(f->pipe, src, n);
  if (f->type != FD_INODE)
    panic("filewrite: bad file type");

  struct inode *ip = f->ip;
  ilock(ip);
  if (ip->type == T_DEV) {
    // A device write changes nothing on disk: no transaction needed.
    struct devsw *d = driver(ip->major);
    int r = (d && d->write) ? d->write(ip, src, n) : -1;
    iunlock(ip);
    return r;
  }
  iunlock(ip);

  // Several log operations when the write is large (so it is not atomic
  // as a whole, as in xv6); fs.c sizes them.
  uint start = f->off;
  int r = writei_logged(ip, src, &f->off, n);
  if (f->off > start) {
    // Shared mappings see the new bytes at once (filemap.c).
    ilock(ip);
    filemap_written(ip, start, f->off - start);
    iunlock(ip);
  }
  return r == n ? n : -1;
}

int fileseek(struct file *f, int offset, int whence) {
  if (f->type != FD_INODE)
    return -1;   // pipes have no position

  struct inode *ip = f->ip;
  ilock(ip);
  int base;
  switch (ip->type == T_DEV ? -1 : whence) {
  case SEEK_SET:
    base = 0;
    break;
  case SEEK_CUR:
    base = f->off;
    break;
  case SEEK_END:
    base = ip->size;
    break;
  default:   // unknown whence, or a device (not seekable)
    iunlock(ip);
    return -1;
  }

  // base is never negative (offsets and sizes stay far below 2 GiB);
  // reject results that are negative or would overflow an int.
  int r = -1;
  if (!(offset > 0 && base > 0x7FFFFFFF - offset) && base + offset >= 0) {
    r = base + offset;
    f->off = r;   // past the end is fine: a later write leaves a hole
  }
  iunlock(ip);
  return r;
}

int nfiles_in_use(void) {
  int n = 0;
  acquire(&ftable.lock);
  for (struct file *f = ftable.slot; f < ftable.slot + NFILE; f++)
    if (f->ref > 0)
      n++;
  release(&ftable.lock);
  return n;
}
