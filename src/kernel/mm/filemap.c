// File-backed mappings and the file page cache.
//
// Every regular file has at most one cache: an owned page set (pageset.h)
// from the pool below, hung off its in-memory inode (ip->mapcache). It is
// used by every MAP_SHARED mapping of the file (page-aligned offset) in
// every process, so they all see each other's stores at once, and by
// read(), which fills it: a file read or mapped again costs no disk reads.
// Its pages hold the newest bytes of the file: stores through mappings
// land there first, read() takes its bytes from the cache, and write()
// copies what it wrote into the cached pages (every mapping sees it at
// once, and a later write-back of a dirty page carries it). Data stored
// through a mapping reaches the disk on msync(), munmap() or exit.
//
// Lifetime. A cache outlives its mappings and open files: it lives as
// long as its inode table entry holds the same file. It never pins that
// entry: an entry with no references is recycled as usual and its cache
// dropped then (filemap_forget from fs.c), as it is when the file's
// blocks are freed (itrunc). The pool has one cache per table entry, so
// it never runs out.
//
// Reclaim. kalloc calls filemap_reclaim when its free list is empty
// (and memstat counts what it would free as free). It frees cache pages
// only the cache holds (no page table maps them), file by file, least
// recently used file first. Such pages are always clean (a mapping
// writes back what it dirtied before it lets go, write() is durable on
// return), so reclaim never writes and never sleeps: it may run under
// any caller's spinlock. Dirty pages are mapped pages; they become
// reclaimable once their mappings write them back and go.
//
// Lock order: itable.lock (fs.c) -> caches.lock -> a set's lock ->
// kalloc's lock. Nothing here allocates while holding caches.lock or a
// set's lock.
//
// The cache is the memory object of the file's mappings (vmobject.h):
// filemap_cache_shared and filemap_cache_private. A file mapped with the
// course's call form (neither MAP_SHARED nor MAP_PRIVATE; sysmmap.c picks
// filemap_course_shared) is shared too, but its offset need not be
// page-aligned, so it gets a page set of its own, shared with its copies
// in forked children.
//
// Private mappings (Linux form) follow the file until written: a page
// they have not stored into is the cache's page, mapped read-only with
// a reference of the mapping's own (so reclaim, which frees only pages
// the cache alone holds, leaves it be), and write() is seen in it at
// once. The first store copies it (pagefault.c); from then on the page
// is the process's and never reaches the file. Private regions are not
// attached to the cache: msync and munmap never write their pages, and
// a read-only page is never dirty. A private course-form mapping (file
// not writable, offset maybe unaligned) copies at fault time.
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
#include "mm/vmobject.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "dev/console.h"
#include "lock/spinlock.h"
#include "lib/klib.h"


// Pages a file can have at most (the largest file the disk format allows).
#define FILEMAP_MAX_PAGES ((MAXFILE * BSIZE + PGSIZE - 1) / PGSIZE)

#define FILEMAP_NDIR ((FILEMAP_MAX_PAGES + PGSIZE / 4 - 1) / (PGSIZE / 4))

struct filecache {
  struct pageset ps;        // first: ip->mapcache points here
  char **dir[FILEMAP_NDIR];
  struct inode *ip;         // owner, or 0 when the entry is free
  struct filecache *older, *newer;   // LRU list, while owned
};

static struct {
  struct spinlock lock;     // the pool, the LRU list, the counters
  struct filecache pool[NINODE];
  struct filecache lru;     // list head: lru.newer is the least recently used
  uint reclaimed;           // pages freed by reclaim since boot
} caches;

static uint filemap_reclaim(uint want);
static uint filemap_reclaimable(void);
static struct kalloc_reclaim reclaim_hooks = {filemap_reclaim, filemap_reclaimable};

void filemap_init(void) {
  initlock(&caches.lock, "filecache");
  caches.lru.older = caches.lru.newer = &caches.lru;
  kalloc_set_reclaim(&reclaim_hooks);
}

static void lru_unlink(struct filecache *fc) {
  fc->older->newer = fc->newer;
  fc->newer->older = fc->older;
}

static void lru_push_newest(struct filecache *fc) {
  fc->newer = &caches.lru;
  fc->older = caches.lru.older;
  caches.lru.older->newer = fc;
  caches.lru.older = fc;
}

// Mark ip's cache as just used.
static void touch(struct pageset *ps) {
  struct filecache *fc = (struct filecache *)ps;
  if (caches.lru.older == fc)
    return;      // newest already (an unlocked peek: at worst a move is missed)
  acquire(&caches.lock);
  lru_unlink(fc);
  lru_push_newest(fc);
  release(&caches.lock);
}

