// Process-related system calls.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "arch/arch.h"
#include "arch/trap.h"
#include "procinfo.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "proc/syscalls.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "lib/klib.h"

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
  int old = vmspace_heap_end(myproc()->vm);
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

// procs(struct procinfo *out, int max): the process table, for ps.
// Returns how many processes there are (out gets at most max of them).
int sys_procs(void) {
  int max;
  char *out;
  if (argint(1, &max) < 0 || max < 0)
    return -1;
  if (max > PROCS_MAX)
    max = PROCS_MAX;
  if (argptr_rw(0, &out, max * sizeof(struct procinfo), 1) < 0)
    return -1;
  // Filled under the process-table lock, so into kernel memory first.
  struct procinfo *buf = kmalloc(max ? max * sizeof(*buf) : 1);
  if (buf == 0)
    return -1;
  int n = proc_list(buf, max);
  memmove(out, buf, (n < max ? n : max) * sizeof(*buf));
  kmfree(buf);
  return n;
}
