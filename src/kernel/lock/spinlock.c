// Spin locks. Holding one keeps interrupts off on this CPU, so an
// interrupt handler can never spin on a lock its own CPU already holds.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "arch/x86.h"
#include "lock/spinlock.h"
#include "proc/proc.h"
#include "dev/console.h"

void initlock(struct spinlock *lk, char *name) {
  lk->name = name;
  lk->locked = 0;
  lk->cpu = 0;
}

void acquire(struct spinlock *lk) {
  pushcli();
  if (holding(lk)) {
    cprintf("lock %s\n", lk->name);
    panic("acquire: lock already held by this cpu");
  }
  while (xchg(&lk->locked, 1) != 0)
    ;
  // Keep the critical section's loads and stores after the lock is taken.
  __sync_synchronize();
  lk->cpu = mycpu();
  getcallerpcs(&lk, lk->pcs);
}

void release(struct spinlock *lk) {
  if (!holding(lk)) {
    cprintf("lock %s\n", lk->name);
    panic("release: lock not held");
  }
  lk->pcs[0] = 0;
  lk->cpu = 0;
  // Make the critical section's stores visible before the lock is free.
  __sync_synchronize();
  asm volatile("movl $0, %0" : "+m"(lk->locked));
  popcli();
}

// Record the return addresses on the stack by following saved %ebp links.
void getcallerpcs(void *v, uint pcs[]) {
  uint *ebp = (uint *)v - 2;
  int i;
  for (i = 0; i < 10; i++) {
    if (ebp == 0 || ebp < (uint *)KERNBASE || ebp == (uint *)0xffffffff)
      break;
    pcs[i] = ebp[1];
    ebp = (uint *)ebp[0];
  }
  for (; i < 10; i++)
    pcs[i] = 0;
}

int holding(struct spinlock *lk) {
  pushcli();
  int r = lk->locked && lk->cpu == mycpu();
  popcli();
  return r;
}

// pushcli/popcli nest: interrupts come back on only at the outermost
// popcli, and only if they were on before the first pushcli.
void pushcli(void) {
  uint eflags = readeflags();
  cli();
  struct cpu *c = mycpu();
  if (c->ncli == 0)
    c->intena = eflags & FL_IF;
  c->ncli++;
}

void popcli(void) {
  if (readeflags() & FL_IF)
    panic("popcli: interrupts enabled");
  struct cpu *c = mycpu();
  if (--c->ncli < 0)
    panic("popcli: unbalanced");
  if (c->ncli == 0 && c->intena)
    sti();
}
