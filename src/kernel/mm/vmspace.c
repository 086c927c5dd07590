// Address spaces (struct vmspace, vmspace.h): making one, building the
// program image as regions (exec), copying it for fork, switching the
// running process to a new one (exec), growing the heap (sbrk), and
// freeing it when its last reference goes.
//
// The image is regions like any mapping (mm/mmap.c, region.image says
// which part), so the page-fault handler, fork's copy-on-write and exit
// treat it as they treat mmap's:
//   USERBASE ..   per loadable segment: its whole file pages mapped
//                 private from the executable's file cache (text
//                 read+exec, data read+write; the first
//                 EXEC_PREFAULT_PAGES mapped at exec, the rest on first
//                 touch; a store copies), then one anonymous region made
//                 at exec holding the page where the file bytes end (read
//                 now) and the bss
//   then          STACK_GUARD_PAGES pages in no region (overflow faults)
//   then          the stack: one anonymous page, args written at exec
//   heap_start .. the heap [heap_start, sz): anonymous, filled by sbrk at
//                 once (page counts after sbrk are exact), absent when empty
//   above sz      mmap regions (at or above PGROUNDUP(sz))
//
// Who changes a vmspace: only the process running in it (its system calls
// and page faults), or, when no process runs in it any more, whoever drops
// the last reference. So that process reads its own region tree and page
// tables without the lock. Other processes only read a vmspace (pmap of a
// pid): they hold a reference, so it is not freed under them, and vm->lock,
// so the tree is not relinked and no page table is freed while they look.
//
// Invariants
//  - Every change to the region tree (insert, remove, split, moving a
//    region's ends or changing its protection) and every free of one of
//    its page tables happens holding vm->lock; the functions that make
//    them check it (vmspace_assert_locked: mmap.c's tree_* wrappers and
//    release_page_tables). The region set itself (mm/regiontree.h) takes
//    no locks; this rule is what serialises it. A munmap makes all its
//    tree changes and page-table frees in one hold, so pmap sees it whole.
//    The one exception is freeing the page tables and directory after
//    the last reference: nobody else can reach the vmspace then.
//  - ref counts the processes whose ->vm it is plus pmap readers. It
//    changes with atomic instructions (lock xadd), so it needs no lock. A
//    process's ->vm changes only under the process table lock
//    (proc_set_vmspace), where pmap takes its reference (proc_vmspace_get):
//    no reference is ever taken on a vmspace whose last one is going.
//  - Every mapped user page lies in a region; page 0 never is mapped;
//    image regions lie below PGROUNDUP(sz), mmap regions at or above it
//    (the mmap calls never reach below it: sysmmap.c). image_regions
//    counts the image regions in the tree, which user-visible counts
//    (pmap, ps, the region limit) leave out.
//
// Lock order (outer first), as the code takes them:
//  - vm->lock -> kalloc's lock: munmap frees page tables holding vm->lock.
//  - ptable.lock and vm->lock never nest: pmap takes its reference under
//    ptable.lock and reads under vm->lock after releasing it. wait() drops
//    the zombie's reference holding ptable.lock; when that is the last one
//    it frees pages, page tables and the record there, so ptable.lock comes
//    before kalloc's and kmalloc's locks (as when wait freed the page
//    directory itself), and the regions are gone already (exit), so
//    nothing sleeps.
//  - vm->lock is a spinlock: nothing that sleeps runs under it. Writing
//    pages back (inode sleeplocks, the log) and freeing region records
//    (a file cache object's detach locks the inode, fileclose may free
//    one) happen
//    before it is taken or after it is released. No code takes it while
//    holding a sleeplock or inside a log operation today; that would be
//    allowed, since its holders never wait for either.
//  - pageset locks and kmalloc's locks never nest with vm->lock: region
//    records are allocated before it is taken and freed after it is
//    released (mmap.c's region counters are atomics, no lock).
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "arch/x86.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "mm/mmap.h"
#include "mm/vmspace.h"
#include "mm/pagefault.h"
#include "mman.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "dev/console.h"
#include "lib/klib.h"

void vmspace_lock_missing(const char *who) {
  cprintf("%s: vmspace lock not held\n", who);
  panic("vmspace: lock not held");
}

// A record with no page directory yet.
static struct vmspace *vmspace_alloc(void) {
  struct vmspace *vm = kzalloc(sizeof(*vm));
  if (vm == 0)
    return 0;
  initlock(&vm->lock, "vmspace");
  vm->ref = 1;
  vm->sz = USERBASE;
  rt_init(&vm->regions);
  return vm;
}

struct vmspace *vmspace_create(void) {
  struct vmspace *vm = vmspace_alloc();
  if (vm == 0)
    return 0;
  if ((vm->pgdir = setupkvm()) == 0) {
    kmfree(vm);
    return 0;
  }
  return vm;
}

struct vmspace *vmspace_fork(struct vmspace *vm, uint stack_va) {
  struct vmspace *child = vmspace_create();
  if (child == 0)
    return 0;
  child->sz = vm->sz;
  child->heap_start = vm->heap_start;
  if (mmap_fork(vm, child, PGROUNDDOWN(stack_va)) < 0) {
    vmspace_release(child);   // undoes the regions already copied
    return 0;
  }
  return child;
}

