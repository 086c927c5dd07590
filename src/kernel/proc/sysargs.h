// System call dispatch and argument fetching.
//
// Argument n is the n'th 32-bit word above the user's return address on
// the user stack. Every helper validates user addresses: 0 on success,
// -1 when the address is bad (the system call then returns -1). Numbers
// and strings are copied into the kernel (mm/uaccess.h): a handler works
// on its copy, never on user memory another process could change.
#ifndef KERNEL_PROC_SYSARGS_H
#define KERNEL_PROC_SYSARGS_H

#include "types.h"

int  fetchint(uint addr, int *ip);
// Copy the string at addr into buf (max bytes, NUL included). Returns its
// length, or -1 if it is longer or not readable.
int  fetchstr(uint addr, char *buf, int max);
int  argint(int n, int *ip);
// The first n integer arguments into out[0..n), in one copy from the
// user stack (a call with six arguments pays for one check, not six).
int  argints(int n, int *out);
// A pointer to `size` bytes of user memory, faulted in and, when
// `write` is set, writable by the process: for data the kernel passes
// through once (read and write buffers, results it fills in).
int  argptr_rw(int n, char **pp, int size, int write);
#define argptr(n, pp, size) argptr_rw((n), (pp), (size), 1)
int  argstr(int n, char *buf, int max);    // fetchstr of argument n
void syscall(void);

#endif
