// Local APIC: per-CPU interrupt controller. Gives each CPU its timer
// interrupt, acknowledges interrupts, and starts the other CPUs.
#include "types.h"
#include "memlayout.h"
#include "traps.h"
#include "arch/x86.h"
#include "arch/arch.h"

// Register indexes (byte offset / 4).
#define REG_ID      (0x0020/4)
#define REG_VER     (0x0030/4)
#define REG_TPR     (0x0080/4)   // task priority
#define REG_EOI     (0x00B0/4)
#define REG_SVR     (0x00F0/4)   // spurious vector
#define   SVR_ENABLE  0x00000100
#define REG_ESR     (0x0280/4)   // error status
#define REG_ICRLO   (0x0300/4)   // interrupt command
#define   ICR_INIT     0x00000500
#define   ICR_STARTUP  0x00000600
#define   ICR_DELIVS   0x00001000  // delivery pending
#define   ICR_ASSERT   0x00004000
#define   ICR_DEASSERT 0x00000000
#define   ICR_LEVEL    0x00008000
#define   ICR_BCAST    0x00080000  // all CPUs including self
#define REG_ICRHI   (0x0310/4)
#define REG_TIMER   (0x0320/4)
#define   TIMER_PERIODIC 0x00020000
#define   LVT_MASKED     0x00010000
#define REG_PCINT   (0x0340/4)   // performance counter
#define REG_LINT0   (0x0350/4)
#define REG_LINT1   (0x0360/4)
#define REG_ERROR   (0x0370/4)
#define REG_TICR    (0x0380/4)   // timer initial count
#define REG_TDCR    (0x03E0/4)   // timer divide
#define   TDCR_X1     0x0000000B

volatile uint *lapic;   // set by mpinit()

static void lapic_write(int reg, uint value) {
  lapic[reg] = value;
  (void)lapic[REG_ID];   // reading forces the write to complete
}

void lapicinit(void) {
  if (!lapic)
    return;

  lapic_write(REG_SVR, SVR_ENABLE | (T_IRQ0 + IRQ_SPURIOUS));

  // Periodic timer counting down from a fixed value at bus speed.
  lapic_write(REG_TDCR, TDCR_X1);
  lapic_write(REG_TIMER, TIMER_PERIODIC | (T_IRQ0 + IRQ_TIMER));
  lapic_write(REG_TICR, 10000000);

  lapic_write(REG_LINT0, LVT_MASKED);
  lapic_write(REG_LINT1, LVT_MASKED);
  if (((lapic[REG_VER] >> 16) & 0xFF) >= 4)   // has a perf-counter LVT
    lapic_write(REG_PCINT, LVT_MASKED);

  lapic_write(REG_ERROR, T_IRQ0 + IRQ_ERROR);
  lapic_write(REG_ESR, 0);                     // clear errors (needs two writes)
  lapic_write(REG_ESR, 0);
  lapic_write(REG_EOI, 0);                     // ack anything outstanding

  // Synchronise arbitration IDs: broadcast INIT level de-assert.
  lapic_write(REG_ICRHI, 0);
  lapic_write(REG_ICRLO, ICR_BCAST | ICR_INIT | ICR_LEVEL);
  while (lapic[REG_ICRLO] & ICR_DELIVS)
    ;

  lapic_write(REG_TPR, 0);   // accept every interrupt
}

int lapicid(void) {
  if (!lapic)
    return 0;
  return lapic[REG_ID] >> 24;
}

void lapiceoi(void) {
  if (lapic)
    lapic_write(REG_EOI, 0);
}

// Busy-wait roughly `us` microseconds. Only used while starting CPUs,
// where emulators do not care about exact delays.
void microdelay(int us) {
  for (volatile int i = 0; i < us * 10; i++)
    ;
}

// The CMOS "shutdown code" and the BIOS warm-reset vector tell an AP where
// to go after INIT; then the STARTUP IPI (sent twice, as Intel asks)
// starts it in real mode at `addr` (page aligned, below 1 MiB).
#define CMOS_PORT 0x70
#define CMOS_DATA 0x71

void lapicstartap(uchar apicid, uint addr) {
  outb(CMOS_PORT, 0x0F);
  outb(CMOS_DATA, 0x0A);
  ushort *warm_reset = (ushort *)P2V((0x40 << 4) | 0x67);
  warm_reset[0] = 0;
  warm_reset[1] = addr >> 4;

  lapic_write(REG_ICRHI, apicid << 24);
  lapic_write(REG_ICRLO, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
  microdelay(200);
  lapic_write(REG_ICRLO, ICR_INIT | ICR_LEVEL);
  microdelay(100);

  for (int i = 0; i < 2; i++) {
    lapic_write(REG_ICRHI, apicid << 24);
    lapic_write(REG_ICRLO, ICR_STARTUP | (addr >> 12));
    microdelay(200);
  }
}