void vmspace_switch(struct vmspace *vm) {
  struct proc *p = myproc();
  struct vmspace *old = proc_set_vmspace(p, vm);
  switchuvm(p);
  // The old image's regions go with it (shared file pages are written
  // back), then its memory; a pmap reading it meanwhile frees it instead.
  vmspace_release(old);
}

void vmspace_hold(struct vmspace *vm) {
  __atomic_add_fetch(&vm->ref, 1, __ATOMIC_SEQ_CST);
}

void vmspace_release(struct vmspace *vm) {
  if (__atomic_sub_fetch(&vm->ref, 1, __ATOMIC_SEQ_CST) > 0)
    return;
  // Nobody else can reach vm now, so its page tables go without the lock.
  // (After exit's vmspace_unmap_all there are no regions left, so wait(),
  // which holds ptable.lock, never sleeps here.)
  mmap_release_all(vm);
  freevm(vm->pgdir);
  kmfree(vm);
}

void vmspace_unmap_all(struct vmspace *vm) {
  mmap_release_all(vm);
}

// ---- building an image ---------------------------------------------------------

// Map page at va of vm, inside region r, with r's permissions (vm need not
// be the current address space). 0, or -1 when no page table can be had.
static int install_page(struct vmspace *vm, struct region *r, uint va, char *page) {
  pte_t *pte = walkpgdir(vm->pgdir, (void *)va, 1);
  if (pte == 0)
    return -1;
  *pte = V2P(page) | PTE_P | mmap_pte_perm(r, 0);
  return 0;
}

// A zeroed page holding the file bytes of [from, to) (within one page,
// from at file offset off), installed at PGROUNDDOWN(from) in r. ip locked.
static int install_read_page(struct vmspace *vm, struct region *r, struct inode *ip,
                             uint from, uint to, uint off) {
  char *page = kalloc();
  if (page == 0)
    return -1;
  memset(page, 0, PGSIZE);
  uint pg = PGROUNDDOWN(from);
  if ((to > from && readi(ip, page + (from - pg), off, to - from) != (int)(to - from)) ||
      install_page(vm, r, pg, page) < 0) {
    kfree(page);
    return -1;
  }
  return 0;
}

void vmspace_load_initcode(struct vmspace *vm, char *code, uint size) {
  if (size >= PGSIZE)
    panic("initcode larger than a page");
  struct region *r = mmap_image_map(vm, USERBASE, USERBASE + PGSIZE,
                                    PROT_READ | PROT_WRITE | PROT_EXEC, 0, 0, IMG_TEXT);
  char *page = kalloc();
  if (r == 0 || page == 0 || install_page(vm, r, USERBASE, page) < 0)
    panic("initcode: out of memory");
  memset(page, 0, PGSIZE);
  memmove(page, code, size);
  vm->sz = vm->heap_start = USERBASE + PGSIZE;
}

// A segment whose file offset is not congruent to its address (old -N
// links): anonymous pages, all read now.
static int load_whole(struct vmspace *vm, struct file *f, uint vaddr, uint off,
                      uint filesz, uint memsz, int prot, enum image_part part) {
  uint start = PGROUNDDOWN(vaddr), end = PGROUNDUP(vaddr + memsz);
  struct region *r = mmap_image_map(vm, start, end, prot, 0, 0, part);
  if (r == 0)
    return -1;
  uint fend = vaddr + filesz;
  for (uint a = start; a < end; a += PGSIZE) {
    uint from = a > vaddr ? a : vaddr;
    uint to = a + PGSIZE < fend ? a + PGSIZE : fend;
    if (to < from)
      to = from;
    if (install_read_page(vm, r, f->ip, from, to, off + (from - vaddr)) < 0)
      return -1;
  }
  return 0;
}

int vmspace_map_segment(struct vmspace *vm, struct file *f, uint vaddr, uint off,
                        uint filesz, uint memsz, int prot) {
  uint start = PGROUNDDOWN(vaddr), end = PGROUNDUP(vaddr + memsz);
  if (end < start || end > KERNBASE)
    return -1;
  enum image_part part = (prot & PROT_WRITE) ? IMG_DATA : IMG_TEXT;
  if (end > vm->sz)
    vm->sz = end;
  if (vaddr % PGSIZE != off % PGSIZE)
    return load_whole(vm, f, vaddr, off, filesz, memsz, prot, part);

  uint fend = vaddr + filesz;           // file bytes end here, zeros to memsz
  // Whole pages of file bytes follow the file; with no bss the last,
  // partial page does too (the bytes after the segment are the file's).
  uint file_end = memsz > filesz ? PGROUNDDOWN(fend) : end;
  if (start < file_end &&
      mmap_image_map(vm, start, file_end, prot, f, off - (vaddr - start), part) == 0)
    return -1;
  if (file_end < end) {
    // The rest is anonymous and made now: the page where the file bytes
    // stop and zeros begin (it cannot come from the file, which goes on
    // with other things) and the bss pages, as the file pages are mapped
    // now (vmspace_prefault; see there).
    struct region *r = mmap_image_map(vm, file_end, end, prot, 0, 0,
                                      file_end > vaddr ? IMG_BSS : part);
    if (r == 0)
      return -1;
    for (uint a = file_end; a < end; a += PGSIZE) {
      uint from = a > vaddr ? a : vaddr;
      uint to = fend > a + PGSIZE ? a + PGSIZE : fend;
      if (to < from)
        to = from;
      if (install_read_page(vm, r, f->ip, from, to, off + (from - vaddr)) < 0)
        return -1;
    }
  }
  return 0;
}

