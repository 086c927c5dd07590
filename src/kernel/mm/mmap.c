// mmap regions: the operations on an address space's set of regions.
//
// Each address space keeps its regions in vmspace->regions, a region set
// ordered by start address (mm/regiontree.h, a pure library: an augmented
// red-black tree whose nodes cache the free gap below them and the largest
// gap in their subtree, so looking up the region holding an address (page
// faults), the regions overlapping a range (munmap, mprotect) and the
// lowest free range of a given size (mmap without MAP_FIXED) each take
// O(log n); `make MMAP_LINEAR=1` links a sorted list instead, the
// benchmark's baseline).
//
// Pages are not allocated here: the page-fault handler fills them in on
// first touch (mm/pagefault.c). Unmapping frees whatever pages are there.
//
// Locking: every tree change and page-table free holds vm->lock (the
// tree_* wrappers and release_page_tables assert it), never across
// anything that sleeps (write-back, freeing a region record); a munmap's
// changes happen in one locked step, so pmap sees it whole or not at all.
// The rules and the lock order are at the top of mm/vmspace.c.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "mman.h"
#include "memstat.h"
#include "arch/x86.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "mm/mmap.h"
#include "mm/vmspace.h"
#include "mm/filemap.h"
#include "mm/vmobject.h"
#include "fs/file.h"
#include "dev/console.h"
#include "lib/klib.h"

// mman.h sizes MMAP_MAX_REGIONS for records of one 128-byte kmalloc block.
_Static_assert(sizeof(struct region) <= 128, "a region record outgrew 128 bytes");

// Counted with atomic instructions: fork and exit change them once per
// region, and a lock round trip each cost every fork a few hundred
// instructions per region of the image.
static int live_regions;   // every record
static int live_image;     // ... of which image regions (not user-visible)

static void count_regions(int delta) {
  __atomic_add_fetch(&live_regions, delta, __ATOMIC_RELAXED);
}

static void count_image(int delta) {
  __atomic_add_fetch(&live_image, delta, __ATOMIC_RELAXED);
}

int mmap_region_count(void) {
  return __atomic_load_n(&live_regions, __ATOMIC_RELAXED) -
         __atomic_load_n(&live_image, __ATOMIC_RELAXED);
}

// The regions of vm the mmap calls made (the limit in mman.h is theirs).
static int user_regions(struct vmspace *vm) {
  return vm->regions.count - vm->image_regions;
}

void mmap_init(void) {
}

// ---- the tree ------------------------------------------------------------
//
// The region set itself is mm/regiontree.{c,h} (or regionlist.c, the
// benchmark's list baseline; the Makefile links one). These wrappers keep
// a region's file offset in step with its start and check the rule that
// every change holds vm->lock (vmspace.c): pmap of another process reads
// the tree under it.

#define REGION(n) rt_entry(n, struct region, rt)

static struct region *region_of(struct rt_node *n) {
  return n ? REGION(n) : 0;
}

static struct region *next_region(struct region *r) {
  return region_of(rt_next(&r->rt));
}

// The region after r if it may start below end, else 0 (regions are
// disjoint, so none can once r reaches end): saves a step of the walk.
static struct region *next_before(struct region *r, uint end) {
  return r->rt.end < end ? next_region(r) : 0;
}

static void tree_insert(struct vmspace *vm, struct region *r) {
  vmspace_assert_locked(vm, "tree_insert");
  rt_insert(&vm->regions, &r->rt);
  if (r->image)
    vm->image_regions++;
}

static void tree_remove(struct vmspace *vm, struct region *r) {
  vmspace_assert_locked(vm, "tree_remove");
  rt_remove(&vm->regions, &r->rt);
  if (vm->find_hint == r)
    vm->find_hint = 0;           // its record is about to be freed
  if (r->image)
    vm->image_regions--;
}

// Move r's start up (dropping its head); its place in the order does not
// change.
static void tree_set_start(struct vmspace *vm, struct region *r, uint start) {
  vmspace_assert_locked(vm, "tree_set_start");
  uint dropped = start - r->rt.start;
  r->offset += dropped;
  r->pgoff += dropped / PGSIZE;
  rt_set_range(&vm->regions, &r->rt, start, r->rt.end);
}

// Move r's end down (dropping its tail).
static void tree_set_end(struct vmspace *vm, struct region *r, uint end) {
  vmspace_assert_locked(vm, "tree_set_end");
  rt_set_range(&vm->regions, &r->rt, r->rt.start, end);
}

