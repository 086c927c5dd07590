// File-backed mappings.
//
// A MAP_SHARED mapping of a file (page-aligned offset) uses the file's
// page cache: a page set hanging off the in-memory inode, attached to
// every shared mapping of that file in every process, so they all see
// each other's stores at once. The cache lives while some mapping uses
// it, and its pages hold the newest bytes of the file: stores through
// mappings land there first. So read() takes the bytes of cached pages
// from the cache (a store is seen at once, no msync needed), and write()
// copies what it wrote into the cached pages (every mapping sees it at
// once, and a later write-back of a dirty page carries it). Data stored
// through a mapping reaches the disk on msync(), munmap() or exit.
//
// A file mapped with the course's call form (neither MAP_SHARED nor
// MAP_PRIVATE; sys_mmap sets region.course) is shared too,
// but its offset need not be page-aligned, so it gets a page set of its
// own, shared with its copies in forked children.
//
// Private mappings get pages of their own, read from the file at fault
// time; their stores never reach the file.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "arch/x86.h"
#include "mman.h"
#include "fs.h"
#include "stat.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "mm/mmap.h"
#include "mm/pageset.h"
#include "mm/pagefault.h"
#include "mm/uaccess.h"
#include "mm/filemap.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "dev/console.h"
#include "lib/klib.h"


// Pages a file can have at most (the largest file the disk format allows).
#define FILEMAP_MAX_PAGES ((MAXFILE * BSIZE + PGSIZE - 1) / PGSIZE)

// Does r use the file's shared page cache?
static int uses_file_cache(struct region *r) {
  return (r->flags & MAP_SHARED) && !r->course;
}

int filemap_attach(struct region *r) {
  if (!(r->flags & MAP_SHARED))
    return 0;
  if (r->course) {
    if ((r->pages = pageset_create((r->rt.end - r->rt.start) / PGSIZE)) == 0)
      return -1;
    r->pgoff = 0;
    pageset_attach(r->pages, r);
    return 0;
  }
  struct inode *ip = r->file->ip;
  ilock(ip);
  if (ip->mapcache == 0) {
    if ((ip->mapcache = pageset_create(FILEMAP_MAX_PAGES)) == 0) {
      iunlock(ip);
      return -1;
    }
    ip->mapcache->backref = &ip->mapcache;
  }
  r->pages = ip->mapcache;
  r->pgoff = r->offset / PGSIZE;
  pageset_attach(r->pages, r);
  iunlock(ip);
  return 0;
}

void filemap_detach(struct region *r) {
  if (r->pages == 0)
    return;
  // For the file cache, the inode's lock orders the last detach against
  // filemap_attach() finding the cache at the same moment.
  struct inode *ip = uses_file_cache(r) ? r->file->ip : 0;
  if (ip)
    ilock(ip);
  pageset_detach(r->pages, r);
  r->pages = 0;
  if (ip)
    iunlock(ip);
}

enum fault_result filemap_fill(struct region *r, uint va, char *page) {
  struct inode *ip = r->file->ip;
  uint off = r->offset + (PGROUNDDOWN(va) - r->rt.start);
  memset(page, 0, PGSIZE);
  ilock(ip);
  uint size = ip->size;
  enum fault_result rc = FAULT_FIXED;
  if (off >= size) {
    // The course's form lets a mapping run past the end of the file (its
    // msync grows the file); Linux mappings fault there.
    rc = r->course ? FAULT_FIXED : FAULT_PAST_EOF;
  } else {
    uint n = size - off < PGSIZE ? size - off : PGSIZE;
    if (readi(ip, page, off, n) != (int)n)
      rc = FAULT_PAST_EOF;       // (a short read: the file ended)
  }
  iunlock(ip);
  return rc;
}

// Write n bytes at src (kernel or current-process address) to ip at off,
// in log operations fs.c sizes for the blocks they may allocate (a page
// into a hole needs more than one). Returns -1 on failure.
static int write_file(struct inode *ip, char *src, uint off, uint n) {
  return writei_logged(ip, src, &off, n) == (int)n ? 0 : -1;
}

