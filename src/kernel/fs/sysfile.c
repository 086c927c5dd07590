// File-system system calls. Each handler fetches its own arguments
// (every user pointer is validated by the sysargs helpers before use)
// and returns the value the user sees; -1 means failure. Paths and exec's
// arguments are copied into the kernel first (MAXPATH, MAXARG,
// MAXARGBYTES in param.h) and only the copies are used.
//
// Directories that have been removed: a directory's link count is 0
// exactly when it has been unlinked (a directory can only be unlinked
// empty, and "." does not count). Such a directory may still be a
// process's current directory, or be held by a path walk that found it
// before the unlink. Nothing may be linked into it any more: create() and
// link() test the count while holding the parent's lock, the lock unlink()
// holds while it tests emptiness and drops the count, so either the new
// entry makes the unlink fail or the unlink makes the create fail.
// LINK_MAX bounds every link count, a directory's ".." links included.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "dev/console.h"
#include "lib/klib.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "fs/log.h"
#include "fs/pipe.h"
#include "fs/exec.h"
#include "mm/kalloc.h"

// Fetch argument n as a file descriptor of the current process.
static int argfd(int n, int *pfd, struct file **pf) {
  int fd;
  struct file *f;

  if (argint(n, &fd) < 0)
    return -1;
  if (fd < 0 || fd >= NOFILE || (f = myproc()->ofile[fd]) == 0)
    return -1;
  if (pfd)
    *pfd = fd;
  if (pf)
    *pf = f;
  return 0;
}

// Give f the lowest free descriptor. The caller's reference moves to the
// descriptor on success.
static int fdalloc(struct file *f) {
  struct proc *p = myproc();
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] == 0) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -1;
}

int sys_dup(void) {
  struct file *f;
  int fd;

  if (argfd(0, 0, &f) < 0)
    return -1;
  if ((fd = fdalloc(f)) < 0)
    return -1;
  filedup(f);
  return fd;
}

int sys_read(void) {
  struct file *f;
  int n;
  char *p;

  if (argfd(0, 0, &f) < 0 || argint(2, &n) < 0 || n < 0)
    return -1;
  if (argptr_rw(1, &p, n, 1) < 0)   // the kernel stores into it
    return -1;
  return fileread(f, p, n);
}

int sys_write(void) {
  struct file *f;
  int n;
  char *p;

  if (argfd(0, 0, &f) < 0 || argint(2, &n) < 0 || n < 0)
    return -1;
  if (argptr_rw(1, &p, n, 0) < 0)   // only read by the kernel
    return -1;
  return filewrite(f, p, n);
}

int sys_close(void) {
  int fd;
  struct file *f;

  if (argfd(0, &fd, &f) < 0)
    return -1;
  myproc()->ofile[fd] = 0;
  fileclose(f);
  return 0;
}

int sys_fstat(void) {
  struct file *f;
  struct stat *st;

  if (argfd(0, 0, &f) < 0 || argptr(1, (char **)&st, sizeof(*st)) < 0)
    return -1;
  return filestat(f, st);
}

int sys_lseek(void) {
  struct file *f;
  int offset, whence;

  if (argfd(0, 0, &f) < 0 || argint(1, &offset) < 0 || argint(2, &whence) < 0)
    return -1;
  return fileseek(f, offset, whence);
}

// link(old, new): another name for an existing non-directory.
int sys_link(void) {
  char old[MAXPATH], new[MAXPATH];
  char name[DIRSIZ];
  struct inode *ip, *dp;

  if (argstr(0, old, sizeof(old)) < 0 || argstr(1, new, sizeof(new)) < 0)
    return -1;

  begin_op();
  if ((ip = namei(old)) == 0) {
    end_op();
    return -1;
  }
  ilock(ip);
  if (ip->type == T_DIR || ip->nlink >= LINK_MAX) {
    iunlockput(ip);
    end_op();
    return -1;
  }
  // Count the link first: a crash between the two steps then leaves a
  // too-high count (harmless) rather than a dangling entry.
  ip->nlink++;
  iupdate(ip);
  iunlock(ip);

  if ((dp = nameiparent(new, name)) == 0)
    goto undo;
  ilock(dp);
  if (dp->nlink < 1 || dp->dev != ip->dev || dirlink(dp, name, ip->inum) < 0) {
    iunlockput(dp);
    goto undo;
  }
  iunlockput(dp);
  iput(ip);
  end_op();
  return 0;

undo:
  ilock(ip);
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  end_op();
  return -1;
}

