// Physical page allocator. Free pages form a singly linked list threaded
// through the pages themselves. Each page also has a reference count so
// that pages shared between address spaces (MAP_SHARED, copy-on-write)
// are freed only by their last user.
//
// Counts are 32 bits wide: every reference is a page-table entry or a
// page-set slot, each of which takes memory, so no count can come near
// KREF_MAX; kref_get still refuses (never wraps) at that bound.
//
// Reclaim: a layer above (the file page cache) may register hooks. When
// the free list is empty, kalloc asks it to free pages and tries again,
// so an allocation fails only when nothing is reclaimable. The hook runs
// in the caller's context, which may hold spinlocks: it must never sleep
// (the cache frees only clean pages, so it never writes). An injected
// failure (FAULTS=kalloc=...) returns 0 before any of this.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "lock/spinlock.h"
#include "mm/kalloc.h"
#include "mm/faultinject.h"
#include "dev/console.h"
#include "lib/klib.h"

extern char end[];   // first address after the kernel image (kernel.ld)

struct free_page {
  struct free_page *next;
};

static struct {
  struct spinlock lock;
  int use_lock;              // 0 during early boot, when only one CPU runs
  struct free_page *head;
  int nfree;
  uint refs[PHYSTOP / PGSIZE];
} pages;

static uint *ref_slot(char *page) {
  return &pages.refs[V2P(page) / PGSIZE];
}

static void check_page(char *page, const char *who) {
  if ((uint)page % PGSIZE || page < end || V2P(page) >= PHYSTOP) {
    cprintf("%s: bad page address 0x%x\n", who, page);
    panic("kalloc: bad page");
  }
}

static void lock_pages(void) {
  if (pages.use_lock)
    acquire(&pages.lock);
}

static void unlock_pages(void) {
  if (pages.use_lock)
    release(&pages.lock);
}

static void add_range(void *vstart, void *vend) {
  for (char *p = (char *)PGROUNDUP((uint)vstart); p + PGSIZE <= (char *)vend; p += PGSIZE) {
    *ref_slot(p) = 1;
    kfree(p);
  }
}

void kinit1(void *vstart, void *vend) {
  initlock(&pages.lock, "kalloc");
  pages.use_lock = 0;
  add_range(vstart, vend);
}

void kinit2(void *vstart, void *vend) {
  add_range(vstart, vend);
  pages.use_lock = 1;
}

void kfree(char *page) {
  check_page(page, "kfree");
  // Counts change by atomic instructions, not under the lock: dropping a
  // share of a page (copy-on-write, exit of a forked process) costs one
  // locked decrement. Only the last reference takes the free list's lock.
  uint old = __atomic_fetch_sub(ref_slot(page), 1, __ATOMIC_ACQ_REL);
  if (old == 0) {
    cprintf("kfree: page 0x%x is already free\n", page);
    panic("kfree: double free");
  }
  if (old > 1)             // still mapped somewhere else
    return;
#ifdef KMDEBUG
  // Debug builds fill freed pages with junk so stale pointers into them
  // fail loudly (it costs about two thirds of a page's free time).
  memset(page, 1, PGSIZE);
#endif

  lock_pages();
  struct free_page *f = (struct free_page *)page;
  f->next = pages.head;
  pages.head = f;
  pages.nfree++;
  unlock_pages();
}

static struct kalloc_reclaim *reclaimer;

void kalloc_set_reclaim(struct kalloc_reclaim *r) {
  reclaimer = r;
}

// Take a page off the free list, or 0.
static char *take_page(void) {
  lock_pages();
  struct free_page *f = pages.head;
  if (f) {
    pages.head = f->next;
    pages.nfree--;
    __atomic_store_n(ref_slot((char *)f), 1, __ATOMIC_RELEASE);
  }
  unlock_pages();
  return (char *)f;
}

// A page, reclaiming when the list is empty. Another CPU may take what
// a reclaim freed, so retry while reclaim still finds something.
static char *take_or_reclaim(void) {
  char *page;
  while ((page = take_page()) == 0 && reclaimer && reclaimer->reclaim(KALLOC_RECLAIM_BATCH) > 0)
    ;
  return page;
}

char *kalloc(void) {
  if (fault_should_fail(FAULT_KALLOC))
    return 0;
  return take_or_reclaim();
}

char *kalloc_cow(void) {
  return take_or_reclaim();
}

int kfreecount(void) {
  lock_pages();
  int n = pages.nfree;
  unlock_pages();
  if (reclaimer)
    n += reclaimer->reclaimable();
  return n;
}

int kref_get(char *page) {
  check_page(page, "kref_get");
  uint *ref = ref_slot(page);
  uint old = __atomic_fetch_add(ref, 1, __ATOMIC_ACQ_REL);
  if (old == 0)
    panic("kref_get: page is free");   // a kernel bug, not a user's doing
  if (old >= KREF_MAX) {
    __atomic_fetch_sub(ref, 1, __ATOMIC_ACQ_REL);   // refused: take nothing
    return -1;
  }
  return 0;
}

int kref_count(char *page) {
  check_page(page, "kref_count");
  return __atomic_load_n(ref_slot(page), __ATOMIC_ACQUIRE);
}