// Cut r at `at`; tail, a clone of r (region_clone_into), takes [at, end).
static void tree_split(struct vmspace *vm, struct region *r, uint at, struct region *tail) {
  vmspace_assert_locked(vm, "tree_split");
  uint skip = at - r->rt.start;
  tail->offset += skip;
  tail->pgoff += skip / PGSIZE;
  rt_split(&vm->regions, &r->rt, at, &tail->rt);
  if (tail->image)
    vm->image_regions++;
}

// pmap reports a region's protection, so it changes under the lock too.
static void tree_set_prot(struct vmspace *vm, struct region *r, int prot) {
  vmspace_assert_locked(vm, "tree_set_prot");
  r->prot = prot;
}

// The lowest region ending above va (it may start above va too), or 0.
static struct region *first_ending_after(struct vmspace *vm, uint va) {
  return region_of(rt_first_ending_after(&vm->regions, va));
}

// Choose where a new mapping of len bytes goes: the lowest free range at
// or above MMAP_BASE. Returns 0 when none fits below KERNBASE.
static uint find_free_range(struct vmspace *vm, uint len) {
  uint a;
  if (rt_lowest_fit(&vm->regions, len, MMAP_BASE, KERNBASE, &a))
    return a;
  return 0;
}

// ---- pages ---------------------------------------------------------------

uint mmap_pte_perm(struct region *r, int cow_shared) {
  if (r->prot == PROT_NONE)
    return 0;               // present for the kernel, not for user code
  uint perm = PTE_U;
  if ((r->prot & PROT_WRITE) && !cow_shared)
    perm |= PTE_W;
  return perm;
}

// Reload %cr3 if pgdir is live on this CPU, so old translations go.
static void flush_tlb(pde_t *pgdir) {
  if (rcr3() == V2P(pgdir))
    lcr3(V2P(pgdir));
}

// Write back what this mapping stored into [start, end) of r, if its
// object keeps stores anywhere (shared file mappings do).
static void write_back_mapping(struct region *r, pde_t *pgdir, uint start, uint end) {
  if (r->obj->writeback && (r->flags & MAP_SHARED))
    r->obj->writeback(r, pgdir, start, end, WB_THIS_MAPPING, 0);
}

// Remove the pages of [start, end) of region r from pgdir, writing dirty
// shared file pages back first.
static void drop_pages(struct region *r, pde_t *pgdir, uint start, uint end) {
  write_back_mapping(r, pgdir, start, end);
  unmap_user_range(pgdir, start, end);
  flush_tlb(pgdir);
}

// Can the page table of directory entry d go? Only if it is there, lies
// wholly above the heap and no region overlaps its 4 MiB span.
static int page_table_unused(struct vmspace *vm, uint d) {
  uint span = PGADDR(d, 0, 0);
  return (vm->pgdir[d] & PTE_P) && span >= PGROUNDUP(vm->sz) &&
         !mmap_overlaps(vm, span, span + (1 << PDXSHIFT));
}

// After [start, end) was unmapped: free the page tables of the 4 MiB
// spans it touched that nothing uses any more (their entries are all
// clear), so munmap gives them back as Linux does. One O(log n) tree
// query per span. pmap of another process walks these page tables
// holding vm->lock, so the caller holds it too.
static void release_page_tables(struct vmspace *vm, uint start, uint end) {
  vmspace_assert_locked(vm, "release_page_tables");
  for (uint d = PDX(start); d <= PDX(end - 1) && d < PDX(KERNBASE); d++)
    if (page_table_unused(vm, d))
      free_page_table(vm->pgdir, d);
}

// The same for a range where nothing was mapped: the lock is taken only
// when there is a table to free, so most such munmaps (and every
// MAP_FIXED into free space) pay nothing for it.
static void release_page_tables_unlocked(struct vmspace *vm, uint start, uint end) {
  for (uint d = PDX(start); d <= PDX(end - 1) && d < PDX(KERNBASE); d++) {
    if (page_table_unused(vm, d)) {
      acquire(&vm->lock);
      release_page_tables(vm, start, end);
      release(&vm->lock);
      return;
    }
  }
}

static struct region *region_alloc(void) {
  struct region *r = kzalloc(sizeof(*r));
  if (r)
    count_regions(1);
  return r;
}

// Free a region record and the references it holds.
static void region_free(struct region *r) {
  if (r->obj && r->obj->detach)
    r->obj->detach(r);
  if (r->file)
    fileclose(r->file);
  if (r->image)
    count_image(-1);
  kmfree(r);
  count_regions(-1);
}

