// Physical page allocator: whole 4096-byte pages.
#ifndef KERNEL_MM_KALLOC_H
#define KERNEL_MM_KALLOC_H

#include "types.h"

void  kinit1(void *vstart, void *vend);   // before paging is final: one CPU, no lock
void  kinit2(void *vstart, void *vend);   // after: enable locking
char *kalloc(void);                        // one page (contents undefined), or 0
void  kfree(char *page);
// kalloc for a page a fault in the program image needs (its text and
// data read on first touch, bss, copy-on-write copies; pagefault.c): the
// FAULTS flag never fails it. Its only way to fail is
// to kill the process for a store into memory it already had, which
// would take the shell and the fuzzers' parents with it; every other
// allocation has an error path of its own to exercise. A real shortage
// still returns 0 (the process is killed: out of memory).
char *kalloc_cow(void);
// Pages kalloc can hand out now: the free list plus what reclaim would
// free at once (clean file-cache pages no mapping holds).
int   kfreecount(void);

// Reclaim hooks (see kalloc.c): reclaim(want) frees up to about `want`
// pages and returns how many it freed; reclaimable() says how many a
// full reclaim would free. Neither may sleep or allocate.
#define KALLOC_RECLAIM_BATCH 32
struct kalloc_reclaim {
  uint (*reclaim)(uint want);
  uint (*reclaimable)(void);
};
void  kalloc_set_reclaim(struct kalloc_reclaim *r);

// Reference counts for pages shared between address spaces (MAP_SHARED,
// copy-on-write). A page from kalloc starts with count 1; kfree of a page
// whose count is above 1 only drops the count. kref_get returns 0, or -1
// (taking nothing) when the count is at KREF_MAX: counts never wrap.
#define KREF_MAX 0x7FFFFFFFu
int   kref_get(char *page);
int   kref_count(char *page);

#endif
