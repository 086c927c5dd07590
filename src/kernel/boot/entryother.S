# Start-up code for the other CPUs (application processors). main.c copies
# this code to physical 0x7000 and asks each AP to start there in real
# mode. Just below 0x7000 it leaves three words:
#   0x7000-4:  the kernel stack to use
#   0x7000-8:  the C function to call (mpenter)
#   0x7000-12: physical address of the page directory to use
# The code is linked to run at 0x7000.
#include "mmu.h"
#include "memlayout.h"

#define CODE_SEL (SEG_KCODE << 3)
#define DATA_SEL (SEG_KDATA << 3)

.code16
.globl start
start:
  cli
  xorw  %ax, %ax
  movw  %ax, %ds
  movw  %ax, %es
  movw  %ax, %ss

  lgdt  ap_gdt_desc
  movl  %cr0, %eax
  orl   $CR0_PE, %eax
  movl  %eax, %cr0
  ljmpl $CODE_SEL, $ap_protected

.code32
ap_protected:
  movw  $DATA_SEL, %ax
  movw  %ax, %ds
  movw  %ax, %es
  movw  %ax, %ss
  xorw  %ax, %ax
  movw  %ax, %fs
  movw  %ax, %gs

  movl  %cr4, %eax
  orl   $(CR4_PSE), %eax
  movl  %eax, %cr4
  movl  (start-12), %eax
  movl  %eax, %cr3
  movl  %cr0, %eax
  orl   $(CR0_PE|CR0_PG|CR0_WP), %eax
  movl  %eax, %cr0

  movl  (start-4), %esp
  call  *(start-8)
ap_hang:
  jmp   ap_hang

.p2align 2
ap_gdt:
  SEG_NULLASM
  SEG_ASM(STA_X|STA_R, 0, 0xffffffff)
  SEG_ASM(STA_W, 0, 0xffffffff)
ap_gdt_desc:
  .word (ap_gdt_desc - ap_gdt - 1)
  .long ap_gdt