// A copy of src (same backing, own references) living in pgdir; the
// caller then adjusts its extent.
static void region_clone_into(struct region *dst, struct region *src, pde_t *pgdir) {
  *dst = *src;
  memset(&dst->rt.link, 0, sizeof(dst->rt.link));
  dst->pgdir = pgdir;
  if (dst->file)
    filedup(dst->file);
  if (dst->obj->clone)
    dst->obj->clone(dst);
  if (dst->image)
    count_image(1);
}

// ---- mmap / munmap / mprotect / msync ---------------------------------------

int mmap_map(struct vmspace *vm, uint addr, uint len, int prot, int flags,
             const struct vmobject_ops *obj, struct file *f, uint offset) {
  uint start;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    start = addr;
    if (start < PGROUNDUP(vm->sz) || start >= KERNBASE || KERNBASE - start < len)
      return -1;          // not in the mappable part of user space
    if (mmap_overlaps(vm, start, start + len)) {
      if (flags & MAP_FIXED_NOREPLACE)
        return -1;
    }
  } else {
    // A hint is honoured when the range is free, clear of the heap's room
    // to grow, and below the kernel; otherwise the kernel picks.
    start = 0;
    if (addr && addr % PGSIZE == 0 && addr < KERNBASE && KERNBASE - addr >= len &&
        addr >= PGROUNDUP(vm->sz) + MMAP_HEAP_ROOM && !mmap_overlaps(vm, addr, addr + len))
      start = addr;
    if (start == 0 && (start = find_free_range(vm, len)) == 0)
      return -1;
  }

  // The record limit (mman.h); a MAP_FIXED that would only replace
  // regions is refused at the limit too, which keeps the rule simple.
  if (user_regions(vm) >= MMAP_MAX_REGIONS)
    return -1;
  struct region *r = region_alloc();
  if (r == 0)
    return -1;
  r->rt.start = start;
  r->rt.end = start + len;
  r->prot = prot;
  r->flags = flags & (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS);
  r->offset = offset;
  r->pgdir = vm->pgdir;
  if (f)
    r->file = filedup(f);
  if (obj->attach && obj->attach(r) < 0) {
    region_free(r);             // (obj is not set yet: nothing to detach)
    return -1;
  }
  r->obj = obj;

  // MAP_FIXED replaces what was there; everything that can fail is done.
  if ((flags & MAP_FIXED) && mmap_unmap(vm, start, start + len) < 0) {
    region_free(r);
    return -1;
  }
  acquire(&vm->lock);
  tree_insert(vm, r);
  release(&vm->lock);
  return start;
}

// Unmap [start, end) (page aligned). Regions are trimmed, split or
// removed. Returns -1 only when a split needs memory that is not there,
// and then nothing has changed. Every way out that succeeds gives back
// the page tables the range leaves empty.
//
// Pages go first (writing back may sleep); then every tree change and
// page-table free happens in one locked step, so pmap sees the munmap
// whole; the records of removed regions are freed after it (fileclose may
// sleep too).
int mmap_unmap(struct vmspace *vm, uint start, uint end) {
  struct region *first = first_ending_after(vm, start);
  if (first == 0 || first->rt.start >= end) {
    release_page_tables_unlocked(vm, start, end);  // nothing mapped there (any more)
    return 0;
  }

  if (first->rt.start < start && first->rt.end > end) {
    // The hole is inside one region: split it in three (one record
    // more, so not at the limit: Linux refuses such a munmap too).
    if (user_regions(vm) >= MMAP_MAX_REGIONS)
      return -1;
    struct region *tail = region_alloc();
    if (tail == 0)
      return -1;
    region_clone_into(tail, first, vm->pgdir);
    drop_pages(first, vm->pgdir, start, end);
    acquire(&vm->lock);
    tree_split(vm, first, end, tail);
    tree_set_end(vm, first, start);
    // The spans wholly inside the hole are empty now; those shared with
    // first or tail are kept (release_page_tables asks the tree).
    release_page_tables(vm, start, end);
    release(&vm->lock);
    return 0;
  }

  for (struct region *r = first; r && r->rt.start < end; r = next_before(r, end))
    drop_pages(r, vm->pgdir, r->rt.start > start ? r->rt.start : start,
               r->rt.end < end ? r->rt.end : end);
  struct region *dead = 0;
  acquire(&vm->lock);
  for (struct region *r = first, *next; r && r->rt.start < end; r = next) {
    next = next_before(r, end);
    if (start <= r->rt.start && end >= r->rt.end) {    // all of it
      tree_remove(vm, r);
      r->dead_next = dead;
      dead = r;
    } else if (start <= r->rt.start) {                // its head
      tree_set_start(vm, r, end);
    } else {                                          // its tail
      tree_set_end(vm, r, start);
    }
  }
  release_page_tables(vm, start, end);
  release(&vm->lock);
  while (dead) {
    struct region *next = dead->dead_next;
    region_free(dead);
    dead = next;
  }
  return 0;
}