// Is directory dp (locked) empty apart from "." and ".."?
static int dir_is_empty(struct inode *dp) {
  struct dirent de;
  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de)) {
    if (readi(dp, (char *)&de, off, sizeof(de)) != sizeof(de))
      panic("dir_is_empty: short directory read");
    if (de.inum != 0)
      return 0;
  }
  return 1;
}

int sys_unlink(void) {
  struct inode *ip, *dp;
  struct dirent de;
  char name[DIRSIZ], path[MAXPATH];
  uint off;

  if (argstr(0, path, sizeof(path)) < 0)
    return -1;

  begin_op();
  if ((dp = nameiparent(path, name)) == 0) {
    end_op();
    return -1;
  }
  ilock(dp);

  // "." and ".." are part of the directory structure, never removable.
  if (namecmp(name, ".") == 0 || namecmp(name, "..") == 0)
    goto fail;
  if ((ip = dirlookup(dp, name, &off)) == 0)
    goto fail;
  ilock(ip);
  if (ip->nlink < 1)
    panic("unlink: inode without links");
  if (ip->type == T_DIR && !dir_is_empty(ip)) {
    iunlockput(ip);
    goto fail;
  }

  memset(&de, 0, sizeof(de));
  if (writei(dp, (char *)&de, off, sizeof(de)) != sizeof(de))
    panic("unlink: cannot clear directory entry");
  if (ip->type == T_DIR) {
    dp->nlink--;   // the child's ".." no longer names dp
    iupdate(dp);
  }
  iunlockput(dp);

  // If the file is still open the inode lives on until the last close.
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  end_op();
  return 0;

fail:
  iunlockput(dp);
  end_op();
  return -1;
}

// Make a new inode named by path, or for T_FILE return an existing
// file or device of that name. Returns it locked, or 0. Inside a
// transaction.
static struct inode *create(char *path, short type, short major, short minor) {
  struct inode *ip, *dp;
  char name[DIRSIZ];

  if ((dp = nameiparent(path, name)) == 0)
    return 0;
  ilock(dp);
  // Removed since the walk found it (see the top of the file), or a new
  // directory's ".." would take dp past LINK_MAX.
  if (dp->nlink < 1 || (type == T_DIR && dp->nlink >= LINK_MAX)) {
    iunlockput(dp);
    return 0;
  }

  if ((ip = dirlookup(dp, name, 0)) != 0) {
    iunlockput(dp);
    ilock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEV))
      return ip;   // open(O_CREATE) of an existing file just opens it
    iunlockput(ip);
    return 0;
  }

  if ((ip = ialloc(dp->dev, type)) == 0) {
    iunlockput(dp);
    return 0;
  }
  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  iupdate(ip);

  if (type == T_DIR) {
    // "." does not count as a link (it would keep the directory alive
    // forever); ".." counts as a link to the parent, added below.
    if (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0)
      goto fail;
  }
  if (dirlink(dp, name, ip->inum) < 0)
    goto fail;
  if (type == T_DIR) {
    dp->nlink++;
    iupdate(dp);
  }
  iunlockput(dp);
  return ip;

fail:
  // Out of space: throw the new inode away (iput frees it and any block
  // its "." entries took).
  ip->nlink = 0;
  iupdate(ip);
  iunlockput(ip);
  iunlockput(dp);
  return 0;
}

