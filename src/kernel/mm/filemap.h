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

// The file memory objects (mm/vmobject.h), which sysmmap.c picks from:
// the file's page cache, mapped shared or under copy-on-write, and the
// course's call form of a file mapping, shared or private.
struct vmobject_ops;
extern const struct vmobject_ops filemap_cache_shared;
extern const struct vmobject_ops filemap_cache_private;
extern const struct vmobject_ops filemap_course_shared;
extern const struct vmobject_ops filemap_course_private;

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
#endif