// Is [start, end) covered by regions with no holes?
static int fully_mapped(struct vmspace *vm, uint start, uint end) {
  uint at = start;
  for (struct region *r = first_ending_after(vm, start); r && at < end; r = next_region(r)) {
    if (r->rt.start > at)
      return 0;
    at = r->rt.end;
  }
  return at >= end;
}

// Make sure a region boundary falls at `at` (splitting the region that
// spans it, with a record the caller allocated).
static void split_at(struct vmspace *vm, uint at, struct region **spare) {
  struct region *r = mmap_find(vm, at);
  if (r == 0 || r->rt.start == at)
    return;
  struct region *tail = *spare;
  *spare = 0;
  region_clone_into(tail, r, vm->pgdir);
  acquire(&vm->lock);
  tree_split(vm, r, at, tail);
  release(&vm->lock);
}

int mmap_protect(struct vmspace *vm, uint start, uint end, int prot) {
  if (!fully_mapped(vm, start, end))
    return -1;
  // A file mapped shared can become writable only if opened for writing.
  for (struct region *r = first_ending_after(vm, start); r && r->rt.start < end; r = next_region(r))
    if ((prot & PROT_WRITE) && r->file && (r->flags & MAP_SHARED) && !r->file->writable)
      return -1;

  // At most two splits; get their records first so nothing fails halfway.
  // Each split adds a record, so near the limit (mman.h) only a change
  // that splits nothing may go ahead.
  struct region *at_end = mmap_find(vm, end);
  int splits = (mmap_find(vm, start)->rt.start != start) + (at_end && at_end->rt.start != end);
  if (user_regions(vm) + splits > MMAP_MAX_REGIONS)
    return -1;
  struct region *spare[2];
  spare[0] = region_alloc();
  spare[1] = region_alloc();
  if (spare[0] == 0 || spare[1] == 0) {
    if (spare[0]) { kmfree(spare[0]); count_regions(-1); }
    if (spare[1]) { kmfree(spare[1]); count_regions(-1); }
    return -1;
  }
  split_at(vm, start, &spare[0]);
  split_at(vm, end, &spare[1]);
  for (int i = 0; i < 2; i++)
    if (spare[i]) { kmfree(spare[i]); count_regions(-1); }

  for (struct region *r = mmap_find(vm, start); r && r->rt.start < end; r = next_region(r)) {
    acquire(&vm->lock);
    tree_set_prot(vm, r, prot);
    release(&vm->lock);
    // Present pages take the new permissions now; copy-on-write pages
    // stay read-only until their next write fault.
    uint va = r->rt.start;
    pte_t *pte;
    while ((pte = next_present_pte(vm->pgdir, &va, r->rt.end)) != 0) {
      char *page = P2V(PTE_ADDR(*pte));
      int cow = !(r->flags & MAP_SHARED) && kref_count(page) > 1;
      *pte = PTE_ADDR(*pte) | PTE_P | (*pte & PTE_D) | mmap_pte_perm(r, cow);
      va += PGSIZE;
    }
  }
  flush_tlb(vm->pgdir);
  return 0;
}

// msync: write back shared file pages in [start, end) (page aligned);
// byte_end is where the caller's byte range ends (the course's form of
// a file mapping writes exactly those bytes: its object's sync).
int mmap_sync(struct vmspace *vm, uint start, uint end, uint byte_end) {
  if (!fully_mapped(vm, start, end))
    return -1;
  struct writeback_memo memo;
  memo.used = 0;
  for (struct region *r = first_ending_after(vm, start); r && r->rt.start < end; r = next_region(r)) {
    if (r->obj->sync == 0 || !(r->flags & MAP_SHARED))
      continue;
    uint s = start > r->rt.start ? start : r->rt.start;
    uint e = end < r->rt.end ? end : r->rt.end;
    if (r->obj->sync(r, vm->pgdir, s, e, byte_end < e ? byte_end : e, &memo) < 0)
      return -1;
  }
  flush_tlb(vm->pgdir);
  return 0;
}

// ---- the program image --------------------------------------------------

