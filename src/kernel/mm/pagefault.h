// Page-fault handling for user addresses: lazy mmap pages, copy-on-write.
#ifndef KERNEL_MM_PAGEFAULT_H
#define KERNEL_MM_PAGEFAULT_H

#include "types.h"

struct proc;

// Page-fault error-code bits (pushed by the CPU).
#define PF_PROT  0x1   // the page was present: a protection violation
#define PF_WRITE 0x2   // the access was a write
#define PF_USER  0x4   // the access came from user mode

// Try to resolve a fault by process p at user address va. Returns 0 when
// the page is now mapped with the access allowed, -1 when the access is
// illegal (or memory ran out) and the process must be killed.
int handle_page_fault(struct proc *p, uint va, uint err);

#endif
