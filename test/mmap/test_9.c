// munmap validation: unaligned address, length 0, ranges reaching the
// kernel -> -1 (nothing changed); a range with nothing mapped -> 0; the
// length is rounded up to whole pages (munmap(p, 1) removes a page).
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  char *p = mmap_or_exit("mmap", 0, 4 * PGSIZE, RW, ANON, -1, 0);
  memset(p, 'm', 4 * PGSIZE);

  report("munmap at an unaligned address fails", munmap(p + 1, PGSIZE) == -1);
  report("munmap of length 0 fails", munmap(p, 0) == -1);
  report("munmap of a range reaching into the kernel fails",
         munmap((void *)(KERNBASE - PGSIZE), 2 * PGSIZE) == -1);
  report("munmap in kernel space fails", munmap((void *)KERNBASE, PGSIZE) == -1);
  report("munmap with a huge length fails", munmap(p, 0xfffff000) == -1);
  int intact = pmap(0, ents, 146) == 1 && ents[0].end - ents[0].start == 4 * PGSIZE;
  for (int i = 0; i < 4 * PGSIZE; i++)
    if (p[i] != 'm')
      intact = 0;
  report("the failed calls changed nothing", intact);

  report("munmap of an unmapped range returns 0", munmap((void *)0x70000000, 8 * PGSIZE) == 0);
  report("munmap of an unmapped range between the heap and the mmap area returns 0",
         munmap((void *)0x1000000, PGSIZE) == 0);
  // The program's text is not a region: munmap there finds nothing to do,
  // and the program keeps running.
  report("munmap over the program's text returns 0", munmap((void *)0, 2 * PGSIZE) == 0);
  report("... and changed nothing", pmap(0, ents, 146) == 1 && p[0] == 'm');

  report("munmap(p + 3 pages, 1) succeeds", munmap(p + 3 * PGSIZE, 1) == 0);
  report("it removed the whole page", pmap(0, ents, 146) == 1 &&
         ents[0].end - ents[0].start == 3 * PGSIZE);
  report("touching the removed page kills the child", child_dies(0, p + 3 * PGSIZE + 100));
  report("the rest is intact", p[0] == 'm' && p[3 * PGSIZE - 1] == 'm');

  report("munmap of the same range again returns 0", munmap(p + 3 * PGSIZE, PGSIZE) == 0);
  report("munmap of everything up to KERNBASE returns 0",
         munmap((void *)0x40000000, KERNBASE - 0x40000000) == 0);
  report("no regions remain", pmap(0, ents, 146) == 0);
  report("touching the old mapping kills the child", child_dies(1, p));
  exit();
}
