// The page-fault handler for user addresses: fills lazily-mapped pages
// of mmap regions and resolves copy-on-write.
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
#include "mm/pageset.h"
#include "mm/filemap.h"
#include "mm/pagefault.h"
#include "lib/klib.h"

// A zeroed page for an anonymous region, shared through the region's
// page set for MAP_SHARED. Returns the page with one reference for the
// caller's mapping, or 0 when out of memory.
static char *anon_page(struct region *r, uint va) {
  char *fresh;
  if (r->pages == 0) {
    if ((fresh = kalloc()) != 0)
      memset(fresh, 0, PGSIZE);
    return fresh;
  }
  uint idx = r->pgoff + (PGROUNDDOWN(va) - r->start) / PGSIZE;
  char *page = pageset_lookup(r->pages, idx);
  if (page == 0) {
    if ((fresh = kalloc()) == 0)
      return 0;
    memset(fresh, 0, PGSIZE);
    page = pageset_install(r->pages, idx, fresh);
    if (page != fresh)
      kfree(fresh);
    if (page == 0)
      return 0;
  }
  kref_get(page);
  return page;
}

enum fault_result handle_page_fault(struct proc *p, uint va, uint err) {
  if (va >= KERNBASE)
    return FAULT_ILLEGAL;
  struct region *r = mmap_find(p, va);
  if (r == 0)
    return FAULT_ILLEGAL;
  int write = (err & PF_WRITE) != 0;
  if (r->prot == PROT_NONE || (write && !(r->prot & PROT_WRITE)))
    return FAULT_ILLEGAL;

  pte_t *pte = walkpgdir(p->pgdir, (void *)va, 1);
  if (pte == 0)
    return FAULT_NO_MEMORY;       // for the page table

  if (*pte & PTE_P) {
    char *page = P2V(PTE_ADDR(*pte));
    int shared_region = (r->flags & MAP_SHARED) != 0;
    if (write && !(*pte & PTE_W) && !shared_region && kref_count(page) > 1) {
      // Copy-on-write: this process gets its own copy.
      char *copy = kalloc();
      if (copy == 0)
        return FAULT_NO_MEMORY;
      memmove(copy, page, PGSIZE);
      *pte = V2P(copy) | PTE_P | mmap_pte_perm(r, 0);
      kfree(page);                // drop our share of the original
    } else {
      // Permissions were narrower than the region allows (the page was
      // copy-on-write but is ours alone now, or mprotect widened them).
      *pte = PTE_ADDR(*pte) | PTE_P | (*pte & (PTE_D | PTE_A)) | mmap_pte_perm(r, 0);
    }
  } else {
    char *page;
    if (r->kind == RK_FILE) {
      enum fault_result why = filemap_page(r, va, &page);
      if (why != FAULT_FIXED)
        return why;
    } else if ((page = anon_page(r, va)) == 0) {
      return FAULT_NO_MEMORY;
    }
    *pte = V2P(page) | PTE_P | mmap_pte_perm(r, 0);
  }
  invlpg((void *)PGROUNDDOWN(va));
  return FAULT_FIXED;
}
