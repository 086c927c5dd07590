// System calls for memory mappings: argument checking and decoding the
// call form (Linux or the course's, see mman.h); the work happens in
// mm/mmap.c, which never needs to know which form was used beyond the
// course_file marker of a file mapping.
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
#include "mm/vmobject.h"
#include "mm/filemap.h"
#include "mm/vmspace.h"
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

// The two ways of calling mmap (table in mman.h). Decided here once; the
// layers below see only plain flags and a course_file marker.
enum call_form {
  FORM_LINUX,    // MAP_SHARED, MAP_PRIVATE or MAP_SHARED_VALIDATE set
  FORM_COURSE,   // neither: the course's kernels' meaning
};

static enum call_form call_form(int flags) {
  return (flags & (MAP_SHARED | MAP_PRIVATE)) ? FORM_LINUX : FORM_COURSE;
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

// What a failed mmap returns: course code tests for 0 (NULL), Linux
// code for MAP_FAILED.
static int mmap_failure(enum call_form form) {
  return form == FORM_COURSE ? 0 : -1;
}

// The memory object (mm/vmobject.h) behind a mapping: the one place the
// call form decides how a region is backed.
static const struct vmobject_ops *backing_object(int anon, int course_file, int shared) {
  if (anon)
    return shared ? &vmo_anon_shared : &vmo_anon_private;
  if (course_file)
    return shared ? &filemap_course_shared : &filemap_course_private;
  return shared ? &filemap_cache_shared : &filemap_cache_private;
}

// mmap with its arguments checked and the call form decoded; -1 on failure.
static int do_mmap(uint addr, int length, int prot, int flags, int fd, int offset,
                   enum call_form form) {
  if (length <= 0 || (prot & ~KNOWN_PROT) || (flags & ~KNOWN_FLAGS) || offset < 0)
    return -1;
  int anon = (flags & MAP_ANONYMOUS) || fd == -1;
  int place = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
  int course_file = 0;   // the course's file form: see filemap.c

  if (form == FORM_COURSE) {
    // flags 0 with prot 0 is the course's read+write default; otherwise
    // prot counts, and course kernels map every page readable.
    if (flags == 0 && prot == 0)
      prot = PROT_READ | PROT_WRITE;
    prot |= PROT_READ;
    course_file = !anon;
    flags = (anon ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED) | place;
  } else {
    // MAP_SHARED_VALIDATE (both bits) is MAP_SHARED; unknown bits were refused above.
    if ((flags & MAP_SHARED_VALIDATE) == MAP_SHARED_VALIDATE)
      flags &= ~MAP_PRIVATE;
    if (anon)
      flags |= MAP_ANONYMOUS;
    if (offset % PGSIZE)
      return -1;
  }
  if (anon)
    offset = 0;
  if (place && (addr % PGSIZE || addr >= KERNBASE))
    return -1;
  prot = effective_prot(prot);

  struct file *f = 0;
  if (!anon) {
    if ((f = mappable_file(fd)) == 0)
      return -1;
    if (!course_file && (flags & MAP_SHARED) && (prot & PROT_WRITE) && !f->writable)
      return -1;
    // The course's file form on a file not open for writing: its stores
    // can never reach the file, so the mapping is private.
    if (course_file && !f->writable)
      flags = (flags & ~MAP_SHARED) | MAP_PRIVATE;
  }
  uint len = PGROUNDUP((uint)length);
  return mmap_map(myproc()->vm, addr, len, prot, flags,
                  backing_object(anon, course_file, flags & MAP_SHARED), f, (uint)offset);
}

int sys_mmap(void) {
  int a[6];
  if (argints(6, a) < 0)
    return -1;
  int addr = a[0], length = a[1], prot = a[2], flags = a[3], fd = a[4], offset = a[5];
  enum call_form form = call_form(flags);
  int r = do_mmap((uint)addr, length, prot, flags, fd, offset, form);
  return r == -1 ? mmap_failure(form) : r;
}

// Where the mmap calls' part of the address space begins: the program
// image (text, data, stack, heap) below it is regions too, but exec and
// sbrk own those (vmspace.c), not munmap, mprotect or msync.
static uint mmap_floor(struct vmspace *vm) {
  return PGROUNDUP(vmspace_heap_end(vm));
}

int sys_munmap(void) {
  int a[2];
  if (argints(2, a) < 0)
    return -1;
  int addr = a[0], length = a[1];
  uint end = user_range_end((uint)addr, (uint)length);
  if (end == 0)
    return -1;
  struct vmspace *vm = myproc()->vm;
  uint start = (uint)addr;
  if (start < mmap_floor(vm))
    start = mmap_floor(vm);     // no mapping there: nothing to unmap
  return start < end ? mmap_unmap(vm, start, end) : 0;
}

int sys_mprotect(void) {
  int a[3];
  if (argints(3, a) < 0)
    return -1;
  int addr = a[0], length = a[1], prot = a[2];
  uint end = user_range_end((uint)addr, (uint)length);
  if (end == 0 || (prot & ~KNOWN_PROT) || (uint)addr < mmap_floor(myproc()->vm))
    return -1;   // (below the floor: not a mapping)
  return mmap_protect(myproc()->vm, (uint)addr, end, effective_prot(prot));
}

int sys_msync(void) {
  int a[3];
  if (argints(3, a) < 0)
    return -1;
  int addr = a[0], length = a[1], flags = a[2];
  uint end = user_range_end((uint)addr, (uint)length);
  if (end == 0 || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
      ((flags & MS_ASYNC) && (flags & MS_SYNC)) || (uint)addr < mmap_floor(myproc()->vm))
    return -1;
  return mmap_sync(myproc()->vm, (uint)addr, end, (uint)addr + (uint)length);
}

// fsync(fd): make the file's data durable. A write() already is when it
// returns (its log operation has committed); what may not be are stores
// through MAP_SHARED mappings of the file, in any process: they are
// written back here, as msync would. 0; -1 for a pipe, a device or a bad
// fd (as Linux's EINVAL/EBADF), or on an I/O failure. A directory: 0.
int sys_fsync(void) {
  int fd;
  struct proc *p = myproc();
  if (argint(0, &fd) < 0 || fd < 0 || fd >= NOFILE || p->ofile[fd] == 0)
    return -1;
  struct file *f = p->ofile[fd];
  if (f->type != FD_INODE)
    return -1;
  ilock(f->ip);
  short type = f->ip->type;
  iunlock(f->ip);
  if (type == T_DEV)
    return -1;
  if (type != T_FILE)
    return 0;
  return filemap_fsync(f->ip, p->vm->pgdir);
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
  // Hold a reference, so the vmspace outlives an exit or exec of pid while
  // mmap_describe reads it (under its lock).
  struct vmspace *vm = proc_vmspace_get(pid);
  int n = -1;
  if (vm) {
    n = mmap_describe(vm, buf, max);
    vmspace_release(vm);
    memmove(out, buf, (n < max ? n : max) * sizeof(*buf));
  }
  kmfree(buf);
  return n;
}
