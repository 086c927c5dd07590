# Boot sector, first half. The BIOS loads this 512-byte sector at 0x7c00
# and jumps to it in 16-bit real mode. We switch to 32-bit protected mode
# with flat segments and call bootmain() (bootmain.c), which loads the
# kernel from disk.
#include "mmu.h"

#define CODE_SEL (SEG_KCODE << 3)
#define DATA_SEL (SEG_KDATA << 3)

.code16
.globl start
start:
  cli
  cld
  xorw  %ax, %ax
  movw  %ax, %ds
  movw  %ax, %es
  movw  %ax, %ss

  # Open the A20 gate through the keyboard controller, so addresses
  # above 1 MiB do not wrap around.
a20_wait1:
  inb   $0x64, %al
  testb $0x2, %al
  jnz   a20_wait1
  movb  $0xd1, %al            # next byte goes to the output port
  outb  %al, $0x64
a20_wait2:
  inb   $0x64, %al
  testb $0x2, %al
  jnz   a20_wait2
  movb  $0xdf, %al            # output port value with A20 on
  outb  %al, $0x60

  # Enter protected mode: load the GDT, set CR0.PE, far-jump to reload %cs.
  lgdt  boot_gdt_desc
  movl  %cr0, %eax
  orl   $CR0_PE, %eax
  movl  %eax, %cr0
  ljmp  $CODE_SEL, $protected

.code32
protected:
  movw  $DATA_SEL, %ax
  movw  %ax, %ds
  movw  %ax, %es
  movw  %ax, %ss
  xorw  %ax, %ax
  movw  %ax, %fs
  movw  %ax, %gs

  movl  $start, %esp          # stack grows down from just below us
  call  bootmain

  # bootmain only returns on failure: spin.
hang:
  hlt
  jmp   hang

.p2align 2
boot_gdt:
  SEG_NULLASM
  SEG_ASM(STA_X|STA_R, 0x0, 0xffffffff)   # code
  SEG_ASM(STA_W, 0x0, 0xffffffff)         # data
boot_gdt_desc:
  .word (boot_gdt_desc - boot_gdt - 1)
  .long boot_gdt
