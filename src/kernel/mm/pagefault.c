// The page-fault handler for user addresses: fills lazily-mapped pages
// of regions (mmap's and the program image's: text and data from the
// executable's file cache, bss) and resolves copy-on-write of private
// regions, which fork shares. A private file page that was
// never stored into is the file cache's page, mapped read-only (see
// filemap.c); any read-only page of a private region that someone else
// also holds is copied on a store. A fault it cannot serve is
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
#include "mm/pageset.h"
#include "mm/filemap.h"
#include "mm/pagefault.h"
#include "lib/klib.h"

// The allocator for a page of r. A page of the program image comes from
// kalloc_cow, which the FAULTS flag never fails (kalloc.h): exec used to
// fill the image at once, where a failure failed exec cleanly; a fault
// in it now could only kill the shell or a test's parent.
static char *(*page_alloc(struct region *r))(void) {
  return r->image ? kalloc_cow : kalloc;
}

// A new page for user address va of r: zeroed (anonymous) or read from
// the file.
static enum fault_result fresh_page(struct region *r, uint va, char **pagep) {
  char *page = page_alloc(r)();
  if (page == 0)
    return FAULT_NO_MEMORY;
  enum fault_result rc = FAULT_FIXED;
  if (r->kind == RK_FILE)
    rc = filemap_fill(r, va, page);
  else
    memset(page, 0, PGSIZE);
  if (rc != FAULT_FIXED) {
    kfree(page);
    return rc;
  }
  *pagep = page;
  return FAULT_FIXED;
}

// The page to map at user address va of r (not a region that follows
// the file cache: see follow_page), with one reference for the caller's
// mapping: a new page of its own for a private region; for a
// region with a page set (shared), the set's page, made and installed on
// the first touch by any of the set's mappers.
static enum fault_result region_page(struct region *r, uint va, char **pagep) {
  if (r->pages == 0)
    return fresh_page(r, va, pagep);
  if (r->kind == RK_FILE && filemap_uses_cache(r))
    return filemap_cache_fault(r, va, pagep);   // the file's page cache
  uint idx = r->pgoff + (PGROUNDDOWN(va) - r->rt.start) / PGSIZE;
  // Both calls hand back the page with a reference for the mapping (the
  // set keeps its own), taken under the set's lock so that reclaim
  // cannot free a file-cache page between finding and mapping it.
  char *page = pageset_get(r->pages, idx);
  if (page == 0) {
    char *fresh;
    enum fault_result rc = fresh_page(r, va, &fresh);
    if (rc != FAULT_FIXED)
      return rc;
    page = pageset_install(r->pages, idx, fresh);
    if (page != fresh)
      kfree(fresh);               // lost a race (or no memory): use the winner
    if (page == 0)
      return FAULT_NO_MEMORY;     // (or a count at KREF_MAX: they never wrap)
  }
  *pagep = page;
  return FAULT_FIXED;
}

// First touch of a private file region that follows the file: a load
// maps the cache page itself (read-only, so it follows write(); its first
// store copies it, in handle_page_fault); a store gets its own copy of
// the cache page at once.
static enum fault_result follow_page(struct region *r, uint va, int write, char **pagep) {
  char *page;
  enum fault_result rc = filemap_cache_fault(r, va, &page);
  if (rc != FAULT_FIXED)
    return rc;
  if (write) {
    char *copy = page_alloc(r)();
    if (copy == 0) {
      kfree(page);
      return FAULT_NO_MEMORY;
    }
    memmove(copy, page, PGSIZE);
    kfree(page);                  // the cache keeps its own reference
    page = copy;
  }
  *pagep = page;
  return FAULT_FIXED;
}

// Give a store its own copy of the shared page pte maps, mapped with
// perm; our reference to the original goes. alloc: see page_alloc.
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
      enum fault_result rc = copy_for_store(pte, mmap_pte_perm(r, 0), page_alloc(r));
      if (rc != FAULT_FIXED)
        return rc;
    } else {
      // Permissions were narrower than the region allows (the page was
      // copy-on-write but is ours alone now, or mprotect widened them).
      *pte = PTE_ADDR(*pte) | PTE_P | (*pte & (PTE_D | PTE_A)) | mmap_pte_perm(r, 0);
    }
  } else {
    int follow = filemap_private_follows(r);
    char *page;
    enum fault_result why = follow ? follow_page(r, va, write, &page) : region_page(r, va, &page);
    if (why != FAULT_FIXED)
      return why;
    *pte = V2P(page) | PTE_P | mmap_pte_perm(r, follow && !write);
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