int sys_open(void) {
  char path[MAXPATH];
  int omode, fd;
  struct file *f;
  struct inode *ip;

  if (argstr(0, path, sizeof(path)) < 0 || argint(1, &omode) < 0)
    return -1;

  begin_op();
  if (omode & O_CREATE) {
    if ((ip = create(path, T_FILE, 0, 0)) == 0) {
      end_op();
      return -1;
    }
  } else {
    if ((ip = namei(path)) == 0) {
      end_op();
      return -1;
    }
    ilock(ip);
    if (ip->type == T_DIR && omode != O_RDONLY) {
      iunlockput(ip);
      end_op();
      return -1;
    }
  }

  if ((f = filealloc()) == 0 || (fd = fdalloc(f)) < 0) {
    if (f)
      fileclose(f);   // still FD_NONE: just frees the slot
    iunlockput(ip);
    end_op();
    return -1;
  }
  iunlock(ip);
  end_op();

  f->type = FD_INODE;
  f->ip = ip;
  f->off = 0;
  f->readable = !(omode & O_WRONLY);
  f->writable = (omode & O_WRONLY) || (omode & O_RDWR);
  return fd;
}

int sys_mkdir(void) {
  char path[MAXPATH];
  struct inode *ip;

  if (argstr(0, path, sizeof(path)) < 0)
    return -1;
  begin_op();
  if ((ip = create(path, T_DIR, 0, 0)) == 0) {
    end_op();
    return -1;
  }
  iunlockput(ip);
  end_op();
  return 0;
}

int sys_mknod(void) {
  char path[MAXPATH];
  int major, minor;
  struct inode *ip;

  if (argstr(0, path, sizeof(path)) < 0 || argint(1, &major) < 0 || argint(2, &minor) < 0)
    return -1;
  begin_op();
  if ((ip = create(path, T_DEV, major, minor)) == 0) {
    end_op();
    return -1;
  }
  iunlockput(ip);
  end_op();
  return 0;
}

int sys_chdir(void) {
  char path[MAXPATH];
  struct inode *ip;
  struct proc *p = myproc();

  if (argstr(0, path, sizeof(path)) < 0)
    return -1;
  begin_op();
  if ((ip = namei(path)) == 0) {
    end_op();
    return -1;
  }
  ilock(ip);
  if (ip->type != T_DIR) {
    iunlockput(ip);
    end_op();
    return -1;
  }
  iunlock(ip);
  iput(p->cwd);   // may be the last reference to a removed directory
  end_op();
  p->cwd = ip;
  return 0;
}

// exec(path, argv): the path and every argument string are copied in
// first; the strings go one after another into one page (MAXARGBYTES).
int sys_exec(void) {
  char path[MAXPATH], *argv[MAXARG];
  int uargv, uarg, r = -1;

  if (argstr(0, path, sizeof(path)) < 0 || argint(1, &uargv) < 0)
    return -1;
  _Static_assert(MAXARGBYTES <= PGSIZE, "exec's argument strings fill at most a page");
  char *strings = kalloc();
  if (strings == 0)
    return -1;
  uint used = 0;
  for (int i = 0;; i++) {
    if (i >= MAXARG)
      goto out;   // no room left for the terminating 0
    if (fetchint((uint)uargv + 4 * i, &uarg) < 0)
      goto out;
    if (uarg == 0) {
      argv[i] = 0;
      break;
    }
    int len = fetchstr((uint)uarg, strings + used, MAXARGBYTES - used);
    if (len < 0)
      goto out;
    argv[i] = strings + used;
    used += len + 1;
  }
  r = exec(path, argv);
out:
  kfree(strings);
  return r;
}

int sys_pipe(void) {
  int *ufd;
  struct file *rf, *wf;
  int fd0, fd1;
  struct proc *p = myproc();

  if (argptr(0, (char **)&ufd, 2 * sizeof(ufd[0])) < 0)
    return -1;
  if (pipealloc(&rf, &wf) < 0)
    return -1;
  fd0 = -1;
  if ((fd0 = fdalloc(rf)) < 0 || (fd1 = fdalloc(wf)) < 0) {
    if (fd0 >= 0)
      p->ofile[fd0] = 0;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  ufd[0] = fd0;
  ufd[1] = fd1;
  return 0;
}