// Is the page at va dirty in this mapping? Our own page table's dirty bit,
// for the page the set holds (a stale entry for another page is not).
static int dirty_here(pde_t *pgdir, uint va, char *page) {
  pte_t *pte = walkpgdir(pgdir, (void *)va, 0);
  return pte && (*pte & (PTE_P | PTE_D)) == (PTE_P | PTE_D) && PTE_ADDR(*pte) == V2P(page);
}

// This msync call's memo entry for set ps (a new one if there is room),
// or 0 when the memo is full.
static struct writeback_seen *memo_entry(struct writeback_memo *memo, struct pageset *ps) {
  if (memo == 0)
    return 0;
  for (uint i = 0; i < memo->used; i++)
    if (memo->sets[i].ps == ps)
      return &memo->sets[i];
  if (memo->used == WB_MEMO_SETS)
    return 0;                       // full: pages are checked again, only slower
  struct writeback_seen *e = &memo->sets[memo->used++];
  e->ps = ps;
  e->lo = e->hi = 0;
  return e;
}

// Pages [lo, hi) of the set have been checked: grow the entry's range
// when they touch it, else start a new range (the common patterns, one
// range written once or the same pages mapped many times, stay covered).
static void memo_add(struct writeback_seen *e, uint lo, uint hi) {
  if (e == 0)
    return;
  if (e->lo == e->hi || hi < e->lo || lo > e->hi) {
    e->lo = lo;
    e->hi = hi;
    return;
  }
  if (lo < e->lo)
    e->lo = lo;
  if (hi > e->hi)
    e->hi = hi;
}

// Write back the shared pages of [start, end) that are dirty, never
// extending the file. Which stores count is the caller's scope:
// WB_THIS_MAPPING asks only this mapping's page table (O(1) a page: exit
// and munmap of thousands of mappings of one file stay linear, and every
// other mapping writes its own stores when it goes); WB_ANY_MAPPING asks
// every attached mapping's page table (msync: stores through any mapping
// are in the page), once per file page per call with a memo. A page is 8
// blocks: one log operation when they exist already, two when they fill
// holes. Only this region's dirty bits are cleared; other processes'
// mappings keep theirs (their CPUs may hold the entry in their TLBs, and
// there are no cross-CPU flushes), which can cost extra writes but never
// loses data.
int filemap_writeback(struct region *r, pde_t *pgdir, uint start, uint end,
                      enum writeback_scope scope, struct writeback_memo *memo) {
  if (r->pages == 0)
    return 0;
  if (!r->file->writable)
    return 0;    // mmap and mprotect keep such mappings read-only: nothing is dirty
  struct inode *ip = r->file->ip;
  ilock(ip);
  uint size = ip->size;
  iunlock(ip);

  uint first = r->pgoff + (start - r->rt.start) / PGSIZE;
  uint count = (end - start) / PGSIZE;
  if (first >= r->pages->npages)
    return 0;
  if (count > r->pages->npages - first)
    count = r->pages->npages - first;
  struct writeback_seen *seen = scope == WB_ANY_MAPPING ? memo_entry(memo, r->pages) : 0;
  for (uint i = 0; i < count; i++) {
    uint idx = first + i;
    uint va = start + i * PGSIZE;
    if (seen && idx >= seen->lo && idx < seen->hi)
      continue;                     // checked (and written) earlier in this msync
    char *page = pageset_lookup(r->pages, idx);
    if (page == 0)
      continue;
    int dirty;
    if (scope == WB_THIS_MAPPING)
      dirty = dirty_here(pgdir, va, page);
    else
      dirty = pageset_dirty(r->pages, idx, page);
    if (!dirty)
      continue;
    uint off = r->offset + (start - r->rt.start) + i * PGSIZE;
    if (off < size) {
      uint n = size - off < PGSIZE ? size - off : PGSIZE;
      if (write_file(ip, page, off, n) < 0)
        return -1;
    }
    pte_t *pte = walkpgdir(pgdir, (void *)va, 0);
    if (pte && (*pte & PTE_P) && PTE_ADDR(*pte) == V2P(page))
      *pte &= ~PTE_D;
  }
  memo_add(seen, first, first + count);
  return 0;
}

