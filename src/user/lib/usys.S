// User-side entry points for every system call.
//
// The kernel takes the call number in %eax and finds the arguments on the
// user stack, just above the return address that our caller pushed, so a
// stub needs no frame of its own: load the number, trap, hand %eax back.

#include "syscall.h"
#include "traps.h"

// SYSCALL_AS(sym, nr): define the global function `sym` that traps with
// call number `nr`. SYSCALL(x) is the usual case where both names agree.
#define SYSCALL_AS(sym, nr) \
  .globl sym; .type sym, @function; sym: movl $nr, %eax; int $T_SYSCALL; ret; .size sym, . - sym
#define SYSCALL(x) SYSCALL_AS(x, SYS_ ## x)

  .text

// The xv6-public set.
SYSCALL(fork)
SYSCALL(exit)
SYSCALL(wait)
SYSCALL(pipe)
SYSCALL(read)
SYSCALL(write)
SYSCALL(close)
SYSCALL(kill)
SYSCALL(exec)
SYSCALL(open)
SYSCALL(mknod)
SYSCALL(unlink)
SYSCALL(fstat)
SYSCALL(link)
SYSCALL(mkdir)
SYSCALL(chdir)
SYSCALL(dup)
SYSCALL(getpid)
SYSCALL(sbrk)
SYSCALL(sleep)
SYSCALL(uptime)

// Memory-management additions.
SYSCALL(kmalloc)
SYSCALL(kmfree)
SYSCALL(freepages)
SYSCALL(mmap)
SYSCALL(munmap)
SYSCALL(mprotect)
SYSCALL(msync)
SYSCALL(lseek)
SYSCALL(kmstat)
SYSCALL(kmtest)
SYSCALL(pmap)
SYSCALL(memstat)
SYSCALL(faultstat)
SYSCALL(poweroff)
SYSCALL(procs)
SYSCALL(fsync)

// The course calls lseek "fileseek"; the kernel sees the same call.
SYSCALL_AS(fileseek, SYS_lseek)
