// Memory objects: what backs a region. A region (mm/mmap.h) is a range,
// a protection, an object, an offset into it, and shared or private;
// the object says where the region's pages come from and where stores
// to them go, through the small ops table below. The syscall layer
// (sysmmap.c) picks the object once, from the call's form and flags;
// nothing below it asks how a region is backed.
//
// The objects:
//   vmo_anon_private     zero-filled pages of the region's own (vmobject.c)
//   vmo_anon_shared      zero-filled pages in a page set shared by the
//                        region's copies (fork) (vmobject.c)
//   filemap_cache_shared the file's page cache, one per inode, shared by
//                        every mapping of the file and by read()/write()
//   filemap_cache_private the same cache under copy-on-write: a page
//                        follows the file until the process stores to it
//   filemap_course_shared, filemap_course_private
//                        the course's call form of a file mapping (any
//                        offset, may run past the end of the file,
//                        byte-exact msync) (filemap.c)
//
// Shared or private is the region's, not the object's: when get_page
// hands back a page the object keeps (the cache's, a page set's), a
// private region maps it read-only and copies it on the first store
// (mm/pagefault.c). That one rule is copy-on-write over any object.
#ifndef KERNEL_MM_VMOBJECT_H
#define KERNEL_MM_VMOBJECT_H

#include "types.h"
#include "mm/pagefault.h"

struct region;
struct pageset;

// Which stores a write-back covers (see filemap_writeback in filemap.c).
enum writeback_scope {
  WB_THIS_MAPPING,   // munmap, exit: what this mapping dirtied
  WB_ANY_MAPPING,    // msync: what any mapping of the file dirtied
};
// One msync call's record of the file pages it has already checked (a
// range per file), so a range holding many mappings of the same page
// checks that page once.
#define WB_MEMO_SETS 4
struct writeback_seen {
  struct pageset *ps;
  uint lo, hi;       // pages [lo, hi) of ps are done
};
struct writeback_memo {
  uint used;
  struct writeback_seen sets[WB_MEMO_SETS];
};

struct vmobject_ops {
  // Set up the backing of a new region r (its range, offset, flags and
  // file are set). 0, or -1 when out of memory. May be 0: nothing to do.
  int (*attach)(struct region *r);
  // copy is a new copy of a region (fork, a split) sharing its backing:
  // take what references that needs. May be 0.
  void (*clone)(struct region *copy);
  // r's record is being freed: drop its backing's references. May be 0.
  void (*detach)(struct region *r);
  // The page for user address va of r, which has none yet, with one
  // reference for the mapping; write: the fault is a store. *kept is set
  // when the object keeps the page too (a private region must not store
  // into it). FAULT_FIXED, or why not.
  enum fault_result (*get_page)(struct region *r, uint va, int write,
                                char **pagep, int *kept);
  // Write what stores in [start, end) of r (in pgdir) changed back to
  // where the object keeps it (munmap, exit: scope WB_THIS_MAPPING). 0,
  // or -1 on an I/O failure. 0 for objects with no backing store.
  int (*writeback)(struct region *r, pde_t *pgdir, uint start, uint end,
                   enum writeback_scope scope, struct writeback_memo *memo);
  // msync of [start, end); byte_end is where the caller's byte range
  // ends (at most end). 0 = nothing to write.
  int (*sync)(struct region *r, pde_t *pgdir, uint start, uint end,
              uint byte_end, struct writeback_memo *memo);
};

extern const struct vmobject_ops vmo_anon_private;
extern const struct vmobject_ops vmo_anon_shared;
// A new page for user address va of r (from region_page_alloc, mmap.h),
// zeroed and then filled by fill when there is one, with one reference:
// FAULT_FIXED and *pagep, or why not (nothing is left allocated).
enum fault_result vmobject_new_page(struct region *r, uint va,
                                    enum fault_result (*fill)(struct region *, uint, char *),
                                    char **pagep);
// (The file objects are in mm/filemap.h.)

// For objects whose pages live in the region's page set (r->pages, a
// shared anonymous region or a course-form shared file region): the
// set's page for va, made on the first touch by any of its mappers with
// fill (which fills a zeroed page; FAULT_FIXED or why not).
enum fault_result vmobject_set_page(struct region *r, uint va, char **pagep,
                                    enum fault_result (*fill)(struct region *, uint, char *));
// A region that keeps its pages in a page set of its own (r->pages):
// create it (attach), share it (clone), drop it (detach).
int  vmobject_own_set_attach(struct region *r);
void vmobject_set_clone(struct region *copy);
void vmobject_set_detach(struct region *r);

#endif
