// System call dispatch: the number arrives in %eax, arguments on the user
// stack; the result goes back in %eax.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "syscall.h"
#include "arch/x86.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "proc/syscalls.h"
#include "mm/uaccess.h"
#include "dev/console.h"
#include "lib/klib.h"

// Every argument goes through mm/uaccess: read from user memory once,
// into kernel memory, before anything is decided on it.

int fetchint(uint addr, int *ip) {
  return copyin(ip, addr, sizeof(*ip));
}

int fetchstr(uint addr, char *buf, int max) {
  if (max <= 0)
    return -1;
  return copyinstr(buf, addr, (uint)max);
}

int argint(int n, int *ip) {
  // Skip the return address the user-side stub's caller pushed.
  return fetchint(myproc()->tf->esp + 4 + 4 * n, ip);
}

int argints(int n, int *out) {
  return copyin(out, myproc()->tf->esp + 4, 4 * (uint)n);
}

int argptr_rw(int n, char **pp, int size, int write) {
  int i;
  if (argint(n, &i) < 0)
    return -1;
  if (size < 0 || user_buf_ok((uint)i, (uint)size, write) < 0)
    return -1;
  *pp = (char *)i;
  return 0;
}

int argstr(int n, char *buf, int max) {
  int addr;
  if (argint(n, &addr) < 0)
    return -1;
  return fetchstr((uint)addr, buf, max);
}

static int (*const syscalls[])(void) = {
  [SYS_fork] = sys_fork,
  [SYS_exit] = sys_exit,
  [SYS_wait] = sys_wait,
  [SYS_pipe] = sys_pipe,
  [SYS_read] = sys_read,
  [SYS_kill] = sys_kill,
  [SYS_exec] = sys_exec,
  [SYS_fstat] = sys_fstat,
  [SYS_chdir] = sys_chdir,
  [SYS_dup] = sys_dup,
  [SYS_getpid] = sys_getpid,
  [SYS_sbrk] = sys_sbrk,
  [SYS_sleep] = sys_sleep,
  [SYS_uptime] = sys_uptime,
  [SYS_open] = sys_open,
  [SYS_write] = sys_write,
  [SYS_mknod] = sys_mknod,
  [SYS_unlink] = sys_unlink,
  [SYS_link] = sys_link,
  [SYS_mkdir] = sys_mkdir,
  [SYS_close] = sys_close,
  [SYS_kmalloc] = sys_kmalloc,
  [SYS_kmfree] = sys_kmfree,
  [SYS_mmap] = sys_mmap,
  [SYS_munmap] = sys_munmap,
  [SYS_freepages] = sys_freepages,
  [SYS_mprotect] = sys_mprotect,
  [SYS_msync] = sys_msync,
  [SYS_lseek] = sys_lseek,
  [SYS_kmstat] = sys_kmstat,
  [SYS_kmtest] = sys_kmtest,
  [SYS_pmap] = sys_pmap,
  [SYS_poweroff] = sys_poweroff,
  [SYS_memstat] = sys_memstat,
  [SYS_faultstat] = sys_faultstat,
  [SYS_procs] = sys_procs,
  [SYS_fsync] = sys_fsync,
};

void syscall(void) {
  struct proc *p = myproc();
  uint num = p->tf->eax;
  if (num < NELEM(syscalls) && syscalls[num]) {
    p->tf->eax = syscalls[num]();
  } else {
    cprintf("pid %d %s: unknown system call %d\n", p->pid, p->name, num);
    p->tf->eax = -1;
  }
}
