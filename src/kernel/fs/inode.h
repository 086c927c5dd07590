// In-memory inodes, file contents, directories and path names.
//
// Locking protocol, as in xv6:
//  - iget() returns a referenced but unlocked inode; ilock() reads it in
//    from disk if needed and takes its sleeplock. The table holds NINODE
//    inodes; when all are in use iget (and so ialloc, dirlookup, namei,
//    nameiparent) returns 0 and the system call fails with -1.
//  - Anything that may free an inode or a block (iput, iunlockput,
//    itrunc, writei, dirlink, namei/nameiparent, ialloc) must run inside
//    begin_op()/end_op().
//  - An inode whose last link is gone stays alive until its last
//    reference is dropped with iput.
#ifndef KERNEL_FS_INODE_H
#define KERNEL_FS_INODE_H

#include "types.h"
#include "fs.h"
#include "lock/sleeplock.h"

struct stat;
struct pageset;

struct inode {
  uint dev;
  uint inum;
  int ref;                 // references; guarded by the inode table lock
  struct sleeplock lock;   // guards everything below
  int valid;               // fields below have been read from disk
  // The file's page cache (read() and MAP_SHARED mappings), or 0.
  // Owned by mm/filemap.c (guarded by `lock`). It outlives the file's
  // last close, but never pins the entry: recycling the entry for
  // another file, or freeing the file's blocks, drops it.
  struct pageset *mapcache;

  // Copy of the on-disk inode.
  short type;
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NADDRS];
};

// Boot: initialise the inode table (no disk I/O; may run from main()).
void iinit(int dev);
// First process: read the superblock and recover the log. Process context.
void fsinit(int dev);
// After fsinit: free inodes left allocated with no links by a crash (files
// unlinked while open). Returns the number freed. Process context.
int fs_free_orphans(int dev);
// Free blocks on the disk right now (after fsinit; memstat reports it).
uint fs_free_blocks(void);

struct inode *ialloc(uint dev, short type);   // 0 if no free inode (disk or table)
struct inode *iget(uint dev, uint inum);      // 0 if the table is full
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);
void iunlockput(struct inode *ip);
void iupdate(struct inode *ip);
void itrunc(struct inode *ip);
void stati(struct inode *ip, struct stat *st);
// dst/src may be kernel addresses or (already validated) user addresses
// of the current process. Device inodes are not handled here (see
// file.c); they return -1.
int readi(struct inode *ip, char *dst, uint off, uint n);
// How many of the n bytes at off a read of ip gets: 0 at or past the end
// of the file, -1 when the range wraps (a bad request). Caller holds ip->lock.
int readi_span(struct inode *ip, uint off, uint n);
int writei(struct inode *ip, char *src, uint off, uint n);
// Write n bytes at *off as a series of log operations, each sized for the
// blocks it may log (data, bitmap, tables, inode: never more than
// MAXOPBLOCKS), advancing *off under ip's lock after each. The one way to
// write more than a few blocks (write(), mapped-page write-back). Caller
// holds no lock and is outside any operation. Returns the bytes written
// (short only when the disk is full) or -1 if nothing could be.
int writei_logged(struct inode *ip, char *src, uint *off, uint n);

int namecmp(const char *s, const char *t);
struct inode *dirlookup(struct inode *dp, char *name, uint *poff);  // 0: none, or table full
int dirlink(struct inode *dp, char *name, uint inum);
struct inode *namei(char *path);
struct inode *nameiparent(char *path, char *name);

#endif
