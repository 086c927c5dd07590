// Fixed-width names used by the kernel and by user programs.
// i386 only: int and pointers are 32 bits wide.
#ifndef XV6_TYPES_H
#define XV6_TYPES_H

typedef unsigned int   uint;
typedef unsigned short ushort;
typedef unsigned char  uchar;
typedef unsigned long long uint64;
typedef uint pde_t;   // one page-directory entry

#ifndef NULL
#define NULL ((void *)0)
#endif

#endif
