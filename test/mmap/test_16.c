// Lazy allocation: mmap takes no page; pmap's resident count is 0 until
// pages are touched, then exactly the touched pages; freepages() falls
// by exactly the touched pages and munmap gives them back.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define NPAGES 256

int
main(int argc, char *argv[])
{
  // Warm up, so the counts below are exact: a page in the same 4 MiB as
  // the test mapping gives it a page table, and keeping that mapping
  // alive keeps the kernel's first region record (and the allocator page
  // it lives in) out of the counts.
  char *w = mmap((void *)0x503ff000, PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  w[0] = 1;

  int f0 = freepages();
  char *p = mmap((void *)0x50000000, NPAGES * PGSIZE, RW,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  int f1 = freepages();
  report("mmap of 256 pages (1 MiB)", p == (char *)0x50000000);
  if (p == MAP_FAILED)
    exit();
  if (f1 != f0)
    printf(1, "freepages %d before mmap, %d after\n", f0, f1);
  report("mmap allocated no pages", f1 == f0);
  report("pmap: 0 pages resident", resident(0x50000000) == 0);

  // Touch 10 pages: 5 by writing, 5 by reading.
  for (int i = 0; i < 5; i++)
    p[i * 50 * PGSIZE + 3] = 'w';
  for (int i = 0; i < 5; i++)
    (void)*(volatile char *)(p + (i * 50 + 7) * PGSIZE);
  int f2 = freepages();
  report("pmap: exactly 10 pages resident after touching 10", resident(0x50000000) == 10);
  report("freepages fell by exactly 10", f1 - f2 == 10);

  // Touching the same pages again costs nothing.
  for (int i = 0; i < 5; i++)
    p[i * 50 * PGSIZE + 4] = 'v';
  report("touching them again costs nothing", resident(0x50000000) == 10 && freepages() == f2);

  // pmap of the caller by pid, and of pids that do not exist.
  struct pmap_entry mine[4];
  int n0 = pmap(0, ents, 146), n1 = pmap(getpid(), mine, 4);
  report("pmap(getpid()) describes the caller like pmap(0)",
         n0 == 2 && n1 == 2 && mine[0].start == 0x50000000 && mine[0].resident == 10 &&
         mine[1].start == ents[1].start && mine[1].resident == 1);
  report("pmap of a pid that does not exist returns -1", pmap(9999, ents, 146) == -1);
  report("pmap with max 0 returns the region count", pmap(0, ents, 0) == 2);

  report("munmap", munmap(p, NPAGES * PGSIZE) == 0);
  report("freepages back where it was before mmap", freepages() == f0);
  exit();
}
