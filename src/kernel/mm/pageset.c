// Page sets: see pageset.h. Two levels so a large sparse set costs one
// small directory plus a page of pointers per 4 MiB actually used.
#include "types.h"
#include "mmu.h"
#include "lock/spinlock.h"
#include "mm/kalloc.h"
#include "mm/kmalloc.h"
#include "mm/pageset.h"
#include "mm/mmap.h"
#include "mm/vm.h"
#include "memlayout.h"
#include "dev/console.h"
#include "lib/klib.h"

#define PTRS_PER_LEAF (PGSIZE / sizeof(char *))

static struct spinlock count_lock;
static int live_sets;

void pageset_init(void) {
  initlock(&count_lock, "pageset count");
}

static void count_sets(int delta) {
  acquire(&count_lock);
  live_sets += delta;
  release(&count_lock);
}

struct pageset *pageset_create(uint npages) {
  uint ndir = (npages + PTRS_PER_LEAF - 1) / PTRS_PER_LEAF;
  if (ndir == 0 || ndir * sizeof(char **) > 4096)
    return 0;
  struct pageset *ps = kzalloc(sizeof(*ps));
  if (ps == 0)
    return 0;
  ps->dir = kzalloc(ndir * sizeof(char **));
  if (ps->dir == 0) {
    kmfree(ps);
    return 0;
  }
  initlock(&ps->lock, "pageset");
  ps->ref = 0;
  ps->npages = npages;
  ps->ndir = ndir;
  count_sets(1);
  return ps;
}

void pageset_init_owned(struct pageset *ps, uint npages, char ***dir, uint ndir) {
  memset(ps, 0, sizeof(*ps));
  memset(dir, 0, ndir * sizeof(char **));
  initlock(&ps->lock, "pageset");
  ps->npages = npages;
  ps->dir = dir;
  ps->ndir = ndir;
  ps->owned = 1;
}

void pageset_attach(struct pageset *ps, struct region *r) {
  acquire(&ps->lock);
  ps->ref++;
  r->ps_next = ps->mappers;
  r->ps_pprev = &ps->mappers;
  if (ps->mappers)
    ps->mappers->ps_pprev = &r->ps_next;
  ps->mappers = r;
  release(&ps->lock);
}

// Drop the set's reference on every page it holds and free its leaf
// tables; the set is then empty. Teardown and pageset_drop_all share it.
static void free_pages(struct pageset *ps) {
  for (uint d = 0; d < ps->ndir; d++) {
    char **leaf = ps->dir[d];
    if (leaf == 0)
      continue;
    for (uint i = 0; i < PTRS_PER_LEAF; i++)
      if (leaf[i])
        kfree(leaf[i]);   // drops the set's reference
    ps->dir[d] = 0;
    kfree((char *)leaf);
  }
  ps->resident = 0;
}

void pageset_detach(struct pageset *ps, struct region *r) {
  acquire(&ps->lock);
  // Doubly linked, so that a page shared by tens of thousands of
  // mappings (MMAP_MAX_REGIONS in each of many processes) detaches in
  // O(1) rather than walking them all.
  *r->ps_pprev = r->ps_next;
  if (r->ps_next)
    r->ps_next->ps_pprev = r->ps_pprev;
  r->ps_next = 0;
  r->ps_pprev = 0;
  int last = --ps->ref == 0;
  release(&ps->lock);
  if (!last || ps->owned)
    return;
  free_pages(ps);
  kmfree(ps->dir);
  kmfree(ps);
  count_sets(-1);
}

// A page is dirty if the CPU set the dirty bit in any attached region's
// mapping of it. Each region's page table stays valid while the region
// is attached (regions detach before their page table is freed).
static int dirty_locked(struct pageset *ps, uint idx, char *page) {
  int dirty = 0;
  for (struct region *r = ps->mappers; r && !dirty; r = r->ps_next) {
    if (idx < r->pgoff || idx - r->pgoff >= (r->rt.end - r->rt.start) / PGSIZE)
      continue;
    uint va = r->rt.start + (idx - r->pgoff) * PGSIZE;
    pte_t *pte = walkpgdir(r->pgdir, (void *)va, 0);
    dirty = pte && (*pte & (PTE_P | PTE_D)) == (PTE_P | PTE_D) &&
            PTE_ADDR(*pte) == V2P(page);
  }
  return dirty;
}

int pageset_dirty(struct pageset *ps, uint idx, char *page) {
  acquire(&ps->lock);
  int dirty = dirty_locked(ps, idx, page);
  release(&ps->lock);
  return dirty;
}

