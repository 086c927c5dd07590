// The heap is a region sbrk grows at once and shrinks: growing takes its
// pages at once (free pages drop by the growth before anything is
// touched), shrinking gives them back exactly, a heap shrunk to nothing
// is fine (and sbrk below it fails, changing nothing), and growing it
// again gives fresh zeroed pages.
#include "types.h"
#include "user.h"
#include "mmtest.h"

#define N 64

int
main(int argc, char *argv[])
{
  char *a = sbrk(0);
  int before = freepages();
  report("sbrk(+64 pages) returns the old end", sbrk(N * PGSIZE) == a);
  int grown = freepages();
  report("the pages are taken at once", before - grown >= N);
  for (int i = 0; i < N; i++)
    a[i * PGSIZE] = 'h';
  report("touching them costs nothing more", freepages() == grown);

  report("sbrk(-32 pages)", sbrk(-(N / 2) * PGSIZE) == a + N * PGSIZE);
  report("gives back exactly 32 pages", freepages() == grown + N / 2);
  report("sbrk(-32 pages) again, to an empty heap", sbrk(-(N / 2) * PGSIZE) == a + N / 2 * PGSIZE);
  report("every page back", freepages() == before && sbrk(0) == a);

  report("sbrk below the heap's start fails", sbrk(-PGSIZE) == (char *)-1 && sbrk(0) == a);
  report("the empty heap grows again", sbrk(PGSIZE) == a && a[0] == 0 && a[PGSIZE - 1] == 0);
  report("by one page", freepages() == before - 1);
  report("an odd size keeps its page", sbrk(100) == a + PGSIZE && sbrk(-100) == a + PGSIZE + 100 &&
         sbrk(0) == a + PGSIZE && freepages() == before - 1);
  report("shrinking to nothing again", sbrk(-PGSIZE) == a + PGSIZE && freepages() == before);
  report("touching the old heap kills a child", child_dies(0, a));
  exit();
}
