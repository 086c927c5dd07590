# Kernel entry. The boot loader jumps here (physical address of _start)
# with paging off. We turn on paging using a temporary page directory that
# maps the first 4 MiB both at 0 and at KERNBASE, switch to the kernel
# stack and jump to main() at its high (linked) address.
#include "mmu.h"
#include "memlayout.h"
#include "param.h"

# A multiboot header, so the image can also be started with qemu -kernel.
.p2align 2
.text
.globl multiboot_header
multiboot_header:
  #define MB_MAGIC 0x1badb002
  #define MB_FLAGS 0
  .long MB_MAGIC
  .long MB_FLAGS
  .long (-MB_MAGIC-MB_FLAGS)

.globl _start
_start = V2P_WO(entry)

.globl entry
entry:
  movl  %cr4, %eax
  orl   $(CR4_PSE), %eax        # the temporary directory uses 4 MiB pages
  movl  %eax, %cr4
  movl  $(V2P_WO(entrypgdir)), %eax
  movl  %eax, %cr3
  movl  %cr0, %eax
  orl   $(CR0_PG|CR0_WP), %eax
  movl  %eax, %cr0

  movl  $(boot_stack + KSTACKSIZE), %esp
  movl  $main, %eax             # absolute jump: leave the low mapping
  jmp   *%eax

.comm boot_stack, KSTACKSIZE, 16