// The cached page holding file offset off, or 0. ip is locked, which
// keeps the cache from being freed (its last detach locks ip).
static char *cached_page(struct inode *ip, uint off) {
  if (ip->mapcache == 0)
    return 0;
  return pageset_lookup(ip->mapcache, off / PGSIZE);
}

// Which way filemap_sync_cache copies.
enum cache_copy {
  CACHE_TO_READER,   // read(): the cached bytes over what readi gave
  FILE_TO_CACHE,     // after write(): the file's new bytes into the cache
};

// For every cached page overlapping [off, off+n), copy its part one way.
// For FILE_TO_CACHE only the bytes written: the rest of the page may hold
// stores through a mapping that are not on disk yet; they are read back
// from the buffer cache, so the cache holds exactly what the file holds.
static void sync_cache(struct inode *ip, char *dst, uint off, uint n, enum cache_copy way) {
  for (uint done = 0; done < n;) {
    uint at = off + done;
    uint chunk = PGSIZE - at % PGSIZE;
    if (chunk > n - done)
      chunk = n - done;
    char *page = cached_page(ip, at);
    if (page && way == CACHE_TO_READER)
      memmove(dst + done, page + at % PGSIZE, chunk);
    else if (page)
      readi(ip, page + at % PGSIZE, at, chunk);
    done += chunk;
  }
}

void filemap_read_cached(struct inode *ip, char *dst, uint off, uint n) {
  sync_cache(ip, dst, off, n, CACHE_TO_READER);
}

void filemap_written(struct inode *ip, uint off, uint n) {
  sync_cache(ip, 0, off, n, FILE_TO_CACHE);
}

int filemap_fsync(struct inode *ip, pde_t *pgdir) {
  ilock(ip);
  uint pages = (ip->size + PGSIZE - 1) / PGSIZE;
  iunlock(ip);
  for (uint idx = 0; idx < pages; idx++) {
    // The cache may go (its last mapping unmapped) whenever ip is not
    // locked, and writing takes the lock itself: find the page and hold
    // it with a reference of our own while it is written.
    ilock(ip);
    struct pageset *ps = ip->mapcache;
    char *page = ps ? pageset_lookup(ps, idx) : 0;
    int dirty = page && pageset_dirty(ps, idx, page) && kref_get(page) == 0;
    uint size = ip->size;
    if (dirty)
      pageset_clean(ps, idx, page, pgdir);   // before the write: a later store is dirty again
    iunlock(ip);
    if (ps == 0)
      return 0;              // no shared mapping left: nothing is dirty
    if (!dirty)
      continue;
    lcr3(V2P(pgdir));        // our cleared dirty bits leave the TLB
    uint off = idx * PGSIZE;
    int rc = 0;
    if (off < size)
      rc = write_file(ip, page, off, size - off < PGSIZE ? size - off : PGSIZE);
    kfree(page);
    if (rc < 0)
      return -1;
  }
  return 0;
}

int filemap_write_range(struct region *r, uint start, uint end) {
  if (end <= start)
    return 0;
  if (!r->file->writable)
    return -1;
  // Fault the range in first: the write below must not fault while it
  // holds the inode lock.
  if (user_buf_ok(start, end - start, 0) < 0)
    return -1;
  struct inode *ip = r->file->ip;
  uint off = r->offset + (start - r->rt.start);
  if (write_file(ip, (char *)start, off, end - start) < 0)
    return -1;
  ilock(ip);
  filemap_written(ip, off, end - start);   // Linux-form mappings of the file see it
  iunlock(ip);
  return 0;
}
