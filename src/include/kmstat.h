// kmalloc statistics, shared by the kernel and user programs (kmstat(2)).
// Include types.h first.
#ifndef XV6_KMSTAT_H
#define XV6_KMSTAT_H

#define KM_NORDER   9      // block sizes 16, 32, ..., 4096
#define KM_MINSHIFT 4      // the smallest block is 1 << KM_MINSHIFT bytes

// One block size.
struct kmstat_order {
  uint size;        // block size in bytes
  uint live;        // blocks handed out and not yet freed
  uint free;        // free blocks on the buddy lists
  uint cached;      // freed blocks parked in per-CPU caches (free, not yet merged)
  uint requested;   // bytes the holders of the live blocks asked for
};

struct kmstat {
  uint pages;        // pages taken from kalloc that hold blocks
  uint metapages;    // pages holding per-page bookkeeping records
  uint cachedpages;  // held pages with no live block (a drain gives them back)
  uint kfreepages;   // pages on kalloc's free list
  uint allocs;       // kmalloc calls that returned a block
  uint frees;        // kmfree calls that freed a block
  uint cachehits;    // kmalloc calls served from a per-CPU cache
  uint splits;       // blocks split in two
  uint merges;       // buddy pairs joined into one block
  uint failures;     // kmalloc calls that found no memory
  uint badsizes;     // kmalloc calls for 0 or more than 4096 bytes
  uint ncaches;      // per-CPU caches (NCPU)
  struct kmstat_order order[KM_NORDER];
};

#endif
