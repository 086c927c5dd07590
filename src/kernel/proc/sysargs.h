// System call dispatch and argument fetching.
//
// Argument n is the n'th 32-bit word above the user's return address on
// the user stack. Every helper validates user addresses: 0 on success,
// -1 when the address is bad (the system call then returns -1).
#ifndef KERNEL_PROC_SYSARGS_H
#define KERNEL_PROC_SYSARGS_H

#include "types.h"

int  fetchint(uint addr, int *ip);
int  fetchstr(uint addr, char **pp);        // returns the length, or -1
int  argint(int n, int *ip);
// A pointer to `size` bytes of user memory, faulted in and, when
// `write` is set, writable by the process.
int  argptr_rw(int n, char **pp, int size, int write);
#define argptr(n, pp, size) argptr_rw((n), (pp), (size), 1)
int  argstr(int n, char **pp);             // returns the length, or -1
void syscall(void);

#endif