// ip's cache, made if it has none (ip locked, a regular file).
static struct pageset *cache_of(struct inode *ip) {
  if (ip->mapcache)
    return ip->mapcache;
  struct filecache *fc = 0;
  acquire(&caches.lock);
  for (uint i = 0; i < NINODE && fc == 0; i++)
    if (caches.pool[i].ip == 0)
      fc = &caches.pool[i];
  if (fc) {
    pageset_init_owned(&fc->ps, FILEMAP_MAX_PAGES, fc->dir, FILEMAP_NDIR);
    fc->ip = ip;
    lru_push_newest(fc);
    ip->mapcache = &fc->ps;
  }
  release(&caches.lock);
  return ip->mapcache;
}

void filemap_forget(struct inode *ip) {
  struct pageset *ps = ip->mapcache;
  if (ps == 0)
    return;
  struct filecache *fc = (struct filecache *)ps;
  acquire(&caches.lock);    // keeps reclaim out of it while it goes
  lru_unlink(fc);
  pageset_drop_all(ps);
  fc->ip = 0;
  ip->mapcache = 0;
  release(&caches.lock);
}

static uint filemap_reclaim(uint want) {
  uint freed = 0;
  acquire(&caches.lock);
  for (struct filecache *fc = caches.lru.newer; fc != &caches.lru && freed < want; fc = fc->newer)
    freed += pageset_reclaim(&fc->ps, want - freed);
  caches.reclaimed += freed;
  release(&caches.lock);
  return freed;
}

static uint filemap_reclaimable(void) {
  uint n = 0;
  acquire(&caches.lock);
  for (struct filecache *fc = caches.lru.newer; fc != &caches.lru; fc = fc->newer)
    n += pageset_reclaimable(&fc->ps);
  release(&caches.lock);
  return n;
}

void filemap_stats(uint *cached, uint *dirty, uint *reclaimed) {
  *cached = *dirty = 0;
  acquire(&caches.lock);
  for (struct filecache *fc = caches.lru.newer; fc != &caches.lru; fc = fc->newer)
    pageset_counts(&fc->ps, cached, dirty);
  *reclaimed = caches.reclaimed;
  release(&caches.lock);
}

// ---- the memory objects (vmobject.h) -------------------------------------------
//
// The functions below are the file objects' ops; their tables are at the
// end of the file.

// A shared mapping of the cache attaches to it (the set's mapper list
// is how msync finds dirty bits set through any mapping).
static int cache_attach(struct region *r) {
  struct inode *ip = r->file->ip;
  ilock(ip);
  if (cache_of(ip) == 0) {
    iunlock(ip);
    return -1;
  }
  touch(ip->mapcache);
  r->pages = ip->mapcache;
  r->pgoff = r->offset / PGSIZE;
  pageset_attach(r->pages, r);
  iunlock(ip);
  return 0;
}

static void cache_detach(struct region *r) {
  // The inode's lock orders the detach against filemap_forget() and the
  // cache's other users.
  struct inode *ip = r->file->ip;
  ilock(ip);
  pageset_detach(r->pages, r);
  r->pages = 0;
  iunlock(ip);
}

// Fill page with the file's bytes at off (n of them, the rest zero):
// from the cache when the page is there, else from the file. ip locked.
static int read_page(struct inode *ip, char *page, uint off, uint n) {
  char *cached = (ip->mapcache && ip->type == T_FILE) ? pageset_get(ip->mapcache, off / PGSIZE) : 0;
  if (cached) {
    memmove(page, cached, n);
    kfree(cached);
    return n;
  }
  return readi(ip, page, off, n);
}

// The course's form of a file mapping: fill a zeroed page with the file
// bytes for va of r. The form lets a mapping run past the end of the file
// (its msync grows the file), so a page there stays zero.
static enum fault_result course_fill(struct region *r, uint va, char *page) {
  struct inode *ip = r->file->ip;
  uint off = r->offset + (PGROUNDDOWN(va) - r->rt.start);
  ilock(ip);
  uint size = ip->size;
  enum fault_result rc = FAULT_FIXED;
  if (off < size) {
    uint n = size - off < PGSIZE ? size - off : PGSIZE;
    // (An unaligned course-form offset straddles two cache pages: read
    // those from the file.)
    int got = off % PGSIZE ? readi(ip, page, off, n) : read_page(ip, page, off, n);
    if (got != (int)n)
      rc = FAULT_PAST_EOF;       // (a short read: the file ended)
  }
  if (ip->mapcache)
    touch(ip->mapcache);
  iunlock(ip);
  return rc;
}

// Write n bytes at src (kernel or current-process address) to ip at off,
// in log operations fs.c sizes for the blocks they may allocate (a page
// into a hole needs more than one). Returns -1 on failure.
static int write_file(struct inode *ip, char *src, uint off, uint n) {
  return writei_logged(ip, src, &off, n) == (int)n ? 0 : -1;
}

