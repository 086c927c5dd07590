# Binary blobs the kernel carries: AP start-up code and the first user
# program. The Makefile builds them as flat binaries first.
.section .rodata
.p2align 2
.globl _binary_entryother_start, _binary_entryother_size
_binary_entryother_start:
  .incbin BLOB_ENTRYOTHER
_binary_entryother_end:
.set _binary_entryother_size, _binary_entryother_end - _binary_entryother_start

.p2align 2
.globl _binary_initcode_start, _binary_initcode_size
_binary_initcode_start:
  .incbin BLOB_INITCODE
_binary_initcode_end:
.set _binary_initcode_size, _binary_initcode_end - _binary_initcode_start
