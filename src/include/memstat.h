// Structures that memory-inspection system calls fill in for user space.
#ifndef XV6_MEMSTAT_H
#define XV6_MEMSTAT_H

// pmap(): one mapped region of a process.
struct pmap_entry {
  uint start;      // first address
  uint end;        // one past the last address
  int prot;        // PROT_* bits
  int flags;       // MAP_SHARED or MAP_PRIVATE (| MAP_ANONYMOUS)
  int fd_backed;   // 1 for a file mapping
  uint offset;     // file offset of start
  uint resident;   // pages present in the page table
};

// memstat(): exact counters for leak checks.
// free_pages and kalloc_free count the file-cache pages reclaim would
// free at once (clean, mapped by nobody) as free: they are.
struct memstat {
  int free_pages;      // freepages(): kalloc's free list + allocator's spare pages
  int kalloc_free;     // kalloc's free list alone
  int km_live_blocks;  // kmalloc blocks in use
  int km_pages;        // pages kmalloc holds
  int regions;         // mmap regions in all processes
  int pagesets;        // shared page sets alive (file page caches not counted)
  int open_files;      // entries in the file table
  int procs;           // process slots in use
  uint disk_writes;    // blocks written to disk since boot (log included)
  uint disk_free;      // free blocks on the file-system disk
  uint cached_pages;   // pages in file caches (read() and shared mappings)
  uint dirty_pages;    // ... of which a mapping has stored into, not written back
  uint reclaimed_pages;  // cache pages (and their pointer pages) reclaim freed since boot
  uint disk_reads;     // blocks read from disk since boot
};

// faultstat(): what the fault-injection boot flag has done so far.
struct faultstat {
  int armed;               // 1 if a FAULTS flag is in force
  uint kalloc_attempts;    // page allocations that could have failed
  uint kalloc_injected;    // ... and were made to fail
  uint kmalloc_attempts;
  uint kmalloc_injected;
};

#endif
