// Host build of mm/kmalloc.c (compiled with -DKM_HOST by the host tests
// and the benchmark). Stands in for the kernel pieces kmalloc.c uses:
// locks and interrupt masking become checks on one thread, "CPUs"
// are simulated by km_host_cpu so the per-CPU caches and the cross-CPU
// drain are exercised, and the program supplies the page source and the
// reporting of bad frees.
#ifndef KERNEL_MM_KMHOST_H
#define KERNEL_MM_KMHOST_H

#include "types.h"

#define KM_NCPU 4                 // simulated CPUs (caches)
extern int km_host_cpu;           // which cache the next call uses (0..KM_NCPU-1)

// One thread: a lock that is found taken means recursive or unbalanced use.
void km_host_lockfail(const char *what);

// Page source and its free count (the program implements these).
char *kalloc(void);
void  kfree(char *page);
int   kfreecount(void);
// The range page numbers are counted from, and a zeroed word per page.
void  km_host_arena(void **base, uint *npages, uint **meta);
// A bad free/query: the kernel panics here; the host records it.
void  km_host_report(const void *addr, const char *why, const void *caller);

#endif
