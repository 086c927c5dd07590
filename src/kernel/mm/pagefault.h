// Page-fault handling for user addresses: lazy mmap pages, copy-on-write.
#ifndef KERNEL_MM_PAGEFAULT_H
#define KERNEL_MM_PAGEFAULT_H

#include "types.h"

struct vmspace;

// Page-fault error-code bits (pushed by the CPU).
#define PF_PROT  0x1   // the page was present: a protection violation
#define PF_WRITE 0x2   // the access was a write
#define PF_USER  0x4   // the access came from user mode

// What a fault on a user address came to. Anything but FAULT_FIXED kills a
// process that faulted in user mode (and fails a system call whose buffer
// it was); the kill message (arch/trap.c) is built from this, so each
// value names what is at the address, not the CPU's error bits.
enum fault_result {
  FAULT_FIXED = 0,       // the page is mapped now, with the access allowed
  FAULT_NULL = -1,       // page 0: a NULL pointer (never mapped, see USERBASE)
  FAULT_NO_MAPPING = -2, // nothing mapped there: no region, no heap page
  FAULT_KERNEL = -3,     // a kernel address (KERNBASE and up)
  FAULT_GUARD = -4,      // the stack guard page below the user stack
  FAULT_READ_ONLY = -5,  // a store into a region without PROT_WRITE
  FAULT_PROT_NONE = -6,  // any access to a PROT_NONE region
  FAULT_NO_MEMORY = -7,  // no page or page table could be allocated
  FAULT_PAST_EOF = -8,   // a file mapping's page lies past the end of the file
};

// Try to resolve a fault at user address va of address space vm (err: PF_ bits).
enum fault_result handle_page_fault(struct vmspace *vm, uint va, uint err);

// The region of vm holding va, for a kill message: 0 and *start, *end and
// *prot set, or -1 if there is none.
int fault_region(struct vmspace *vm, uint va, uint *start, uint *end, int *prot);

#endif
