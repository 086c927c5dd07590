// Boot sector, second half: read the kernel ELF image from disk sectors
// 1.. of the boot disk and jump to its entry point. Everything here must
// fit, with bootasm.S, in 510 bytes.
#include "types.h"
#include "arch/x86.h"
#include "fs/elf.h"

#define SECTOR 512

static void wait_disk(void) {
  while ((inb(0x1F7) & 0xC0) != 0x40)   // wait for ready, not busy
    ;
}

// Read one sector at logical block `lba` into dst using PIO.
static void read_sector(void *dst, uint lba) {
  wait_disk();
  outb(0x1F2, 1);
  outb(0x1F3, lba);
  outb(0x1F4, lba >> 8);
  outb(0x1F5, lba >> 16);
  outb(0x1F6, (lba >> 24) | 0xE0);
  outb(0x1F7, 0x20);                    // READ SECTORS
  wait_disk();
  insl(0x1F0, dst, SECTOR / 4);
}

// Copy `count` bytes found at byte `offset` of the kernel image to pa.
// May copy a little more, rounded to whole sectors.
static void read_segment(uchar *pa, uint count, uint offset) {
  uchar *end = pa + count;
  pa -= offset % SECTOR;
  uint lba = offset / SECTOR + 1;       // kernel starts at sector 1
  for (; pa < end; pa += SECTOR, lba++)
    read_sector(pa, lba);
}

void bootmain(void) {
  struct elfhdr *elf = (struct elfhdr *)0x10000;  // scratch space
  read_segment((uchar *)elf, 4096, 0);
  if (elf->magic != ELF_MAGIC)
    return;

  struct proghdr *ph = (struct proghdr *)((uchar *)elf + elf->phoff);
  struct proghdr *eph = ph + elf->phnum;
  for (; ph < eph; ph++) {
    uchar *pa = (uchar *)ph->paddr;
    read_segment(pa, ph->filesz, ph->off);
    if (ph->memsz > ph->filesz)
      stosb(pa + ph->filesz, 0, ph->memsz - ph->filesz);
  }
  ((void (*)(void))elf->entry)();
}
