// Fault injection: a boot flag makes a chosen share of allocations fail,
// so error paths run. Set with QEMU's
//   -fw_cfg name=opt/xv6/faults,string=kalloc=1/50,kmalloc=1/20,seed=7
// (make qemu-nox FAULTS="kalloc=1/50,kmalloc=1/20,seed=7" does that).
//   kalloc=1/N   each page allocation fails with probability 1/N
//   kmalloc=1/N  each kmalloc fails with probability 1/N
//   seed=S       seed of the deterministic generator (default 1)
//   user=0|1     1 (default): only allocations made by processes other
//                than init; 0: any allocation made by a process
// Allocations made while booting (no current process) never fail.
#ifndef KERNEL_MM_FAULTINJECT_H
#define KERNEL_MM_FAULTINJECT_H

#include "types.h"

enum fault_site { FAULT_KALLOC, FAULT_KMALLOC, FAULT_NSITES };

struct faultstat;

void faultinject_init(void);            // read and report the boot flag
int  fault_should_fail(enum fault_site site);   // 1: make this one fail
void faultinject_stats(struct faultstat *st);

#endif
