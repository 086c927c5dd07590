// MAP_FIXED_NOREPLACE: exact placement at a free address; fails (changing
// nothing) when any page of the range is mapped.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  uint at = 0x50000000;
  char *p = mmap((void *)at, 2 * PGSIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
  report("MAP_FIXED_NOREPLACE at a free address lands exactly there", (uint)p == at);
  if ((uint)p != at)
    exit();
  p[0] = 'x';
  p[PGSIZE] = 'y';
  report("MAP_FIXED_NOREPLACE over the same range fails",
         mmap((void *)at, 2 * PGSIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED);
  report("MAP_FIXED_NOREPLACE over its last page and beyond fails",
         mmap((void *)(at + PGSIZE), 2 * PGSIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED);
  report("MAP_FIXED_NOREPLACE from below reaching its first page fails",
         mmap((void *)(at - PGSIZE), 2 * PGSIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED);
  report("MAP_FIXED_NOREPLACE with MAP_FIXED too still refuses to replace",
         mmap((void *)at, PGSIZE, RW, ANON | MAP_FIXED | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED);
  report("the existing mapping is untouched", p[0] == 'x' && p[PGSIZE] == 'y' &&
         pmap(0, ents, 146) == 1 && ents[0].start == at && ents[0].end == at + 2 * PGSIZE);
  char *q = mmap((void *)(at + 2 * PGSIZE), PGSIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
  report("MAP_FIXED_NOREPLACE right after it works", (uint)q == at + 2 * PGSIZE && q[0] == 0);
  report("MAP_FIXED_NOREPLACE unaligned fails",
         mmap((void *)(at + 5 * PGSIZE + 1), PGSIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED);
  exit();
}
