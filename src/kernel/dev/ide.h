// PIO driver for the primary IDE channel. Disk 0 is the boot disk, disk 1
// holds the file system (struct buf's dev selects the drive).
#ifndef KERNEL_DEV_IDE_H
#define KERNEL_DEV_IDE_H

#include "types.h"

struct buf;

void ideinit(void);           // once, at boot, before interrupts are on
void ideintr(void);           // trap() on IRQ_IDE
// Synchronise a locked buffer with the disk: write it if B_DIRTY is set,
// else read it if B_VALID is clear. Sleeps until done.
void iderw(struct buf *b);

// Blocks written to and read from disk since boot.
extern uint ide_writes;
extern uint ide_reads;

#endif
