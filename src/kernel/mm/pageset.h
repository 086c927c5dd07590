// A page set: a sparse array of physical pages that several mappings
// share, with the list of regions attached to it. MAP_SHARED anonymous
// regions use one (so a parent and child keep seeing each other's writes,
// even to pages first touched after fork), and a file's shared mappings
// use the one hanging off its inode (the file's page cache). The
// region list lets msync see dirty bits set through any of them.
//
// A file's cache is an *owned* set (pageset_init_owned): it outlives its
// regions, and its owner (mm/filemap.c) frees its pages. Every reference
// to one of its pages that the set did not already hand out is taken
// under the set's lock (pageset_get, pageset_install), so a page whose
// count is 1 is held by the set alone and reclaim may free it.
#ifndef KERNEL_MM_PAGESET_H
#define KERNEL_MM_PAGESET_H

#include "types.h"
#include "lock/spinlock.h"

struct region;

struct pageset {
  struct spinlock lock;
  int ref;           // regions attached (the set dies with the last one)
  struct region *mappers;  // those regions, linked through region.ps_next
  uint npages;       // capacity, in pages
  char ***dir;       // dir[i] is a page of 1024 page pointers, or 0
  uint ndir;
  uint resident;     // pages present
  int owned;         // a file cache: not freed by its last detach
  uint cursor;       // owned: where the next reclaim scan starts
};

void  pageset_init(void);
struct pageset *pageset_create(uint npages);   // no regions yet; 0 if out of memory
// Make *ps an empty owned set whose directory is dir[0..ndir) (the
// owner's memory, zeroed here).
void  pageset_init_owned(struct pageset *ps, uint npages, char ***dir, uint ndir);
// Attach region r (which maps pages of ps in r->pgdir), or detach it;
// the last detach frees the set and its pages.
void  pageset_attach(struct pageset *ps, struct region *r);
void  pageset_detach(struct pageset *ps, struct region *r);
// Has any attached region's page table marked page idx dirty?
int   pageset_dirty(struct pageset *ps, uint idx, char *page);
// Clear the dirty bit of page idx in the mappings that live in pgdir (the
// caller's own page table: other processes' CPUs may cache their entries,
// so theirs stay as they are). The caller flushes its TLB.
void  pageset_clean(struct pageset *ps, uint idx, char *page, pde_t *pgdir);
// The page at idx with a reference for the caller (kfree it), or 0.
char *pageset_get(struct pageset *ps, uint idx);
// Store page (whose reference the set now owns) at idx unless one is
// there already. Returns the page stored there afterwards, with a
// reference for the caller: `page`, or the one that won a race (the
// caller then frees its own), or 0 when out of memory.
char *pageset_install(struct pageset *ps, uint idx, char *page);
// Owned sets only. Free up to `want` pages that only the set holds (no
// page table maps them), scanning round-robin from the cursor, and the
// pointer pages left empty. Returns pages freed. Never sleeps.
uint  pageset_reclaim(struct pageset *ps, uint want);
// What pageset_reclaim(ps, all) would free now, pointer pages included.
uint  pageset_reclaimable(struct pageset *ps);
// Free every page and pointer page of an owned set no region uses.
void  pageset_drop_all(struct pageset *ps);
// Pages present, and how many of them a mapping has dirtied.
void  pageset_counts(struct pageset *ps, uint *cached, uint *dirty);
int   pageset_count(void);   // live page sets, for leak accounting

#endif
