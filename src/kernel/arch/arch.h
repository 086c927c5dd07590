// Multiprocessor and interrupt-controller hardware: MP tables, local APIC,
// I/O APIC, legacy PIC, and machine power-off.
#ifndef KERNEL_ARCH_ARCH_H
#define KERNEL_ARCH_ARCH_H

#include "types.h"

// mp.c
extern int ismp;
extern uchar ioapicid;
void mpinit(void);

// acpi.c: fills cpus[], ncpu, lapic, ioapicid from ACPI; -1 if absent.
int acpiinit(void);

// lapic.c
extern volatile uint *lapic;
void lapicinit(void);
int  lapicid(void);
void lapiceoi(void);
void lapicstartap(uchar apicid, uint addr);
void microdelay(int us);

// ioapic.c
void ioapicinit(void);
void ioapicenable(int irq, int cpu);

// picirq.c
void picinit(void);

// power.c
void machine_poweroff(void) __attribute__((noreturn));

#endif
