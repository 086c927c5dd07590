// MAP_FIXED: lands exactly at a free aligned address at or above the heap
// end, replaces what was mapped there (fresh zero page, neighbours kept),
// and fails for unaligned, below-heap, kernel or KERNBASE-crossing addresses.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  // A free address: exact placement.
  uint fixed = 0x48000000;
  char *p = mmap((void *)fixed, 4 * PGSIZE, RW, ANON | MAP_FIXED, -1, 0);
  report("MAP_FIXED at a free address lands exactly there", (uint)p == fixed);
  if ((uint)p != fixed)
    exit();
  for (int pg = 0; pg < 4; pg++)
    memset(p + pg * PGSIZE, 'a' + pg, PGSIZE);

  // Replace the second page with a read-only page.
  char *q = mmap((void *)(fixed + PGSIZE), PGSIZE, PROT_READ, ANON | MAP_FIXED, -1, 0);
  report("MAP_FIXED over a mapped page returns that address", (uint)q == fixed + PGSIZE);
  int zero = 1;
  for (int i = 0; i < PGSIZE; i++)
    if (q[i] != 0)
      zero = 0;
  report("the replaced page is fresh (reads zeros)", zero);
  int kept = 1;
  for (int pg = 0; pg < 4; pg++) {
    if (pg == 1)
      continue;
    for (int i = 0; i < PGSIZE; i++)
      if (p[pg * PGSIZE + i] != 'a' + pg)
        kept = 0;
  }
  report("the neighbouring pages keep their data", kept);
  int n = pmap(0, ents, 146);
  int found_ro = 0;
  for (int i = 0; i < n && i < 146; i++)
    if (ents[i].start == fixed + PGSIZE && ents[i].end == fixed + 2 * PGSIZE &&
        ents[i].prot == PROT_READ)
      found_ro = 1;
  report("pmap shows three regions, the middle one read-only", n == 3 && found_ro);

  // Replacing a range spanning two regions and a hole.
  char *r = mmap((void *)(fixed + 3 * PGSIZE), 3 * PGSIZE, RW, ANON | MAP_FIXED, -1, 0);
  report("MAP_FIXED over a region end and free space works",
         (uint)r == fixed + 3 * PGSIZE && r[0] == 0 && p[2 * PGSIZE] == 'c');

  // At exactly the heap's end: allowed.
  uint heap_end = PGROUNDUP(sbrk(0));
  char *h = mmap((void *)heap_end, PGSIZE, RW, ANON | MAP_FIXED, -1, 0);
  int hok = (uint)h == heap_end;
  if (hok) {
    h[0] = 5;
    hok = h[0] == 5 && munmap(h, PGSIZE) == 0;
  }
  report("MAP_FIXED at the heap's end is allowed", hok);

  // Failures.
  int before = pmap(0, ents, 146);
  report("MAP_FIXED below the heap end fails",
         mmap((void *)(heap_end - PGSIZE), PGSIZE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED);
  report("MAP_FIXED over the text fails",
         mmap((void *)0, PGSIZE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED);
  report("MAP_FIXED at an unaligned address fails",
         mmap((void *)(fixed + 8), PGSIZE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED);
  report("MAP_FIXED in kernel space fails",
         mmap((void *)KERNBASE, PGSIZE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED);
  report("MAP_FIXED crossing KERNBASE fails",
         mmap((void *)(KERNBASE - PGSIZE), 2 * PGSIZE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED);
  report("failed MAP_FIXED calls change nothing",
         pmap(0, ents, 146) == before && p[0] == 'a' && p[2 * PGSIZE] == 'c');
  exit();
}
