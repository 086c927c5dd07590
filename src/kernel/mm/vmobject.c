// The anonymous memory objects, and the page-set helpers that the
// objects keeping pages in a set of the region's own share (vmobject.h).
// No locks of its own: a page set's lock orders its installs (pageset.c).
#include "types.h"
#include "mmu.h"
#include "mm/kalloc.h"
#include "mm/mmap.h"
#include "mm/pageset.h"
#include "mm/vmobject.h"
#include "lib/klib.h"

enum fault_result vmobject_new_page(struct region *r, uint va,
                                    enum fault_result (*fill)(struct region *, uint, char *),
                                    char **pagep) {
  char *page = region_page_alloc(r)();
  if (page == 0)
    return FAULT_NO_MEMORY;
  memset(page, 0, PGSIZE);
  enum fault_result rc = fill ? fill(r, va, page) : FAULT_FIXED;
  if (rc != FAULT_FIXED) {
    kfree(page);
    return rc;
  }
  *pagep = page;
  return FAULT_FIXED;
}

static enum fault_result anon_private_page(struct region *r, uint va, int write,
                                           char **pagep, int *kept) {
  (void)write;
  *kept = 0;
  return vmobject_new_page(r, va, 0, pagep);
}

const struct vmobject_ops vmo_anon_private = {
  .get_page = anon_private_page,
};

// ---- pages in a set of the region's own ----------------------------------------

int vmobject_own_set_attach(struct region *r) {
  if ((r->pages = pageset_create((r->rt.end - r->rt.start) / PGSIZE)) == 0)
    return -1;
  r->pgoff = 0;
  pageset_attach(r->pages, r);
  return 0;
}

void vmobject_set_clone(struct region *copy) {
  pageset_attach(copy->pages, copy);
}

void vmobject_set_detach(struct region *r) {
  pageset_detach(r->pages, r);
  r->pages = 0;
}

enum fault_result vmobject_set_page(struct region *r, uint va, char **pagep,
                                    enum fault_result (*fill)(struct region *, uint, char *)) {
  uint idx = r->pgoff + (PGROUNDDOWN(va) - r->rt.start) / PGSIZE;
  // Both calls hand back the page with a reference for the mapping (the
  // set keeps its own).
  char *page = pageset_get(r->pages, idx);
  if (page == 0) {
    char *fresh;
    enum fault_result rc = vmobject_new_page(r, va, fill, &fresh);
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

// ---- shared anonymous memory ------------------------------------------------------

static enum fault_result anon_shared_page(struct region *r, uint va, int write,
                                          char **pagep, int *kept) {
  (void)write;
  *kept = 1;
  return vmobject_set_page(r, va, pagep, 0);
}

const struct vmobject_ops vmo_anon_shared = {
  .attach = vmobject_own_set_attach,
  .clone = vmobject_set_clone,
  .detach = vmobject_set_detach,
  .get_page = anon_shared_page,
};
