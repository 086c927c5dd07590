// mprotect down and up: read+write -> read-only (data kept, writes kill)
// -> none (reads kill) -> read+write again (data kept, writable); on one
// page in the middle it splits the region in three.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int check(char *p, int from, int to) {
  for (int pg = from; pg < to; pg++)
    for (int i = 0; i < PGSIZE; i += 97)
      if (p[pg * PGSIZE + i] != 'a' + pg)
        return 0;
  return 1;
}

int
main(int argc, char *argv[])
{
  char *p = mmap_or_exit("mmap", 0, 3 * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  // Pages 0 and 1 touched, page 2 left untouched.
  memset(p, 'a', PGSIZE);
  memset(p + PGSIZE, 'b', PGSIZE);

  report("mprotect to PROT_READ", mprotect(p, 3 * PGSIZE, PROT_READ) == 0);
  report("data still readable", check(p, 0, 2) && p[2 * PGSIZE] == 0);
  report("writing a present page now kills the child", child_dies(1, p + 10));
  report("writing the untouched page now kills the child", child_dies(1, p + 2 * PGSIZE));

  report("mprotect to PROT_NONE", mprotect(p, 3 * PGSIZE, PROT_NONE) == 0);
  report("reading now kills the child", child_dies(0, p + PGSIZE));

  report("mprotect back to read+write", mprotect(p, 3 * PGSIZE, RW) == 0);
  report("data kept through PROT_NONE", check(p, 0, 2));
  p[0] = 'z';
  p[2 * PGSIZE] = 'c';
  report("writable again", p[0] == 'z' && p[2 * PGSIZE] == 'c');
  p[0] = 'a';
  memset(p + 2 * PGSIZE, 'c', PGSIZE);

  report("mprotect of the middle page only", mprotect(p + PGSIZE, PGSIZE, PROT_READ) == 0);
  int n = pmap(0, ents, 146);
  report("the region is split in three, middle read-only",
         n == 3 && ents[0].prot == RW && ents[1].prot == PROT_READ && ents[2].prot == RW &&
         ents[1].start == (uint)p + PGSIZE && ents[1].end == (uint)p + 2 * PGSIZE);
  report("writing the middle page kills the child", child_dies(1, p + PGSIZE + 5));
  report("writing the outer pages does not", !child_dies(1, p + 5) && !child_dies(1, p + 2 * PGSIZE + 5));
  report("all data kept", check(p, 0, 3));
  // PROT_WRITE alone implies read on i386.
  report("mprotect to PROT_WRITE alone", mprotect(p + PGSIZE, PGSIZE, PROT_WRITE) == 0);
  p[PGSIZE + 1] = 'w';
  report("... makes the page readable and writable", p[PGSIZE + 1] == 'w' && p[PGSIZE] == 'b');
  exit();
}