// Map the first EXEC_PREFAULT_PAGES pages of each file region of the image
// from the file cache (reading what is not cached), as a first touch of
// each would: a load for text (the cache's page, read-only), a store for
// data (a private copy). Programs up to that size are then all present
// once exec returns, as xv6's were: the course's tests count free pages
// across code they run and data they store into for the first time.
// Larger programs pay for the rest only when they touch it. A page that
// cannot be had now is left to its fault.
void vmspace_prefault(struct vmspace *vm) {
  for (struct rt_node *n = rt_first(&vm->regions); n; n = rt_next(n)) {
    struct region *r = rt_entry(n, struct region, rt);
    if (r->file == 0 || !r->image)
      continue;
    uint stop = r->rt.end - r->rt.start > EXEC_PREFAULT_PAGES * PGSIZE
                  ? r->rt.start + EXEC_PREFAULT_PAGES * PGSIZE : r->rt.end;
    for (uint va = r->rt.start; va < stop; va += PGSIZE) {
      pte_t *pte = walkpgdir(vm->pgdir, (void *)va, 0);
      uint err = (r->prot & PROT_WRITE) ? PF_WRITE : 0;
      if ((pte == 0 || !(*pte & PTE_P)) && handle_page_fault(vm, va, err) != FAULT_FIXED)
        return;
    }
  }
}

uint vmspace_add_stack(struct vmspace *vm) {
  uint base = PGROUNDUP(vm->sz) + STACK_GUARD_PAGES * PGSIZE;
  if (base < vm->sz || base >= KERNBASE - PGSIZE)
    return 0;
  struct region *r = mmap_image_map(vm, base, base + PGSIZE, PROT_READ | PROT_WRITE, 0, 0,
                                    IMG_STACK);
  char *page = r ? kalloc() : 0;
  if (page == 0)
    return 0;
  memset(page, 0, PGSIZE);
  if (install_page(vm, r, base, page) < 0) {
    kfree(page);
    return 0;
  }
  vm->sz = vm->heap_start = base + PGSIZE;
  return vm->sz;
}

int vmspace_copyout(struct vmspace *vm, uint va, void *src, uint len) {
  return copyout(vm->pgdir, va, src, len);
}

// ---- the running process --------------------------------------------------------

// Grow the heap's pages from old_end to new_end (page aligned, free of
// regions): the heap region made or extended, every page allocated,
// zeroed and mapped now. 0, or -1 with nothing changed.
static int heap_grow(struct vmspace *vm, uint old_end, uint new_end) {
  struct region *r = old_end > vm->heap_start ? mmap_find(vm, old_end - 1) : 0;
  if (r == 0) {
    r = mmap_image_map(vm, old_end, new_end, PROT_READ | PROT_WRITE, 0, 0, IMG_HEAP);
    if (r == 0)
      return -1;
  } else {
    mmap_image_set_end(vm, r, new_end);
  }
  for (uint a = old_end; a < new_end; a += PGSIZE) {
    char *page = kalloc();
    if (page)
      memset(page, 0, PGSIZE);
    if (page == 0 || install_page(vm, r, a, page) < 0) {
      if (page)
        kfree(page);
      // Undo: the new pages go, and the region shrinks back (or goes).
      mmap_unmap(vm, old_end, new_end);
      return -1;
    }
  }
  return 0;
}

int vmspace_grow(struct vmspace *vm, int n) {
  uint sz = vm->sz;
  if (n > 0) {
    if ((uint)n >= KERNBASE - sz)
      return -1;
    uint old_end = PGROUNDUP(sz), new_end = PGROUNDUP(sz + n);
    if (new_end > old_end &&
        (mmap_overlaps(vm, old_end, new_end) || heap_grow(vm, old_end, new_end) < 0))
      return -1;
  } else if (n < 0) {
    if ((uint)-n > sz - vm->heap_start)   // never below the heap
      return -1;
    uint old_end = PGROUNDUP(sz), new_end = PGROUNDUP(sz + n);
    vm->sz = sz + n;
    // Drops the pages, trims the region (or removes it when the heap is
    // empty) and frees page tables nothing uses; cannot fail when it
    // only trims a region's tail.
    if (new_end < old_end)
      mmap_unmap(vm, new_end, old_end);
    return 0;
  }
  vm->sz = sz + n;
  return 0;
}

uint vmspace_heap_end(struct vmspace *vm) {
  return vm->sz;
}

int vmspace_region_count(struct vmspace *vm) {
  return vm->regions.count - vm->image_regions;
}
