// The page-fault handler for user addresses: fills lazily-mapped pages
// of regions (mmap's and the program image's: text and data from the
// executable's file cache, bss, stack, heap) from their memory objects
// (mm/vmobject.h) and resolves copy-on-write of private regions, which
// fork shares. A private region maps a page its object keeps (a file's
// cached page) read-only until its first store; any read-only page of a
// private region that someone else also holds is copied on a store. A fault it cannot serve is
// classified by what is at the address (enum fault_result), which is what
// the kill message reports.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "mman.h"
#include "arch/x86.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "mm/mmap.h"
#include "mm/vmspace.h"
#include "mm/vmobject.h"
#include "mm/pagefault.h"
#include "lib/klib.h"

// A first touch of va in region r: its object's page, or, when the
// object keeps that page and r is private (copy-on-write over the
// object), the page read-only for a load (it follows the object until
// the process stores to it) or a copy of its own for a store. The
// result is mapped by the caller with *cow_shared set for the first case.
static enum fault_result first_touch(struct region *r, uint va, int write,
                                     char **pagep, int *cow_shared) {
  char *page;
  int kept = 0;
  enum fault_result rc = r->obj->get_page(r, va, write, &page, &kept);
  if (rc != FAULT_FIXED)
    return rc;
  *cow_shared = kept && !(r->flags & MAP_SHARED);
  if (*cow_shared && write) {
    char *copy = region_page_alloc(r)();
    if (copy == 0) {
      kfree(page);
      return FAULT_NO_MEMORY;
    }
    memmove(copy, page, PGSIZE);
    kfree(page);                  // the object keeps its own reference
    page = copy;
    *cow_shared = 0;
  }
  *pagep = page;
  return FAULT_FIXED;
}

// Give a store its own copy of the shared page pte maps, mapped with
// perm; our reference to the original goes. alloc: region_page_alloc.
static enum fault_result copy_for_store(pte_t *pte, uint perm, char *(*alloc)(void)) {
  char *page = P2V(PTE_ADDR(*pte));
  char *copy = alloc();
  if (copy == 0)
    return FAULT_NO_MEMORY;
  memmove(copy, page, PGSIZE);
  *pte = V2P(copy) | PTE_P | perm;
  kfree(page);                    // drop our share of the original
  return FAULT_FIXED;
}

// Is va in the unmapped guard pages just below the stack region?
static int in_stack_guard(struct vmspace *vm, uint va) {
  uint page = PGROUNDDOWN(va);
  for (uint i = 1; i <= STACK_GUARD_PAGES && page + i * PGSIZE < KERNBASE; i++) {
    struct region *r = mmap_find(vm, page + i * PGSIZE);
    if (r)
      return r->image == IMG_STACK;
  }
  return 0;
}

// Why a fault outside every region cannot be served: page 0, the stack's
// guard pages, or nothing at all.
static enum fault_result outside_regions(struct vmspace *vm, uint va) {
  if (va < USERBASE)
    return FAULT_NULL;
  if (in_stack_guard(vm, va))
    return FAULT_GUARD;
  return FAULT_NO_MAPPING;
}

enum fault_result handle_page_fault(struct vmspace *vm, uint va, uint err) {
  if (va >= KERNBASE)
    return FAULT_KERNEL;
  struct region *r = mmap_find(vm, va);
  if (r == 0)
    return outside_regions(vm, va);
  int write = (err & PF_WRITE) != 0;
  if (r->prot == PROT_NONE)
    return FAULT_PROT_NONE;
  if (write && !(r->prot & PROT_WRITE))
    return FAULT_READ_ONLY;

  pte_t *pte = walkpgdir(vm->pgdir, (void *)va, 1);
  if (pte == 0)
    return FAULT_NO_MEMORY;       // for the page table

  if (*pte & PTE_P) {
    char *page = P2V(PTE_ADDR(*pte));
    int shared_region = (r->flags & MAP_SHARED) != 0;
    if (write && !(*pte & PTE_W) && !shared_region && kref_count(page) > 1) {
      // Copy-on-write: this process gets its own copy.
      enum fault_result rc = copy_for_store(pte, mmap_pte_perm(r, 0), region_page_alloc(r));
      if (rc != FAULT_FIXED)
        return rc;
    } else {
      // Permissions were narrower than the region allows (the page was
      // copy-on-write but is ours alone now, or mprotect widened them).
      *pte = PTE_ADDR(*pte) | PTE_P | (*pte & (PTE_D | PTE_A)) | mmap_pte_perm(r, 0);
    }
  } else {
    char *page;
    int cow_shared;
    enum fault_result why = first_touch(r, va, write, &page, &cow_shared);
    if (why != FAULT_FIXED)
      return why;
    *pte = V2P(page) | PTE_P | mmap_pte_perm(r, cow_shared);
  }
  invlpg((void *)PGROUNDDOWN(va));
  return FAULT_FIXED;
}

int fault_region(struct vmspace *vm, uint va, uint *start, uint *end, int *prot) {
  struct region *r = va < KERNBASE ? mmap_find(vm, va) : 0;
  if (r == 0)
    return -1;
  *start = r->rt.start;
  *end = r->rt.end;
  *prot = r->prot;
  return 0;
}
