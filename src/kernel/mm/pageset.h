// A page set: a sparse, reference-counted array of physical pages that
// several mappings share. MAP_SHARED anonymous regions use one (so a
// parent and child keep seeing each other's writes, even to pages first
// touched after fork), and a file's shared mappings use the one hanging
// off its inode (a small per-file page cache).
#ifndef KERNEL_MM_PAGESET_H
#define KERNEL_MM_PAGESET_H

#include "types.h"
#include "lock/spinlock.h"

struct pageset {
  struct spinlock lock;
  int ref;           // holders: regions, plus the inode for a file cache
  uint npages;       // capacity, in pages
  char ***dir;       // dir[i] is a page of 1024 page pointers, or 0
  uint ndir;
  uint resident;     // pages present
  struct pageset **backref;  // cleared when the set is freed (inode's pointer)
};

void  pageset_init(void);
struct pageset *pageset_create(uint npages);   // 0 if out of memory
void  pageset_hold(struct pageset *ps);
void  pageset_put(struct pageset *ps);        // frees everything at ref 0
// The page at idx, or 0 if none is there yet.
char *pageset_lookup(struct pageset *ps, uint idx);
// Store page (which the set now owns) at idx unless one is there already.
// Returns the page that is stored there afterwards: `page`, or the one
// that won a race (the caller then frees its own), or 0 when out of memory.
char *pageset_install(struct pageset *ps, uint idx, char *page);
int   pageset_count(void);   // live page sets, for leak accounting

#endif
