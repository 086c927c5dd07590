// File-backed mappings.
//
// A MAP_SHARED mapping of a file (with a page-aligned offset) uses the
// file's page cache: a page set hanging off the in-memory inode, shared
// by every shared mapping of that file in every process, so they all see
// each other's stores at once. The cache lives while some mapping uses
// it. read() and write() do not go through it: data reaches the file on
// msync(), munmap() or exit, and a mapping created later sees what the
// file holds then (or the live cache, if other mappings still exist).
//
// Private mappings and the course's call form get pages of their own,
// filled from the file at fault time.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "mman.h"
#include "fs.h"
#include "stat.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "mm/mmap.h"
#include "mm/pageset.h"
#include "mm/filemap.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "fs/log.h"
#include "dev/console.h"
#include "lib/klib.h"

// Pages a file can have at most (the largest file the disk format allows).
#define FILE_MAX_PAGES ((MAXFILE * BSIZE + PGSIZE - 1) / PGSIZE)

static int uses_cache(struct region *r) {
  return (r->flags & MAP_SHARED) && !r->course && r->offset % PGSIZE == 0;
}

int filemap_attach(struct region *r) {
  if (!uses_cache(r))
    return 0;
  struct inode *ip = r->file->ip;
  ilock(ip);
  if (ip->mapcache) {
    pageset_hold(ip->mapcache);
  } else if ((ip->mapcache = pageset_create(FILE_MAX_PAGES)) != 0) {
    ip->mapcache->backref = &ip->mapcache;
  } else {
    iunlock(ip);
    return -1;
  }
  r->pages = ip->mapcache;
  r->pgoff = r->offset / PGSIZE;
  iunlock(ip);
  return 0;
}

void filemap_detach(struct region *r) {
  if (r->pages == 0)
    return;
  // The inode's lock orders this against filemap_attach() finding the
  // cache while its last user drops it.
  struct inode *ip = r->file->ip;
  ilock(ip);
  pageset_put(r->pages);
  r->pages = 0;
  iunlock(ip);
}

// Fill page with the file's bytes at `off` (zeros past the end).
// Returns -1 if off is at or past the end of the file.
static int fill_from_file(struct inode *ip, char *page, uint off, int allow_past_end) {
  memset(page, 0, PGSIZE);
  ilock(ip);
  uint size = ip->size;
  int rc = 0;
  if (off >= size) {
    rc = allow_past_end ? 0 : -1;
  } else {
    uint n = size - off < PGSIZE ? size - off : PGSIZE;
    if (readi(ip, page, off, n) != (int)n)
      rc = -1;
  }
  iunlock(ip);
  return rc;
}

char *filemap_page(struct region *r, uint va) {
  uint rel = PGROUNDDOWN(va) - r->start;
  uint off = r->offset + rel;
  struct inode *ip = r->file->ip;

  if (r->pages) {
    uint idx = r->pgoff + rel / PGSIZE;
    char *page = pageset_lookup(r->pages, idx);
    if (page == 0) {
      char *fresh = kalloc();
      if (fresh == 0)
        return 0;
      if (fill_from_file(ip, fresh, off, 0) < 0) {
        kfree(fresh);
        return 0;
      }
      page = pageset_install(r->pages, idx, fresh);
      if (page != fresh)
        kfree(fresh);     // lost a race (or no memory): use the winner
      if (page == 0)
        return 0;
    }
    kref_get(page);       // the mapping's reference; the cache keeps its own
    return page;
  }

  char *page = kalloc();
  if (page == 0)
    return 0;
  // The course's form lets a mapping run past the end of the file (its
  // msync grows the file); Linux mappings fault there.
  if (fill_from_file(ip, page, off, r->course) < 0) {
    kfree(page);
    return 0;
  }
  return page;
}

// Bytes one log transaction may carry when it only overwrites existing
// blocks (one block is left for the inode), and when it may also
// allocate blocks (bitmap and indirect blocks need room too).
#define OVERWRITE_BYTES ((MAXOPBLOCKS - 1) * BSIZE)
#define GROW_BYTES      (((MAXOPBLOCKS - 1 - 1 - 2) / 2) * BSIZE)

// Write n bytes at src (kernel or current-process address) to ip at off,
// in as few transactions as the log allows. Returns -1 on failure.
static int write_file(struct inode *ip, char *src, uint off, uint n) {
  while (n > 0) {
    ilock(ip);
    uint size = ip->size;
    iunlock(ip);
    uint chunk = off + n <= size ? OVERWRITE_BYTES : GROW_BYTES;
    // Keep each transaction to whole blocks where possible.
    chunk -= off % BSIZE;
    if (chunk > n)
      chunk = n;
    begin_op();
    ilock(ip);
    int w = writei(ip, src, off, chunk);
    iunlock(ip);
    end_op();
    if (w != (int)chunk)
      return -1;
    src += chunk;
    off += chunk;
    n -= chunk;
  }
  return 0;
}

int filemap_writeback(struct region *r, pde_t *pgdir, uint start, uint end) {
  struct inode *ip = r->file->ip;
  ilock(ip);
  uint size = ip->size;
  iunlock(ip);

  uint va = start;
  pte_t *pte;
  while ((pte = next_present_pte(pgdir, &va, end)) != 0) {
    if (!(*pte & PTE_D)) {
      va += PGSIZE;
      continue;
    }
    // A run of adjacent dirty pages. Each page is written from its own
    // kernel address; the run shares transactions where the log allows.
    uint run_start = va;
    uint run_end = va;
    pte_t *p2;
    while (run_end < end && (p2 = walkpgdir(pgdir, (void *)run_end, 0)) != 0 &&
           (*p2 & (PTE_P | PTE_D)) == (PTE_P | PTE_D))
      run_end += PGSIZE;

    uint off = r->offset + (run_start - r->start);
    uint n = run_end - run_start;
    if (off >= size)
      n = 0;
    else if (n > size - off)
      n = size - off;            // never extend the file
    // The pages of a run are not adjacent in kernel memory, so each is
    // written from its own address (one log transaction holds a page).
    for (uint a = run_start; a < run_start + n; a += PGSIZE) {
      pte_t *pp = walkpgdir(pgdir, (void *)a, 0);
      uint len = run_start + n - a < PGSIZE ? run_start + n - a : PGSIZE;
      if (write_file(ip, P2V(PTE_ADDR(*pp)), off + (a - run_start), len) < 0)
        return -1;
    }
    for (uint a = run_start; a < run_end; a += PGSIZE) {
      pte_t *pp = walkpgdir(pgdir, (void *)a, 0);
      *pp &= ~PTE_D;
    }
    va = run_end;
  }
  return 0;
}

int filemap_write_range(struct region *r, uint start, uint end) {
  if (end <= start)
    return 0;
  // Fault the range in first: the write below must not fault while it
  // holds the inode lock.
  if (user_range_ok(start, end - start, 0) < 0)
    return -1;
  return write_file(r->file->ip, (char *)start, r->offset + (start - r->start), end - start);
}
