// System calls for memory mappings: argument checking and the course's
// call form; the work happens in mm/mmap.c.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "mman.h"
#include "stat.h"
#include "memstat.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "proc/syscalls.h"
#include "mm/kmalloc.h"
#include "mm/mmap.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "lib/klib.h"

#define KNOWN_PROT  (PROT_READ | PROT_WRITE | PROT_EXEC)
#define KNOWN_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE)

// On i386 every readable page is executable and writable implies readable.
static int effective_prot(int prot) {
  if (prot & (PROT_WRITE | PROT_EXEC))
    prot |= PROT_READ;
  return prot;
}

// Validate a page-aligned user range; returns its page-rounded end, or 0.
static uint user_range_end(uint addr, uint len) {
  if (addr % PGSIZE || len == 0 || addr >= KERNBASE || len > KERNBASE - addr)
    return 0;
  return PGROUNDUP(addr + len);
}

// The file behind fd if it can be mapped, or 0.
static struct file *mappable_file(int fd) {
  struct proc *p = myproc();
  if (fd < 0 || fd >= NOFILE || p->ofile[fd] == 0)
    return 0;
  struct file *f = p->ofile[fd];
  if (f->type != FD_INODE || !f->readable)
    return 0;
  ilock(f->ip);
  int regular = f->ip->type == T_FILE;
  iunlock(f->ip);
  return regular ? f : 0;
}

int sys_mmap(void) {
  int addr, length, prot, flags, fd, offset;
  if (argint(0, &addr) < 0 || argint(1, &length) < 0 || argint(2, &prot) < 0 ||
      argint(3, &flags) < 0 || argint(4, &fd) < 0 || argint(5, &offset) < 0)
    return -1;
  if (length <= 0 || (prot & ~KNOWN_PROT) || (flags & ~KNOWN_FLAGS))
    return -1;
  int anon = (flags & MAP_ANONYMOUS) || fd == -1;

  // The course's form: flags == 0 means private anonymous memory or a
  // shared file mapping, and prot 0 then means read+write.
  int course = flags == 0;
  if (course) {
    flags = anon ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED;
    if (prot == 0)
      prot = PROT_READ | PROT_WRITE;
  } else {
    int kind = flags & (MAP_SHARED | MAP_PRIVATE);
    if (kind != MAP_SHARED && kind != MAP_PRIVATE)
      return -1;
    if (anon)
      flags |= MAP_ANONYMOUS;
  }
  if (offset < 0 || (!(course && !anon) && offset % PGSIZE))
    return -1;
  if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr % PGSIZE || (uint)addr >= KERNBASE))
    return -1;
  prot = effective_prot(prot);

  struct file *f = 0;
  if (!anon) {
    if ((f = mappable_file(fd)) == 0)
      return -1;
    if (!course && (flags & MAP_SHARED) && (prot & PROT_WRITE) && !f->writable)
      return -1;
    // The course's form on a file not open for writing: its stores can
    // never reach the file, so the mapping is private.
    if (course && !f->writable)
      flags = MAP_PRIVATE;
  }
  uint len = PGROUNDUP((uint)length);
  return mmap_map(myproc(), (uint)addr, len, prot, flags, course, f, anon ? 0 : (uint)offset);
}

int sys_munmap(void) {
  int addr, length;
  if (argint(0, &addr) < 0 || argint(1, &length) < 0)
    return -1;
  uint end = user_range_end((uint)addr, (uint)length);
  if (end == 0)
    return -1;
  return mmap_unmap(myproc(), (uint)addr, end);
}

int sys_mprotect(void) {
  int addr, length, prot;
  if (argint(0, &addr) < 0 || argint(1, &length) < 0 || argint(2, &prot) < 0)
    return -1;
  uint end = user_range_end((uint)addr, (uint)length);
  if (end == 0 || (prot & ~KNOWN_PROT))
    return -1;
  return mmap_protect(myproc(), (uint)addr, end, effective_prot(prot));
}

int sys_msync(void) {
  int addr, length, flags;
  if (argint(0, &addr) < 0 || argint(1, &length) < 0 || argint(2, &flags) < 0)
    return -1;
  uint end = user_range_end((uint)addr, (uint)length);
  if (end == 0 || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
      ((flags & MS_ASYNC) && (flags & MS_SYNC)))
    return -1;
  return mmap_sync(myproc(), (uint)addr, end, (uint)addr + (uint)length);
}

// pmap(pid, out, max): copy up to max region descriptions of pid (0 for
// the caller) to out; returns how many regions the process has.
int sys_pmap(void) {
  int pid, max;
  char *out;
  if (argint(0, &pid) < 0 || argint(2, &max) < 0 || max < 0)
    return -1;
  int cap = 4096 / sizeof(struct pmap_entry);
  if (max > cap)
    max = cap;
  if (argptr(1, &out, max * sizeof(struct pmap_entry)) < 0)
    return -1;
  struct pmap_entry *buf = kmalloc(max ? max * sizeof(*buf) : 1);
  if (buf == 0)
    return -1;
  if (pid == 0)
    pid = myproc()->pid;
  int n = proc_describe_regions(pid, buf, max);
  if (n >= 0)
    memmove(out, buf, (n < max ? n : max) * sizeof(*buf));
  kmfree(buf);
  return n;
}
