// Open files: the objects file descriptors point at, and the table of
// device drivers reached through device inodes.
#ifndef KERNEL_FS_FILE_H
#define KERNEL_FS_FILE_H

#include "types.h"
#include "param.h"

struct inode;
struct pipe;
struct stat;

struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE } type;
  int ref;              // descriptors (in any process) naming this; table lock
  char readable;
  char writable;
  struct pipe *pipe;    // FD_PIPE
  struct inode *ip;     // FD_INODE (regular file, directory or device)
  uint off;             // FD_INODE: position; guarded by ip's lock
};

// Device drivers, indexed by the major number of a T_DEV inode.
// read/write move n bytes between the device and dst/src, which may be a
// (validated) user address, and return the count or -1. As in xv6 they
// are entered with ip LOCKED (and outside any log transaction); a driver
// that may wait (the console waiting for input) should iunlock(ip) while
// it waits and ilock(ip) again before returning.
struct devsw {
  int (*read)(struct inode *ip, char *dst, int n);
  int (*write)(struct inode *ip, char *src, int n);
};

extern struct devsw devsw[NDEV];

#define CONSOLE 1   // major number of the console

void fileinit(void);
struct file *filealloc(void);            // ref 1, type FD_NONE; 0 if the table is full
struct file *filedup(struct file *f);
void fileclose(struct file *f);
int filestat(struct file *f, struct stat *st);
int fileread(struct file *f, char *dst, int n);
int filewrite(struct file *f, char *src, int n);
// Move f's offset (whence is SEEK_SET, SEEK_CUR or SEEK_END). Only for
// regular files and directories. Returns the new offset, or -1.
int fileseek(struct file *f, int offset, int whence);
int nfiles_in_use(void);                 // entries with ref > 0

#endif
