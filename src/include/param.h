// Compile-time limits of the system.
#ifndef XV6_PARAM_H
#define XV6_PARAM_H

#define NPROC        64   // process table slots
#define KSTACKSIZE 4096   // bytes of kernel stack per process
#define NCPU          8   // most CPUs we bring up
#define NOFILE       16   // open files per process
#define NFILE       100   // open files in the whole system
#define NINODE       50   // in-memory inode cache entries
#define NDEV         10   // device major numbers
#define ROOTDEV       1   // disk holding the root file system
#define MAXARG       32   // exec argument count limit
#define MAXARGBYTES 4096  // exec argument strings, NULs included: -1 beyond
                          // (they must fit the new program's one-page stack)
#define MAXPATH     128   // path bytes a system call accepts, NUL included:
                          // a longer path is -1
#define LINK_MAX    512   // names (links) one inode may have; link() and
                          // mkdir() in a directory at the limit are -1
#define MAXOPBLOCKS  10   // blocks one file-system operation may write
#define LOGSIZE      (MAXOPBLOCKS*3)  // blocks in the on-disk log
#define NBUF         (LOGSIZE+34)     // buffer cache: the log may pin LOGSIZE
#define FSSIZE   131072   // file-system size in blocks (64 MiB: three files of the
                          // largest size fit; mkfs writes the image sparse)
#define NKMUSER    1024   // kmalloc blocks one process may hold via the test call

#endif
