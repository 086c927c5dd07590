// Address spaces: struct vmspace is all of a process's user memory -- its
// page directory and its regions (mm/mmap.c): the program image (text and
// data mapped private from the executable, bss, a one-page stack with an
// unmapped guard page below it, the sbrk heap [heap_start, sz)) and the
// mmap regions above it -- with one lock and a reference count. Code
// outside mm/ uses these functions and never the fields. Rules and lock
// order: the top of vmspace.c.
#ifndef KERNEL_MM_VMSPACE_H
#define KERNEL_MM_VMSPACE_H

#include "types.h"
#include "mm/regiontree.h"
#include "lock/spinlock.h"
#include "arch/x86.h"
#include "proc/proc.h"

struct inode;
struct file;
struct pmap_entry;

// Pages below the stack that are mapped by nothing and belong to no
// region, so that running off the stack's bottom faults (the kill line
// says "stack guard page") instead of writing into the data below.
#define STACK_GUARD_PAGES 1

// exec maps this many pages at the start of each segment mapped from the
// program's file at once (from the file cache); pages past them are read
// on first touch. Every program in the tree fits (usertests' text is 12
// pages), so their free-page counts are exact as in xv6.
#define EXEC_PREFAULT_PAGES 16

struct vmspace {
  struct spinlock lock;     // held for every change to the region tree and
                            // every free of a page table (see vmspace.c)
  int ref;                  // processes running in it + readers (pmap); atomic
  pde_t *pgdir;             // the page directory (the kernel half is shared)
  uint sz;                  // the heap's end (sbrk(0)); the image lies below
  uint heap_start;          // the heap is [heap_start, sz), just above the stack
  struct rtree regions;     // all regions, keyed by start (mm/mmap.c);
                            // regions.count is how many
  int image_regions;        // ... of which parts of the image (vm->lock)
  struct region *find_hint; // the region mmap_find found last: faults come
                            // in runs on one region. Only the process
                            // running in vm uses it; removing that region
                            // from the tree clears it (mmap.c).
};

// ---- life cycle ------------------------------------------------------------

// An empty address space (kernel half only, sz = USERBASE), one reference;
// 0 when out of memory.
struct vmspace *vmspace_create(void);
// A copy of vm for a child of its process: every region (mmap_fork),
// private pages shared copy-on-write, except the page holding stack_va
// (the parent's user stack pointer), copied at once. One reference; 0
// when out of memory.
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
// exec: map one loadable segment of a new vm (not the current one): memsz
// bytes at vaddr, the first filesz of them at offset off of f (ip locked
// by the caller, which checked vaddr >= USERBASE, no wrap, memsz >=
// filesz), with prot. Whole file pages are a private mapping of f, read
// on first touch; the page where the file bytes end is read now; the
// rest is anonymous. A segment whose offset and address differ mod
// PGSIZE is read whole now into anonymous pages. 0, or -1 (the caller
// releases vm).
int  vmspace_map_segment(struct vmspace *vm, struct file *f, uint vaddr, uint off,
                         uint filesz, uint memsz, int prot);
// exec, once the program's inode is unlocked: map the first pages of its
// file segments now (EXEC_PREFAULT_PAGES).
void vmspace_prefault(struct vmspace *vm);
// Add STACK_GUARD_PAGES unmapped pages and one page of stack above the
// highest segment; the heap starts empty at the stack's top. Returns the
// stack's top (the new sz), or 0 when out of memory.
uint vmspace_add_stack(struct vmspace *vm);
// Copy len bytes to user address va of vm (which need not be the current
// address space). 0, or -1 if a page is not there.
int  vmspace_copyout(struct vmspace *vm, uint va, void *src, uint len);

// ---- the running process ------------------------------------------------------

// sbrk: grow or shrink the heap by n bytes; growing allocates and maps the
// pages at once. 0, or -1 (nothing changed) if it would run into a region
// or the kernel, below the heap's start, or memory is out.
int  vmspace_grow(struct vmspace *vm, int n);
uint vmspace_heap_end(struct vmspace *vm);       // sz, for sbrk and ps
int  vmspace_region_count(struct vmspace *vm);   // mmap regions, for ps

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
