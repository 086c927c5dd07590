// Regions of an address space, held in its region set keyed by start
// address (struct vmspace, mm/vmspace.h; the set is the library
// mm/regiontree.h): the mappings mmap makes (mmap, munmap, mprotect,
// msync) and the parts of the program image exec and sbrk make (text and
// data mapped private from the executable, bss, stack, heap: `image` is
// set on those; the system calls never touch them).
// Pages are filled lazily by the page-fault handler (mm/pagefault.c).
#ifndef KERNEL_MM_MMAP_H
#define KERNEL_MM_MMAP_H

#include "types.h"
#include "mm/regiontree.h"
#include "mm/vmspace.h"
#include "mm/kalloc.h"

struct vmspace;
struct file;
struct pageset;

struct vmobject_ops;

// Which part of the program image a region is; IMG_NONE for mmap's.
enum image_part { IMG_NONE, IMG_TEXT, IMG_DATA, IMG_BSS, IMG_STACK, IMG_HEAP };

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
  int image;               // enum image_part
};

// The allocator for the pages a fault in r needs (filled first touches
// and copy-on-write copies): the program image's come from kalloc_cow,
// which the FAULTS flag never fails (kalloc.h): exec used to fill the
// image at once, where a failure failed exec cleanly; a fault in it now
// could only kill the shell or a test's parent.
static inline char *(*region_page_alloc(struct region *r))(void) {
  return r->image ? kalloc_cow : kalloc;
}

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
// pages, shared pages shared), except the private page at hot (the page
// under the parent's stack pointer), which the child gets a copy of now:
// both processes store into it as soon as fork returns, so sharing it
// would only buy two faults, and the parent's copy would happen while the
// child already runs (a child counting free pages at its start would see
// it half made). -1 on failure: the caller frees the child.
int  mmap_fork(struct vmspace *parent, struct vmspace *child, uint hot);
// Unmap every region (writing shared file pages back); page tables stay.
void mmap_release_all(struct vmspace *vm);
// Does any region overlap [start, end)? (Inline, like mmap_find: sbrk
// and every page fault ask, and a wrapper call would cost each of them.)
static inline int mmap_overlaps(struct vmspace *vm, uint start, uint end) {
  return rt_overlaps(&vm->regions, start, end);
}
// The region holding va, or 0.
static inline struct region *mmap_find(struct vmspace *vm, uint va) {
  struct region *r = vm->find_hint;
  if (r && r->rt.start <= va && va < r->rt.end)
    return r;
  struct rt_node *n = rt_find(&vm->regions, va);
  if (n == 0)
    return 0;
  r = rt_entry(n, struct region, rt);
  vm->find_hint = r;
  return r;
}
// PTE permission bits for a page of r (copy-on-write pages drop PTE_W).
uint mmap_pte_perm(struct region *r, int cow_shared);
int  mmap_region_count(void);   // live mmap regions (not image ones), for leak accounting

// ---- the program image (exec, sbrk: mm/vmspace.c) ----
// A private region [start, end) of vm for a part of the image, mapping f
// at offset (its own reference) or anonymous (f == 0); vm need not be the
// current address space. The region, or 0 if the range is taken or
// memory is out.
struct region *mmap_image_map(struct vmspace *vm, uint start, uint end, int prot,
                              struct file *f, uint offset, enum image_part part);
// Move an image region's end up to end (the range is free: the caller
// checked) or down (the pages above end already dropped).
void mmap_image_set_end(struct vmspace *vm, struct region *r, uint end);

struct pmap_entry;
// Describe up to max mmap regions of vm into out; returns how many vm has
// (image regions are not counted or described).
// Safe on another process's vm while the caller holds a reference to it.
int  mmap_describe(struct vmspace *vm, struct pmap_entry *out, int max);

#endif
