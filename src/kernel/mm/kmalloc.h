// kmalloc: small kernel objects (16..4096 bytes) carved out of kalloc
// pages by a buddy allocator (mm/buddy.c), with per-CPU caches in front.
//
// Blocks are powers of two, aligned to their size; kmalloc(4096) takes
// exactly one page. There is no header: kmfree finds a block's size from
// per-page metadata. Safe from any CPU and from interrupt handlers.
#ifndef KERNEL_MM_KMALLOC_H
#define KERNEL_MM_KMALLOC_H

#include "types.h"

struct kmstat;

// Once, on the boot CPU, after kinit1/kinit2 and seginit, and before the
// first kmalloc (kmalloc needs mycpu(), so nothing may call it before
// seginit either).
void  kmalloc_init(void);

// A block of at least n bytes (1 <= n <= 4096), aligned to its size, or 0
// if n is out of range or memory is exhausted. Contents undefined.
void *kmalloc(uint n);
// As kmalloc, with the whole block zeroed.
void *kzalloc(uint n);
// Free a block from kmalloc. kmfree(0) does nothing. Anything else that is
// not the start of a live block panics, naming the address and the fault.
void  kmfree(void *p);
// Usable size of a live block: its power-of-two size (>= the request).
// kmsize(0) is 0; anything else that is not a live block panics.
uint  kmsize(void *p);

// Give every block parked in any CPU's cache back to the buddy core, which
// merges them and returns wholly free pages to kalloc. Returns the number
// of blocks moved. Safe from any CPU.
int   kmalloc_drain(void);
// Physical pages free for allocation right now: drains, then kfreecount().
int   kmalloc_freepages(void);
// Fill *st (kernel memory).
void  kmalloc_stat(struct kmstat *st);

// Fault-injection hook (issue 5): when set and it returns non-zero, that
// kmalloc call fails as if memory were exhausted.
extern int (*kmalloc_failhook)(uint n);

#endif
