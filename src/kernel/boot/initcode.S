# The first user program: exec("/init", {"/init", 0}). userinit() copies
# this code to USERBASE of the first process, where it is linked to run.
#include "syscall.h"
#include "traps.h"

.globl start
start:
  pushl $init_argv
  pushl $init_path
  pushl $0                 # fake return address, as a C caller would leave
  movl  $SYS_exec, %eax
  int   $T_SYSCALL

# exec only returns on failure: exit, forever.
failed:
  movl  $SYS_exit, %eax
  int   $T_SYSCALL
  jmp   failed

init_path:
  .string "/init\0"
.p2align 2
init_argv:
  .long init_path
  .long 0
