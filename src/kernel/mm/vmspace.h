// Address spaces: struct vmspace is all of a process's user memory -- its
// page directory, the heap-contiguous image [USERBASE, sz) (text, data,
// guard page, stack, sbrk heap), its mmap regions (mm/mmap.c) -- with one
// lock and a reference count. Code outside mm/ uses these functions and
// never the fields. Rules and lock order: the top of vmspace.c.
#ifndef KERNEL_MM_VMSPACE_H
#define KERNEL_MM_VMSPACE_H

#include "types.h"
#include "mm/regiontree.h"
#include "lock/spinlock.h"
#include "arch/x86.h"
#include "proc/proc.h"

struct inode;
struct pmap_entry;

struct vmspace {
  struct spinlock lock;     // held for every change to the region tree and
                            // every free of a page table (see vmspace.c)
  int ref;                  // processes running in it + readers (pmap); atomic
  pde_t *pgdir;             // the page directory (the kernel half is shared)
  uint sz;                  // end of [USERBASE, sz): text, data, stack, heap
  struct rtree regions;     // mmap regions, keyed by start (mm/mmap.c);
                            // regions.count is how many
};

// ---- life cycle ------------------------------------------------------------

// An empty address space (kernel half only, sz = USERBASE), one reference;
// 0 when out of memory.
struct vmspace *vmspace_create(void);
// A copy of vm for a child of its process: the image (copyuvm) and the
// regions (mmap_fork) shared copy-on-write, except the image page holding
// stack_va (the parent's user stack pointer), copied at once. One
// reference; 0 when out of memory.
struct vmspace *vmspace_fork(struct vmspace *vm, uint stack_va);
// exec: make vm (whose reference the caller hands over) the current
// process's address space, load it, and drop the reference to the old one.
void vmspace_switch(struct vmspace *vm);
// Take one more reference (pmap of another process holds one while it reads).
void vmspace_hold(struct vmspace *vm);
// Drop a reference; the last one unmaps everything (writing shared file
// pages back, so it may sleep unless exit already unmapped the regions) and
// frees the pages, page tables and directory.
void vmspace_release(struct vmspace *vm);
// exit: drop every mmap region (writing shared file pages back) while the
// process can still sleep; the image and page tables stay until the last
// vmspace_release (wait).
void vmspace_unmap_all(struct vmspace *vm);

// ---- building an image (userinit, exec) --------------------------------------

// Put initcode (size < one page) at USERBASE of a new vm; panics if out of
// memory (only called while booting).
void vmspace_load_initcode(struct vmspace *vm, char *code, uint size);
// Grow the image to end at newsz with zeroed writable pages. 0, or -1 with
// nothing changed.
int  vmspace_extend(struct vmspace *vm, uint newsz);
// Read n bytes of ip at off into the image at va (page aligned, below sz).
int  vmspace_load(struct vmspace *vm, uint va, struct inode *ip, uint off, uint n);
// Add a guard page and one page of stack after the image (page aligned
// first). Returns the stack's top (the new sz), or 0 when out of memory.
uint vmspace_add_stack(struct vmspace *vm);
// Copy len bytes to user address va of vm (which need not be the current
// address space). 0, or -1 if a page is not there.
int  vmspace_copyout(struct vmspace *vm, uint va, void *src, uint len);

// ---- the running process ------------------------------------------------------

// sbrk: grow or shrink the heap by n bytes. 0, or -1 (nothing changed) if it
// would run into a region, the kernel or page 0, or memory is out.
int  vmspace_grow(struct vmspace *vm, int n);
uint vmspace_heap_end(struct vmspace *vm);       // sz, for sbrk and ps
int  vmspace_region_count(struct vmspace *vm);   // for ps

// Panics unless this CPU holds vm->lock. Cheaper than holding(): a CPU
// holding a spinlock has interrupts off, so mycpu() cannot change under us.
// Inline, as every tree change and page-table free makes the check (a
// call cost munmap 30 instructions a check).
void vmspace_lock_missing(const char *who);
static inline void vmspace_assert_locked(struct vmspace *vm, const char *who) {
  if ((readeflags() & FL_IF) || !vm->lock.locked || vm->lock.cpu != mycpu())
    vmspace_lock_missing(who);
}

#endif
