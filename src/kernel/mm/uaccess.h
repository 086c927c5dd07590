// uaccess: the one way system calls read and write the current process's
// memory.
//
// Rule: the kernel reads each user value once. Anything it decides on (a
// path, an argument string, a number) is copied into kernel memory with
// copyin/copyinstr and only the copy is used afterwards, because another
// process sharing the page (MAP_SHARED, then fork) can change the user
// bytes at any moment. Bulk data the kernel only passes through in one go
// (read and write buffers, structures it fills in) may instead be used in
// place after user_buf_ok(): the kernel touches each byte once and
// decides nothing on its contents.
//
// Every function refuses addresses at or above KERNBASE and pages the
// process may not access, faulting in lazily-mapped pages first; a bad
// address is -1, never a kernel fault.
#ifndef KERNEL_MM_UACCESS_H
#define KERNEL_MM_UACCESS_H

#include "types.h"

// Copy n bytes from user address uva into dst. 0, or -1 on a bad address.
int copyin(void *dst, uint uva, uint n);
// Copy n bytes from src to user address uva. 0, or -1 on a bad address.
int copyout_user(uint uva, const void *src, uint n);
// Copy the NUL-terminated string at uva, NUL included, into dst, which
// holds max bytes. Returns the length (without the NUL), or -1 if the
// string is not terminated within max bytes or runs into an address the
// process may not read. Never reads past the string's NUL, or past the
// first max bytes.
int copyinstr(char *dst, uint uva, uint max);
// May the kernel use [uva, uva+n) in place (writing it when write is set)?
// 0 if so, -1 otherwise.
int user_buf_ok(uint uva, uint n, int write);

#endif
