// Memory-mapped regions of an address space (mmap, munmap, mprotect,
// msync), held in its region set keyed by start address (struct vmspace,
// mm/vmspace.h; the set is the library mm/regiontree.h).
// Pages are filled lazily by the page-fault handler (mm/pagefault.c).
#ifndef KERNEL_MM_MMAP_H
#define KERNEL_MM_MMAP_H

#include "types.h"
#include "mm/regiontree.h"
#include "mm/vmspace.h"

struct vmspace;
struct file;
struct pageset;

struct vmobject_ops;

// One mapped range [start, end), page aligned.
struct region {
  struct rt_node rt;       // in vmspace->regions: [rt.start, rt.end), page aligned
  int prot;                // PROT_* bits
  int flags;               // MAP_SHARED / MAP_PRIVATE as effective
  const struct vmobject_ops *obj;  // what backs it (mm/vmobject.h)
  struct file *file;       // backing file (own reference), or 0
  uint offset;             // file offset of `start`
  struct pageset *pages;   // the object's page set (shared anonymous
                           // memory, a file's cache), or 0
  uint pgoff;              // index in `pages` of the page at `start`
  struct region *ps_next;  // next region attached to `pages`
  struct region **ps_pprev; // the link pointing at this one (O(1) detach)
  pde_t *pgdir;            // the page table this region lives in
  struct region *dead_next; // munmap: removed, to be freed after the lock
};

// The kernel places mappings it chooses in [MMAP_BASE, KERNBASE); the
// heap below MMAP_BASE may grow with sbrk until it meets a mapping.
#define MMAP_BASE  0x40000000
// A hint below MMAP_BASE is honoured only this far above the heap's end,
// so the heap keeps room to grow.
#define MMAP_HEAP_ROOM (16 * 1024 * 1024)

void mmap_init(void);
// mmap proper, on the current process's vm; arguments already validated and
// normalised by sys_mmap (len page-rounded, prot/flags effective, the
// call form decoded into the backing object obj, mm/vmobject.h; f is the
// file of a file object, else 0). Returns the start address, or -1.
int  mmap_map(struct vmspace *vm, uint addr, uint len, int prot, int flags,
              const struct vmobject_ops *obj, struct file *f, uint offset);
int  mmap_unmap(struct vmspace *vm, uint start, uint end);
int  mmap_protect(struct vmspace *vm, uint start, uint end, int prot);
int  mmap_sync(struct vmspace *vm, uint start, uint end, uint byte_end);
// Give the child copies of the parent's regions (copy-on-write private
// pages, shared pages shared). -1 on failure: the caller frees the child.
int  mmap_fork(struct vmspace *parent, struct vmspace *child);
// Unmap every region (writing shared file pages back); page tables stay.
void mmap_release_all(struct vmspace *vm);
// Does any region overlap [start, end)? (Inline, like mmap_find: sbrk
// and every page fault ask, and a wrapper call would cost each of them.)
static inline int mmap_overlaps(struct vmspace *vm, uint start, uint end) {
  return rt_overlaps(&vm->regions, start, end);
}
// The region holding va, or 0.
static inline struct region *mmap_find(struct vmspace *vm, uint va) {
  struct rt_node *n = rt_find(&vm->regions, va);
  return n ? rt_entry(n, struct region, rt) : 0;
}
// PTE permission bits for a page of r (copy-on-write pages drop PTE_W).
uint mmap_pte_perm(struct region *r, int cow_shared);
int  mmap_region_count(void);   // all live regions, for leak accounting

struct pmap_entry;
// Describe up to max regions of vm into out; returns how many vm has.
// Safe on another process's vm while the caller holds a reference to it.
int  mmap_describe(struct vmspace *vm, struct pmap_entry *out, int max);

#endif
