// Memory-mapping interface: mmap, munmap, mprotect, msync.
//
// Values and meanings follow Linux; errors return MAP_FAILED (mmap) or -1.
//
// Course compatibility rule: when flags == 0 exactly (Linux rejects that),
// the call means the course's default: a private mapping for anonymous
// memory, a shared mapping for a file, and prot == 0 then means
// PROT_READ|PROT_WRITE. With any flag bit set, Linux meanings apply and
// prot == 0 is PROT_NONE. A mapping is anonymous when MAP_ANONYMOUS is set
// or fd is -1.
#ifndef XV6_MMAN_H
#define XV6_MMAN_H

#define PROT_NONE   0x0
#define PROT_READ   0x1
#define PROT_WRITE  0x2   // implies PROT_READ on i386
#define PROT_EXEC   0x4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_ANON            MAP_ANONYMOUS
#define MAP_FILE            0x00
#define MAP_FIXED_NOREPLACE 0x100000

#define MAP_FAILED ((void *) -1)

// msync flags
#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

#endif