// After writing back the first n bytes of a file-cache page: stores past
// the end of the file never reach it, so they go from the cache too (the
// page outlives this mapping; the next one must read zeros there).
static void zero_tail(struct pageset *ps, char *page, uint n) {
  if (ps->owned && n < PGSIZE)
    memset(page + n, 0, PGSIZE - n);
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
static int filemap_writeback(struct region *r, pde_t *pgdir, uint start, uint end,
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
    // Our own reference: reclaim may free a page nobody maps.
    char *page = pageset_get(r->pages, idx);
    if (page == 0)
      continue;
    int dirty;
    if (scope == WB_THIS_MAPPING)
      dirty = dirty_here(pgdir, va, page);
    else
      dirty = pageset_dirty(r->pages, idx, page);
    if (!dirty) {
      kfree(page);
      continue;
    }
    uint off = r->offset + (start - r->rt.start) + i * PGSIZE;
    if (off < size) {
      uint n = size - off < PGSIZE ? size - off : PGSIZE;
      if (write_file(ip, page, off, n) < 0) {
        kfree(page);
        return -1;
      }
      zero_tail(r->pages, page, n);
    }
    kfree(page);
    pte_t *pte = walkpgdir(pgdir, (void *)va, 0);
    if (pte && (*pte & PTE_P) && PTE_ADDR(*pte) == V2P(page))
      *pte &= ~PTE_D;
  }
  memo_add(seen, first, first + count);
  return 0;
}

// The cached page holding file offset off, with a reference (kfree
// it), or 0. ip is locked, which keeps the cache from being dropped.
static char *cached_page(struct inode *ip, uint off) {
  if (ip->mapcache == 0)
    return 0;
  return pageset_get(ip->mapcache, off / PGSIZE);
}

// A cache page for page idx of ip filled from the file, installed, with
// a reference for the caller; 0 when there is no memory for it. ip is
// locked, so write() cannot change the file between the read and the
// install (its copy into the cache runs under the lock too). alloc:
// kalloc, or for a fault, the region's (region_page_alloc, mmap.h).
static char *fill_cache(struct inode *ip, uint idx, char *(*alloc)(void)) {
  struct pageset *ps = cache_of(ip);
  char *page = ps ? alloc() : 0;
  if (page == 0)
    return 0;
  memset(page, 0, PGSIZE);
  uint off = idx * PGSIZE;
  uint n = ip->size - off < PGSIZE ? ip->size - off : PGSIZE;
  if (readi(ip, page, off, n) != (int)n) {
    kfree(page);
    return 0;
  }
  char *got = pageset_install(ps, idx, page);
  if (got != page)
    kfree(page);   // lost a race (or no memory): use the winner
  return got;
}

// The cache's page for va of r (read from the file into the cache if it
// is not there), with a reference for the mapping. A cached page is taken
// without the inode's lock; a missing one is filled under it, so a
// write() cannot slip in between the read and the install and leave the
// cache stale. Private mappings map it too (copy-on-write over the cache).
static enum fault_result cache_get_page(struct region *r, uint va, int write,
                                        char **pagep, int *kept) {
  (void)write;
  *kept = 1;
  struct inode *ip = r->file->ip;
  uint off = r->offset + (PGROUNDDOWN(va) - r->rt.start);
  enum fault_result rc = FAULT_FIXED;
  // A page in the cache already is mapped without the inode lock. The
  // region's open file keeps the file from being freed, so its cache,
  // once made, stays, and its size only grows (a stale size just takes
  // the slow way). pageset_get takes the reference under the set's lock.
  struct pageset *ps = ip->mapcache;
  char *page = ps && off < ip->size ? pageset_get(ps, off / PGSIZE) : 0;
  if (page) {
    touch(ps);
    *pagep = page;
    return FAULT_FIXED;
  }
  ilock(ip);
  if (off >= ip->size)
    rc = FAULT_PAST_EOF;
  else if ((page = cached_page(ip, off)) == 0 &&
           (page = fill_cache(ip, off / PGSIZE, region_page_alloc(r))) == 0)
    rc = FAULT_NO_MEMORY;
  if (ip->mapcache)
    touch(ip->mapcache);
  iunlock(ip);
  *pagep = page;
  return rc;
}

int filemap_read(struct inode *ip, char *dst, uint off, uint n) {
  if (ip->type != T_FILE)
    return readi(ip, dst, off, n);   // directories change through writei: not cached
  int span = readi_span(ip, off, n);
  if (span <= 0)
    return span;
  n = span;
  for (uint done = 0; done < n;) {
    uint at = off + done;
    uint chunk = PGSIZE - at % PGSIZE;
    if (chunk > n - done)
      chunk = n - done;
    char *page = cached_page(ip, at);
    if (page == 0)
      page = fill_cache(ip, at / PGSIZE, kalloc);
    if (page) {
      memmove(dst + done, page + at % PGSIZE, chunk);
      kfree(page);
    } else if (readi(ip, dst + done, at, chunk) != (int)chunk) {
      return done;   // no memory for the cache: straight from the file
    }
    done += chunk;
  }
  if (ip->mapcache)
    touch(ip->mapcache);
  return n;
}

