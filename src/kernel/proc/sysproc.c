// Process-related system calls.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "arch/arch.h"
#include "arch/trap.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "proc/syscalls.h"

int sys_fork(void) {
  return fork();
}

int sys_exit(void) {
  exit();
}

int sys_wait(void) {
  return wait();
}

int sys_kill(void) {
  int pid;
  if (argint(0, &pid) < 0)
    return -1;
  return kill(pid);
}

int sys_getpid(void) {
  return myproc()->pid;
}

// Returns the old end of the heap, or -1.
int sys_sbrk(void) {
  int n;
  if (argint(0, &n) < 0)
    return -1;
  int old = myproc()->sz;
  if (growproc(n) < 0)
    return -1;
  return old;
}

int sys_sleep(void) {
  int n;
  // A negative count would compare as a huge unsigned one below.
  if (argint(0, &n) < 0 || n < 0)
    return -1;
  acquire(&tickslock);
  uint start = ticks;
  while (ticks - start < (uint)n) {
    if (myproc()->killed) {
      release(&tickslock);
      return -1;
    }
    sleep(&ticks, &tickslock);
  }
  release(&tickslock);
  return 0;
}

int sys_uptime(void) {
  acquire(&tickslock);
  uint t = ticks;
  release(&tickslock);
  return t;
}

int sys_poweroff(void) {
  machine_poweroff();
}
