// Physical and virtual memory layout.
//
// Every process's page table maps the kernel at KERNBASE and up:
//   KERNBASE .. KERNBASE+PHYSTOP  ->  physical 0 .. PHYSTOP
//   DEVSPACE .. 4 GiB             ->  memory-mapped devices (identity)
// User memory lives in USERBASE .. KERNBASE. Page 0 is never mapped in
// user space, so a NULL pointer (or a small offset from one) faults.
#ifndef XV6_MEMLAYOUT_H
#define XV6_MEMLAYOUT_H

#define EXTMEM   0x100000     // first byte above the BIOS hole
#define PHYSTOP  0xE000000    // top of physical memory we use (224 MiB)
#define DEVSPACE 0xFE000000   // memory-mapped I/O (LAPIC, IOAPIC)

#define KERNBASE 0x80000000             // first kernel virtual address
#define KERNLINK (KERNBASE+EXTMEM)      // where the kernel is linked

// Where user programs (and initcode) are linked: the page above page 0.
// The Makefile passes the same number to the linker (-Ttext).
#define USERBASE 0x1000

#define V2P_WO(x) ((x) - KERNBASE)      // for assembly: no casts
#define P2V_WO(x) ((x) + KERNBASE)

#ifndef __ASSEMBLER__
#define V2P(a) (((uint) (a)) - KERNBASE)
#define P2V(a) ((void *)(((char *) (a)) + KERNBASE))
#endif

#endif
