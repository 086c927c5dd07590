// Baseline for the kmalloc benchmark: a first-fit free-list allocator in the
// style of Kernighan & Ritchie (the one xv6's user malloc uses), adapted to
// take 4096-byte pages from a page source, with an 8-byte header per block.
// Written here for comparison only; the kernel does not use it.
#ifndef BENCH_KR_BASELINE_H
#define BENCH_KR_BASELINE_H

#include <stddef.h>

void  kr_init(void *(*page_get)(void), void *arena_base);
void *kr_malloc(size_t n);
void  kr_free(void *p);

#endif
