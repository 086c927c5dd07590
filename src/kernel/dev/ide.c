// Primary-channel IDE disks, programmed I/O, one block per command.
//
// Requests wait in a FIFO; only the request at its head is on the
// controller. The completion interrupt finishes that request, wakes its
// owner and starts the next one, so callers simply queue and sleep.
#include "types.h"
#include "param.h"
#include "traps.h"
#include "fs.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "proc/proc.h"
#include "lock/spinlock.h"
#include "dev/console.h"
#include "dev/ide.h"
#include "fs/buf.h"

// Command-block registers of the primary channel.
#define REG_DATA     0x1F0
#define REG_COUNT    0x1F2   // sectors to transfer
#define REG_LBA_LO   0x1F3
#define REG_LBA_MID  0x1F4
#define REG_LBA_HI   0x1F5
#define REG_DEVSEL   0x1F6   // LBA bits 24..27, drive bit, mode bits
#define REG_CMD      0x1F7   // command on write, status on read
#define REG_CONTROL  0x3F6   // device control (alternate status on read)

// Status bits.
#define STS_BUSY   0x80
#define STS_READY  0x40
#define STS_FAULT  0x20
#define STS_ERROR  0x01

#define CMD_READ_SECTORS  0x20
#define CMD_WRITE_SECTORS 0x30

#define DEVSEL_LBA   0xE0    // LBA addressing, plus the two always-one bits
#define DEVSEL_DRIVE1 0x10

#define SECTOR_BYTES 512

// One block is one sector, so every command moves a single sector and
// there is no multi-sector mode to set up.
_Static_assert(BSIZE == SECTOR_BYTES, "ide.c assumes one sector per block");

uint ide_writes;
uint ide_reads;

static struct spinlock idelock;   // guards the queue and the controller
static struct buf *queue_head;    // request on the controller, if any
static int have_disk1;

// Spin until the controller is idle. Returns -1 if it reports an error.
static int wait_idle(void) {
  uchar st;
  while (((st = inb(REG_CMD)) & (STS_BUSY | STS_READY)) != STS_READY)
    ;
  return (st & (STS_FAULT | STS_ERROR)) ? -1 : 0;
}

void ideinit(void) {
  initlock(&idelock, "ide");
  // Completion interrupts go to the last CPU, leaving CPU 0 the timer.
  ioapicenable(IRQ_IDE, ncpu - 1);
  wait_idle();

  // A missing drive reads back an all-zero status; give disk 1 a while.
  outb(REG_DEVSEL, DEVSEL_LBA | DEVSEL_DRIVE1);
  for (int tries = 0; tries < 1000; tries++) {
    if (inb(REG_CMD) != 0) {
      have_disk1 = 1;
      break;
    }
  }
  outb(REG_DEVSEL, DEVSEL_LBA);   // back to disk 0
  if (!have_disk1)
    cprintf("ide: no disk 1, the file system will be unavailable\n");
}

// Put request b on the controller. Caller holds idelock.
static void start_request(struct buf *b) {
  if (b == 0)
    panic("ide: start_request without a request");
  if (b->blockno >= FSSIZE)
    panic("ide: block number out of range");

  uint lba = b->blockno;   // one sector per block
  wait_idle();
  outb(REG_CONTROL, 0);    // nIEN = 0: we want the completion interrupt
  outb(REG_COUNT, 1);
  outb(REG_LBA_LO, lba & 0xFF);
  outb(REG_LBA_MID, (lba >> 8) & 0xFF);
  outb(REG_LBA_HI, (lba >> 16) & 0xFF);
  outb(REG_DEVSEL, DEVSEL_LBA | ((b->dev & 1) ? DEVSEL_DRIVE1 : 0) | ((lba >> 24) & 0x0F));
  if (b->flags & B_DIRTY) {
    outb(REG_CMD, CMD_WRITE_SECTORS);
    // The drive wants the data before it raises the interrupt.
    outsl(REG_DATA, b->data, BSIZE / 4);
    ide_writes++;
  } else {
    outb(REG_CMD, CMD_READ_SECTORS);
    ide_reads++;
  }
}

void ideintr(void) {
  acquire(&idelock);
  struct buf *b = queue_head;
  if (b == 0) {
    // Nothing outstanding (e.g. a stray interrupt at start-up). Reading
    // the status register still acknowledges the device.
    inb(REG_CMD);
    release(&idelock);
    return;
  }
  queue_head = b->qnext;

  int err = wait_idle();   // also acknowledges the interrupt
  if (err < 0)
    panic("ide: disk reported an error");
  if (!(b->flags & B_DIRTY))
    insl(REG_DATA, b->data, BSIZE / 4);

  b->flags = (b->flags | B_VALID) & ~B_DIRTY;
  wakeup(b);

  if (queue_head)
    start_request(queue_head);
  release(&idelock);
}

void iderw(struct buf *b) {
  if (!holdingsleep(&b->lock))
    panic("iderw: buffer not locked");
  if ((b->flags & (B_VALID | B_DIRTY)) == B_VALID)
    panic("iderw: nothing to do");
  if ((b->dev & 1) && !have_disk1)
    panic("iderw: disk 1 is not present");

  acquire(&idelock);
  // Append to the FIFO; if it was empty the controller is idle.
  b->qnext = 0;
  struct buf **tail = &queue_head;
  while (*tail)
    tail = &(*tail)->qnext;
  *tail = b;
  if (queue_head == b)
    start_request(b);

  // ideintr() sets B_VALID and clears B_DIRTY once the transfer is done.
  while ((b->flags & (B_VALID | B_DIRTY)) != B_VALID)
    sleep(b, &idelock);
  release(&idelock);
}
