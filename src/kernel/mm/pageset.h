// A page set: a sparse array of physical pages that several mappings
// share, with the list of regions attached to it. MAP_SHARED anonymous
// regions use one (so a parent and child keep seeing each other's writes,
// even to pages first touched after fork), and a file's shared mappings
// use the one hanging off its inode (a small per-file page cache). The
// region list lets msync see dirty bits set through any of them.
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
  struct pageset **backref;  // cleared when the set is freed (inode's pointer)
};

void  pageset_init(void);
struct pageset *pageset_create(uint npages);   // no regions yet; 0 if out of memory
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
// The page at idx, or 0 if none is there yet.
char *pageset_lookup(struct pageset *ps, uint idx);
// Store page (which the set now owns) at idx unless one is there already.
// Returns the page that is stored there afterwards: `page`, or the one
// that won a race (the caller then frees its own), or 0 when out of memory.
char *pageset_install(struct pageset *ps, uint idx, char *page);
int   pageset_count(void);   // live page sets, for leak accounting

#endif
