// Address spaces (struct vmspace, vmspace.h): making one, copying it for
// fork, switching the running process to a new one (exec), growing the
// heap (sbrk), and freeing it when its last reference goes.
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
//  - [USERBASE, sz) is mapped page by page (the stack guard page without
//    PTE_U); page 0 never is; mmap regions lie at or above PGROUNDUP(sz).
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
//    (filemap_detach locks the inode, fileclose may free one) happen
//    before it is taken or after it is released. No code takes it while
//    holding a sleeplock or inside a log operation today; that would be
//    allowed, since its holders never wait for either.
//  - pageset locks, kmalloc's locks and mmap.c's region count lock never
//    nest with vm->lock: region records are allocated before it is taken
//    and freed after it is released.
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
  struct vmspace *child = vmspace_alloc();
  if (child == 0)
    return 0;
  if ((child->pgdir = copyuvm(vm->pgdir, vm->sz, stack_va)) == 0) {
    kmfree(child);
    return 0;
  }
  child->sz = vm->sz;
  if (mmap_fork(vm, child) < 0) {
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

void vmspace_load_initcode(struct vmspace *vm, char *code, uint size) {
  inituvm(vm->pgdir, code, size);
  vm->sz = USERBASE + PGSIZE;
}

int vmspace_extend(struct vmspace *vm, uint newsz) {
  if (newsz <= vm->sz)
    return 0;
  if (allocuvm(vm->pgdir, vm->sz, newsz) == 0)
    return -1;
  vm->sz = newsz;
  return 0;
}

int vmspace_load(struct vmspace *vm, uint va, struct inode *ip, uint off, uint n) {
  return loaduvm(vm->pgdir, (char *)va, ip, off, n);
}

uint vmspace_add_stack(struct vmspace *vm) {
  uint base = PGROUNDUP(vm->sz);
  if (base + 2 * PGSIZE < base || allocuvm(vm->pgdir, base, base + 2 * PGSIZE) == 0)
    return 0;
  clearpteu(vm->pgdir, (char *)base);   // the guard page
  vm->sz = base + 2 * PGSIZE;
  return vm->sz;
}

int vmspace_copyout(struct vmspace *vm, uint va, void *src, uint len) {
  return copyout(vm->pgdir, va, src, len);
}

// ---- the running process --------------------------------------------------------

int vmspace_grow(struct vmspace *vm, int n) {
  uint sz = vm->sz;
  if (n > 0) {
    if ((uint)n >= KERNBASE - sz)
      return -1;
    if (mmap_overlaps(vm, PGROUNDDOWN(sz), PGROUNDUP(sz + n)))
      return -1;
    if ((sz = allocuvm(vm->pgdir, sz, sz + n)) == 0)
      return -1;
  } else if (n < 0) {
    if ((uint)-n > sz - USERBASE)   // never down into page 0
      return -1;
    sz = deallocuvm(vm->pgdir, sz, sz + n);
  }
  vm->sz = sz;
  return 0;
}

uint vmspace_heap_end(struct vmspace *vm) {
  return vm->sz;
}

int vmspace_region_count(struct vmspace *vm) {
  return vm->regions.count;
}