void pageset_clean(struct pageset *ps, uint idx, char *page, pde_t *pgdir) {
  acquire(&ps->lock);
  for (struct region *r = ps->mappers; r; r = r->ps_next) {
    if (r->pgdir != pgdir || idx < r->pgoff || idx - r->pgoff >= (r->rt.end - r->rt.start) / PGSIZE)
      continue;
    pte_t *pte = walkpgdir(r->pgdir, (void *)(r->rt.start + (idx - r->pgoff) * PGSIZE), 0);
    if (pte && (*pte & PTE_P) && PTE_ADDR(*pte) == V2P(page))
      *pte &= ~PTE_D;
  }
  release(&ps->lock);
}

char *pageset_get(struct pageset *ps, uint idx) {
  if (idx >= ps->npages)
    return 0;
  acquire(&ps->lock);
  char **leaf = ps->dir[idx / PTRS_PER_LEAF];
  char *page = leaf ? leaf[idx % PTRS_PER_LEAF] : 0;
  if (page && kref_get(page) < 0)
    page = 0;                 // only at KREF_MAX: counts never wrap
  release(&ps->lock);
  return page;
}

char *pageset_install(struct pageset *ps, uint idx, char *page) {
  if (idx >= ps->npages)
    return 0;
  // Allocate a leaf outside the lock (kalloc may fail injection-wise).
  char **fresh = 0;
  acquire(&ps->lock);
  if (ps->dir[idx / PTRS_PER_LEAF] == 0) {
    release(&ps->lock);
    if ((fresh = (char **)kalloc()) == 0)
      return 0;
    memset(fresh, 0, PGSIZE);
    acquire(&ps->lock);
    if (ps->dir[idx / PTRS_PER_LEAF] == 0) {
      ps->dir[idx / PTRS_PER_LEAF] = fresh;
      fresh = 0;
    }
  }
  char **slot = &ps->dir[idx / PTRS_PER_LEAF][idx % PTRS_PER_LEAF];
  if (*slot == 0) {
    *slot = page;
    ps->resident++;
  }
  char *result = *slot;
  if (kref_get(result) < 0)
    result = 0;
  release(&ps->lock);
  if (fresh)
    kfree((char *)fresh);
  return result;
}

// Reclaim. A page whose count is 1 is held by the set alone: no page
// table maps it, so it is clean (mappings write their dirty pages back
// before they let go, and write() reaches the disk before it returns),
// and with our lock held nobody can take a new reference to it.
// Free (or with `dry`, count) up to `want` pages of one leaf; one more
// when the leaf would be left empty.
static uint reclaim_leaf(struct pageset *ps, char **leaf, uint want, int dry) {
  uint freed = 0, left = 0;
  for (uint i = 0; i < PTRS_PER_LEAF; i++) {
    char *page = leaf[i];
    if (page == 0)
      continue;
    if (freed >= want || kref_count(page) != 1) {
      left++;
      continue;
    }
    freed++;
    if (!dry) {
      leaf[i] = 0;
      ps->resident--;
      kfree(page);
    }
  }
  return freed + (left == 0);   // an empty pointer page goes too
}

uint pageset_reclaim(struct pageset *ps, uint want) {
  uint freed = 0;
  acquire(&ps->lock);
  for (uint n = 0; n < ps->ndir && freed < want; n++) {
    uint d = (ps->cursor + n) % ps->ndir;
    char **leaf = ps->dir[d];
    if (leaf == 0)
      continue;
    freed += reclaim_leaf(ps, leaf, want - freed, 0);
    int empty = 1;
    for (uint i = 0; i < PTRS_PER_LEAF && empty; i++)
      empty = leaf[i] == 0;
    if (empty) {
      ps->dir[d] = 0;
      kfree((char *)leaf);
    } else {
      ps->cursor = d;   // pages still here: start from this one next time
    }
  }
  release(&ps->lock);
  return freed;
}

uint pageset_reclaimable(struct pageset *ps) {
  uint n = 0;
  acquire(&ps->lock);
  for (uint d = 0; d < ps->ndir; d++)
    if (ps->dir[d])
      n += reclaim_leaf(ps, ps->dir[d], PTRS_PER_LEAF, 1);
  release(&ps->lock);
  return n;
}

void pageset_drop_all(struct pageset *ps) {
  acquire(&ps->lock);
  if (ps->ref != 0)
    panic("pageset_drop_all: regions attached");
  free_pages(ps);
  release(&ps->lock);
}

void pageset_counts(struct pageset *ps, uint *cached, uint *dirty) {
  acquire(&ps->lock);
  *cached += ps->resident;
  for (uint d = 0; d < ps->ndir && ps->mappers; d++) {
    char **leaf = ps->dir[d];
    for (uint i = 0; leaf && i < PTRS_PER_LEAF; i++)
      if (leaf[i] && kref_count(leaf[i]) > 1 && dirty_locked(ps, d * PTRS_PER_LEAF + i, leaf[i]))
        (*dirty)++;
  }
  release(&ps->lock);
}

int pageset_count(void) {
  acquire(&count_lock);
  int n = live_sets;
  release(&count_lock);
  return n;
}
