// Sleep locks: may be held across disk I/O; waiters sleep instead of spin.
#ifndef KERNEL_LOCK_SLEEPLOCK_H
#define KERNEL_LOCK_SLEEPLOCK_H

#include "lock/spinlock.h"

struct sleeplock {
  uint locked;
  struct spinlock lk;   // guards this structure
  char *name;
  int pid;              // holder
};

void initsleeplock(struct sleeplock *lk, char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int  holdingsleep(struct sleeplock *lk);

#endif