struct region *mmap_image_map(struct vmspace *vm, uint start, uint end, int prot,
                              struct file *f, uint offset, enum image_part part) {
  if (start >= end || mmap_overlaps(vm, start, end))
    return 0;
  struct region *r = region_alloc();
  if (r == 0)
    return 0;
  r->rt.start = start;
  r->rt.end = end;
  r->prot = prot;
  r->flags = MAP_PRIVATE | (f ? 0 : MAP_ANONYMOUS);
  r->obj = f ? &filemap_cache_private : &vmo_anon_private;   // no attach step
  r->offset = f ? offset : 0;
  r->pgdir = vm->pgdir;
  r->file = f ? filedup(f) : 0;
  r->image = part;
  count_image(1);
  acquire(&vm->lock);
  tree_insert(vm, r);
  release(&vm->lock);
  return r;
}

void mmap_image_set_end(struct vmspace *vm, struct region *r, uint end) {
  acquire(&vm->lock);
  tree_set_end(vm, r, end);
  release(&vm->lock);
}

// ---- fork, exec, exit ----------------------------------------------------

int mmap_fork(struct vmspace *parent, struct vmspace *child, uint hot) {
  // The records first, then all of them into the child's tree in one
  // locked step (nothing allocates under the lock), then the pages.
  struct region *copies = 0, **tail = &copies;
  for (struct rt_node *n = rt_first(&parent->regions); n; n = rt_next(n)) {
    struct region *c = region_alloc();
    if (c == 0)
      break;
    region_clone_into(c, REGION(n), child->pgdir);
    c->dead_next = 0;
    *tail = c;
    tail = &c->dead_next;
  }
  acquire(&child->lock);
  for (struct region *c = copies; c; c = c->dead_next)
    tree_insert(child, c);
  release(&child->lock);
  if (child->regions.count != parent->regions.count)
    return -1;                     // out of memory: the caller frees what is there

  for (struct rt_node *n = rt_first(&parent->regions); n; n = rt_next(n)) {
    struct region *r = REGION(n);

    // Share every present page: shared regions keep their permissions,
    // private ones become copy-on-write in both processes (but the page
    // at hot, which the child gets a copy of now: see mmap.h).
    int shared = (r->flags & MAP_SHARED) != 0;
    if (share_user_range(parent->pgdir, child->pgdir, r->rt.start, r->rt.end,
                         mmap_pte_perm(r, 0), !shared, hot) < 0)
      return -1;
  }
  flush_tlb(parent->pgdir);
  return 0;
}

void mmap_release_all(struct vmspace *vm) {
  pde_t *pgdir = vm->pgdir;
  for (struct rt_node *n = rt_first(&vm->regions); n; n = rt_next(n)) {
    struct region *r = REGION(n);
    write_back_mapping(r, pgdir, r->rt.start, r->rt.end);
    unmap_user_range(pgdir, r->rt.start, r->rt.end);
  }
  // The whole set goes in one locked step (every process's exit and exec
  // takes this path, image regions included): no rebalancing per region.
  struct region *dead = 0;
  acquire(&vm->lock);
  vmspace_assert_locked(vm, "mmap_release_all");
  for (struct rt_node *n = rt_first(&vm->regions); n; n = rt_next(n)) {
    struct region *r = REGION(n);
    r->dead_next = dead;
    dead = r;
  }
  rt_init(&vm->regions);
  vm->image_regions = 0;
  vm->find_hint = 0;
  release(&vm->lock);
  while (dead) {
    struct region *next = dead->dead_next;
    region_free(dead);
    dead = next;
  }
  // One flush for all of them: nothing here touches user addresses, and
  // a flush per region costs a TLB refill each (thousands at exit).
  flush_tlb(pgdir);
}

// ---- pmap ----------------------------------------------------------------

static uint resident_pages(pde_t *pgdir, uint start, uint end) {
  uint count = 0, va = start;
  while (next_present_pte(pgdir, &va, end)) {
    count++;
    va += PGSIZE;
  }
  return count;
}

int mmap_describe(struct vmspace *vm, struct pmap_entry *out, int max) {
  acquire(&vm->lock);
  int i = 0;
  for (struct rt_node *n = rt_first(&vm->regions); n; n = rt_next(n)) {
    struct region *r = REGION(n);
    if (r->image)
      continue;             // pmap(): the mappings the program made
    if (i >= max) {
      i++;
      continue;
    }
    out[i].start = r->rt.start;
    out[i].end = r->rt.end;
    out[i].prot = r->prot;
    out[i].flags = r->flags;
    out[i].fd_backed = r->file != 0;
    out[i].offset = r->offset;
    out[i].resident = resident_pages(vm->pgdir, r->rt.start, r->rt.end);
    i++;
  }
  release(&vm->lock);
  return i;
}
