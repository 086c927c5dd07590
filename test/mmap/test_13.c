// One munmap call over several regions and the holes between them: trims
// the tail of the first, removes those wholly inside, trims the head of the
// last; offsets of what remains still line up (checked with a shared
// mapping through a child).
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define FIX (MAP_FIXED | MAP_ANONYMOUS)
#define BASE 0x50000000u

char *pg(int n) { return (char *)(BASE + n * PGSIZE); }

int
main(int argc, char *argv[])
{
  // Pages 0-3 private, 5-6 private read-only, 8-11 shared; 4 and 7 are holes.
  int ok = mmap(pg(0), 4 * PGSIZE, RW, FIX | MAP_PRIVATE, -1, 0) == pg(0) &&
           mmap(pg(5), 2 * PGSIZE, PROT_READ, FIX | MAP_PRIVATE, -1, 0) == pg(5) &&
           mmap(pg(8), 4 * PGSIZE, RW, FIX | MAP_SHARED, -1, 0) == pg(8);
  report("three regions mapped", ok && pmap(0, ents, 146) == 3);
  if (!ok)
    exit();
  for (int i = 0; i < 12; i++)
    if (i < 4 || i >= 8)
      memset(pg(i), 'a' + i, PGSIZE);

  // Unmap pages 2..9.
  report("munmap over three regions and two holes returns 0", munmap(pg(2), 8 * PGSIZE) == 0);
  int n = pmap(0, ents, 146);
  report("two regions remain: pages 0-1 and 10-11",
         n == 2 && ents[0].start == (uint)pg(0) && ents[0].end == (uint)pg(2) &&
         ents[1].start == (uint)pg(10) && ents[1].end == (uint)pg(12));
  int kept = 1;
  for (int i = 0; i < 12; i++)
    if (i < 2 || i >= 10)
      for (int j = 0; j < PGSIZE; j++)
        if (pg(i)[j] != 'a' + i)
          kept = 0;
  report("the remaining pages keep their data", kept);
  int gone = 1;
  for (int i = 2; i < 10; i++)
    if (!child_dies(0, pg(i)))
      gone = 0;
  report("every unmapped page kills a child that reads it", gone);

  // The shared tail still maps the right pages of its page set.
  if (fork() == 0) {
    pg(10)[1] = 'X';
    pg(11)[1] = 'Y';
    exit();
  }
  wait();
  report("shared pages 10-11 are still shared with a child at the right offsets",
         pg(10)[1] == 'X' && pg(11)[1] == 'Y' && pg(10)[0] == 'a' + 10 && pg(11)[0] == 'a' + 11);
  exit();
}
