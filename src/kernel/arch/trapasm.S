# Common trap entry and exit. Builds a struct trapframe (arch/x86.h) on
# the kernel stack, switches to kernel data and per-CPU segments, calls
# trap(tf), and returns to where the trap came from. Every kernel entry
# (system calls, interrupts, faults) comes through here, so this is where
# the kernel's assumptions about the flags are established.
#include "mmu.h"

.globl alltraps
alltraps:
  pushl %ds
  pushl %es
  pushl %fs
  pushl %gs
  pushal
  cld                           # C code assumes DF clear; user code may set it
                                # (iret restores the user's flags from the frame)

  movw  $(SEG_KDATA << 3), %ax
  movw  %ax, %ds
  movw  %ax, %es
  movw  $(SEG_KCPU << 3), %ax   # mycpu() reads %gs:0
  movw  %ax, %gs

  pushl %esp                    # trap(tf): tf is the frame we just built
  call  trap
  addl  $4, %esp

.globl trapret
trapret:
  popal
  popl  %gs
  popl  %fs
  popl  %es
  popl  %ds
  addl  $8, %esp                # drop trapno and error code
  iret
