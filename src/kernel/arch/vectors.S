# Entry stubs for all 256 interrupt vectors, each padded to 16 bytes so
# trap.c can find stub n at vector_stubs + 16*n. Each pushes a zero error
# code when the CPU does not push one, then the vector number, and jumps
# to the common entry code in trapasm.S.
.text
.p2align 4
.globl vector_stubs
vector_stubs:
.set vec, 0
.rept 256
  .p2align 4
  # Exceptions 8, 10-14 and 17 push their own error code.
  .if (vec != 8) && ((vec < 10) || (vec > 14)) && (vec != 17)
    pushl $0
  .endif
  pushl $vec
  jmp alltraps
  .set vec, vec + 1
.endr
