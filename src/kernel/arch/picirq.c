// The legacy 8259A PICs: we use the APICs, so mask every PIC interrupt.
#include "types.h"
#include "arch/x86.h"
#include "arch/arch.h"

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA  0xA1

void picinit(void) {
  outb(PIC_MASTER_DATA, 0xFF);
  outb(PIC_SLAVE_DATA, 0xFF);
}
