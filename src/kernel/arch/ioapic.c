// I/O APIC: routes device interrupts (IRQs) to CPUs.
#include "types.h"
#include "traps.h"
#include "arch/arch.h"
#include "dev/console.h"

#define IOAPIC_BASE 0xFEC00000   // default physical (= virtual) address

#define REG_ID    0x00
#define REG_VER   0x01
#define REG_TABLE 0x10   // redirection table: two registers per IRQ

#define INT_DISABLED 0x00010000

// The chip is programmed through an index register and a data window.
struct ioapic_regs {
  uint reg;
  uint pad[3];
  uint data;
};

static volatile struct ioapic_regs *ioapic;

static uint ioapic_read(int reg) {
  ioapic->reg = reg;
  return ioapic->data;
}

static void ioapic_write(int reg, uint data) {
  ioapic->reg = reg;
  ioapic->data = data;
}

void ioapicinit(void) {
  ioapic = (volatile struct ioapic_regs *)IOAPIC_BASE;
  int maxintr = (ioapic_read(REG_VER) >> 16) & 0xFF;
  int id = ioapic_read(REG_ID) >> 24;
  if (id != ioapicid)
    cprintf("ioapicinit: id %d is not the MP table's %d\n", id, ioapicid);

  // Start with every IRQ disabled, edge-triggered, active high, and
  // pointing at its vector T_IRQ0 + irq.
  for (int i = 0; i <= maxintr; i++) {
    ioapic_write(REG_TABLE + 2 * i, INT_DISABLED | (T_IRQ0 + i));
    ioapic_write(REG_TABLE + 2 * i + 1, 0);
  }
}

// Deliver `irq` to the CPU whose APIC id is `cpu`.
void ioapicenable(int irq, int cpu) {
  ioapic_write(REG_TABLE + 2 * irq, T_IRQ0 + irq);
  ioapic_write(REG_TABLE + 2 * irq + 1, cpu << 24);
}
