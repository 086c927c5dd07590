// The parts of the 32-bit ELF format that the boot loader and exec use.
#ifndef KERNEL_FS_ELF_H
#define KERNEL_FS_ELF_H

#include "types.h"

#define ELF_MAGIC 0x464C457FU   // "\x7FELF" read as a little-endian word

struct elfhdr {
  uint magic;
  uchar ident[12];
  ushort type;
  ushort machine;
  uint version;
  uint entry;      // virtual address to start at
  uint phoff;      // file offset of the program headers
  uint shoff;
  uint flags;
  ushort ehsize;
  ushort phentsize;
  ushort phnum;    // number of program headers
  ushort shentsize;
  ushort shnum;
  ushort shstrndx;
};

struct proghdr {
  uint type;       // ELF_PROG_LOAD for segments to load
  uint off;        // file offset of the segment
  uint vaddr;      // where it lives in the address space
  uint paddr;      // where the boot loader puts it
  uint filesz;     // bytes present in the file
  uint memsz;      // bytes in memory (rest is zero)
  uint flags;
  uint align;
};

#define ELF_PROG_LOAD 1

#define ELF_PROG_FLAG_EXEC  1
#define ELF_PROG_FLAG_WRITE 2
#define ELF_PROG_FLAG_READ  4

#endif
