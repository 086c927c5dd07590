// Page-fault handling for user addresses: lazy mmap pages, copy-on-write.
#ifndef KERNEL_MM_PAGEFAULT_H
#define KERNEL_MM_PAGEFAULT_H

#include "types.h"

struct proc;

// Page-fault error-code bits (pushed by the CPU).
#define PF_PROT  0x1   // the page was present: a protection violation
#define PF_WRITE 0x2   // the access was a write
#define PF_USER  0x4   // the access came from user mode

// What a fault on a user address came to. Anything but FAULT_FIXED kills a
// process that faulted in user mode (and fails a system call whose buffer
// it was), with a message that tells the three apart.
enum fault_result {
  FAULT_FIXED = 0,       // the page is mapped now, with the access allowed
  FAULT_ILLEGAL = -1,    // no region there, or the region forbids the access
  FAULT_NO_MEMORY = -2,  // no page or page table could be allocated
  FAULT_PAST_EOF = -3,   // a file mapping's page lies past the end of the file
};

// Try to resolve a fault by process p at user address va (err: PF_ bits).
enum fault_result handle_page_fault(struct proc *p, uint va, uint err);

#endif
