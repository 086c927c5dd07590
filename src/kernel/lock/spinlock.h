// Spin locks: short critical sections, interrupts off while held.
#ifndef KERNEL_LOCK_SPINLOCK_H
#define KERNEL_LOCK_SPINLOCK_H

#include "types.h"

struct cpu;

struct spinlock {
  volatile uint locked;  // 1 while held
  char *name;            // for panic messages
  struct cpu *cpu;       // holder
  uint pcs[10];          // call stack when acquired (debugging)
};

void initlock(struct spinlock *lk, char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int  holding(struct spinlock *lk);
void getcallerpcs(void *v, uint pcs[]);
// Nested interrupt disabling: pushcli/popcli pairs like cli/sti but count.
void pushcli(void);
void popcli(void);

#endif