// After write() changed [off, off+n): copy its bytes into the cached
// pages. Only the bytes written: the rest of a page may hold stores
// through a mapping that are not on disk yet. They are read back from
// the buffer cache, so the cache holds exactly what the file holds.
void filemap_written(struct inode *ip, uint off, uint n) {
  for (uint done = 0; done < n;) {
    uint at = off + done;
    uint chunk = PGSIZE - at % PGSIZE;
    if (chunk > n - done)
      chunk = n - done;
    char *page = cached_page(ip, at);
    if (page) {
      readi(ip, page + at % PGSIZE, at, chunk);
      kfree(page);
    }
    done += chunk;
  }
}

int filemap_fsync(struct inode *ip, pde_t *pgdir) {
  ilock(ip);
  uint pages = (ip->size + PGSIZE - 1) / PGSIZE;
  iunlock(ip);
  for (uint idx = 0; idx < pages; idx++) {
    // Writing takes ip's lock itself, and reclaim may free a page no
    // page table maps: find the page under the lock and hold it with a
    // reference of our own while it is written. With no mapping left,
    // nothing in the cache is dirty.
    ilock(ip);
    struct pageset *ps = ip->mapcache;
    int mapped = ps && ps->ref > 0;
    char *page = mapped ? pageset_get(ps, idx) : 0;
    int dirty = page && pageset_dirty(ps, idx, page);
    uint size = ip->size;
    if (dirty)
      pageset_clean(ps, idx, page, pgdir);   // before the write: a later store is dirty again
    iunlock(ip);
    if (!mapped)
      return 0;              // no shared mapping: nothing is dirty
    if (!dirty) {
      if (page)
        kfree(page);
      continue;
    }
    lcr3(V2P(pgdir));        // our cleared dirty bits leave the TLB
    uint off = idx * PGSIZE;
    int rc = 0;
    if (off < size) {
      uint n = size - off < PGSIZE ? size - off : PGSIZE;
      if ((rc = write_file(ip, page, off, n)) == 0)
        zero_tail(ps, page, n);
    }
    kfree(page);
    if (rc < 0)
      return -1;
  }
  return 0;
}

// The course's msync: write the bytes of [start, end) of the current
// process's memory to the file, dirty or not, growing it if needed.
static int course_write_range(struct region *r, uint start, uint end) {
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

// ---- the file objects' tables -------------------------------------------------------

static int cache_sync(struct region *r, pde_t *pgdir, uint start, uint end,
                      uint byte_end, struct writeback_memo *memo) {
  (void)byte_end;   // whole pages: stores through any mapping are in them
  return filemap_writeback(r, pgdir, start, end, WB_ANY_MAPPING, memo);
}

const struct vmobject_ops filemap_cache_shared = {
  .attach = cache_attach,
  .clone = vmobject_set_clone,
  .detach = cache_detach,
  .get_page = cache_get_page,
  .writeback = filemap_writeback,
  .sync = cache_sync,
};

// Not attached to the cache: its stores never reach the file, so msync
// and munmap have nothing to write, and a page it maps read-only is
// never dirty.
const struct vmobject_ops filemap_cache_private = {
  .get_page = cache_get_page,
};

static enum fault_result course_shared_page(struct region *r, uint va, int write,
                                            char **pagep, int *kept) {
  (void)write;
  *kept = 1;
  return vmobject_set_page(r, va, pagep, course_fill);
}

static int course_sync(struct region *r, pde_t *pgdir, uint start, uint end,
                       uint byte_end, struct writeback_memo *memo) {
  (void)pgdir; (void)end; (void)memo;
  return course_write_range(r, start, byte_end);
}

const struct vmobject_ops filemap_course_shared = {
  .attach = vmobject_own_set_attach,
  .clone = vmobject_set_clone,
  .detach = vmobject_set_detach,
  .get_page = course_shared_page,
  .writeback = filemap_writeback,
  .sync = course_sync,
};

// A private copy made at fault time (its offset may straddle two cache
// pages, and it may run past the end of the file).
static enum fault_result course_private_page(struct region *r, uint va, int write,
                                             char **pagep, int *kept) {
  (void)write;
  *kept = 0;
  return vmobject_new_page(r, va, course_fill, pagep);
}

const struct vmobject_ops filemap_course_private = {
  .get_page = course_private_page,
};
