# void swtch(struct context **old, struct context *new);
#
# Save the caller's callee-saved registers on its stack, store that stack
# pointer in *old, switch to the stack `new` and pop its registers. The
# return address pushed by the call to swtch is the saved %eip.
.globl swtch
swtch:
  movl  4(%esp), %eax   # old
  movl  8(%esp), %edx   # new

  pushl %ebp
  pushl %ebx
  pushl %esi
  pushl %edi

  movl  %esp, (%eax)
  movl  %edx, %esp

  popl  %edi
  popl  %esi
  popl  %ebx
  popl  %ebp
  ret
