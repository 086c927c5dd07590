// File-backed mappings and the file page cache: filling pages from a
// file on fault, writing dirty shared pages back (msync, munmap, exit),
// read() through the cache, and reclaim of cache pages (filemap.c).
#ifndef KERNEL_MM_FILEMAP_H
#define KERNEL_MM_FILEMAP_H

#include "types.h"
#include "mm/pagefault.h"

struct region;
struct inode;

// Boot, before any file is opened: the cache pool; registers reclaim
// with kalloc.
void filemap_init(void);

// Set up a new file region's backing (the file's page cache for a
// MAP_SHARED mapping). -1 if out of memory.
int  filemap_attach(struct region *r);
// Drop a file region's backing (called when the region record is freed).
void filemap_detach(struct region *r);
// Fill page with the file data for user address va of r (zeros after the
// end of the file). FAULT_PAST_EOF when va lies wholly past the end of the
// file (the process must be killed).
enum fault_result filemap_fill(struct region *r, uint va, char *page);
// Does r map the file's page cache (MAP_SHARED, Linux form)?
int  filemap_uses_cache(struct region *r);
// Does r follow the file's page cache until written (MAP_PRIVATE,
// Linux form)? Its untouched pages map the cache page read-only.
int  filemap_private_follows(struct region *r);
// A fault on either kind of region: the cache's page for va (read from the file
// into the cache if it is not there), with a reference for the mapping.
// A cached page is taken without the inode's lock (see filemap.c); a
// missing one is filled under it, so a write() cannot slip in between
// the read and the install and leave the cache stale.
// FAULT_PAST_EOF wholly past the end of the file, FAULT_NO_MEMORY.
enum fault_result filemap_cache_fault(struct region *r, uint va, char **pagep);
// Which stores a write-back covers (see filemap_writeback in filemap.c).
enum writeback_scope {
  WB_THIS_MAPPING,   // munmap, exit: what this mapping dirtied
  WB_ANY_MAPPING,    // msync: what any mapping of the file dirtied
};
// One msync call's record of the file pages it has already checked (a
// range per file), so a range holding many mappings of the same page
// checks that page once.
#define WB_MEMO_SETS 4
struct writeback_seen {
  struct pageset *ps;
  uint lo, hi;       // pages [lo, hi) of ps are done
};
struct writeback_memo {
  uint used;
  struct writeback_seen sets[WB_MEMO_SETS];
};
// Write the dirty pages of [start, end) back to the file and mark them
// clean in this mapping. memo may be 0. -1 on an I/O failure.
int  filemap_writeback(struct region *r, pde_t *pgdir, uint start, uint end,
                       enum writeback_scope scope, struct writeback_memo *memo);
// read() (ip locked, not a device): up to n bytes at off into dst, as
// readi does, through the page cache for a regular file (filling it).
// Returns the count, 0 at the end of the file, -1 on a bad request.
int  filemap_read(struct inode *ip, char *dst, uint off, uint n);
// After write() changed [off, off+n) (ip locked): copy the new bytes
// into the cached pages.
void filemap_written(struct inode *ip, uint off, uint n);
// Drop ip's cache and free its pages: fs.c calls it when an inode table
// entry with no references is recycled for another file, and when the
// file's blocks are freed. Nobody else may be using ip. Never sleeps.
void filemap_forget(struct inode *ip);
// Cache pages now, how many of them a mapping has dirtied, and pages
// reclaim has freed since boot (memstat).
void filemap_stats(uint *cached, uint *dirty, uint *reclaimed);
// fsync(fd): write back every page of ip's cache that any mapping
// has dirtied; the dirty bits of the caller's own mappings (in pgdir,
// which is loaded) are cleared. -1 on an I/O failure.
int  filemap_fsync(struct inode *ip, pde_t *pgdir);
// The course's msync form: write the bytes of [start, end) of the
// current process's memory to the file, growing it if needed.
int  filemap_write_range(struct region *r, uint start, uint end);

#endif
