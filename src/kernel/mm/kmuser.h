// The kmalloc test system calls (sys_kmalloc, sys_kmfree, sys_freepages,
// sys_kmstat, sys_kmtest are declared in proc/syscalls.h) and the
// per-process record of blocks obtained through them.
#ifndef KERNEL_MM_KMUSER_H
#define KERNEL_MM_KMUSER_H

#include "types.h"

struct proc;

// Bytes (counted in whole blocks) all processes together may hold through
// sys_kmalloc, on top of NKMUSER blocks per process, so that forking many
// processes cannot exhaust kernel memory either.
#define KMUSER_TOTAL_MAX (64u << 20)

// Free every block p obtained through sys_kmalloc. Called by exit().
void kmuser_release(struct proc *p);

// In-kernel self-test behind sys_kmtest; see kmuser.c. seed >= 0: random
// allocations with pattern and overlap checks, 0 on pass, negative on
// failure. seed < 0: micro-benchmark -seed (1 hot 64-byte pair, 2 kernel-
// like mix, 3 hot 4096-byte pair), returning TSC ticks per kmalloc+kmfree
// pair (instructions under QEMU -icount shift=0).
int  kmtest(int seed, int rounds);

#endif
