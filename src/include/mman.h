// Memory-mapping interface: mmap, munmap, mprotect, msync.
//
// Values and meanings follow Linux; errors return -1 (MAP_FAILED for mmap,
// except in the course form below). mmap has two call forms, told apart by
// the flags argument alone:
//
//   call                                        meaning
//   flags has MAP_SHARED or MAP_PRIVATE         Linux; prot 0 is PROT_NONE;
//                                               failure returns MAP_FAILED
//   MAP_SHARED_VALIDATE (both bits)             MAP_SHARED (unknown flags refused)
//   neither bit ("course form"), any others:    failure returns 0 (NULL)
//     mmap(a, n, 0, 0, -1, 0)                   private anonymous, read+write
//     mmap(a, n, PROT_READ|PROT_WRITE,          private anonymous, read+write
//          MAP_ANONYMOUS, -1, 0)
//     mmap(a, n, PROT_WRITE, MAP_ANONYMOUS, ..) read+write (always readable)
//     mmap(a, n, 0, MAP_ANONYMOUS, -1, 0)       read-only zeros; a store kills
//     mmap(a, n, 0, 0, fd, off)                 the file, shared, read+write;
//                                               any offset; msync(a, k)
//                                               writes exactly k bytes
//
// A mapping is anonymous when MAP_ANONYMOUS is set or fd is -1. In the
// course form prot is honoured except that pages are always readable, and
// flags == 0 with prot == 0 means read+write. Details: docs/mmap.md.
#ifndef XV6_MMAN_H
#define XV6_MMAN_H

#define PROT_NONE   0x0
#define PROT_READ   0x1
#define PROT_WRITE  0x2   // implies PROT_READ on i386
#define PROT_EXEC   0x4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_ANON            MAP_ANONYMOUS
#define MAP_FILE            0x00
#define MAP_FIXED_NOREPLACE 0x100000

#define MAP_FAILED ((void *) -1)

// Most regions one process may hold. Each is a 128-byte kernel record, so
// a process at the limit holds 1 MiB of them (64 MiB if all NPROC = 64
// processes did, under a third of memory). Past it mmap fails, and so
// do a munmap or mprotect that would split a region (each split makes
// one more); munmap of whole regions always works. Linux's default
// (vm.max_map_count) is 65,530. Adjacent mappings are never merged, so
// each mmap call that succeeds counts one. See docs/limits.md.
#define MMAP_MAX_REGIONS 8192

// msync flags
#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

#endif
