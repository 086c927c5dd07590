// Interrupt descriptor table and the common trap handler.
#ifndef KERNEL_ARCH_TRAP_H
#define KERNEL_ARCH_TRAP_H

#include "types.h"
#include "lock/spinlock.h"

struct trapframe;

extern uint ticks;               // timer interrupts since boot
extern struct spinlock tickslock;

void tvinit(void);
void idtinit(void);
void trap(struct trapframe *tf);

#endif
