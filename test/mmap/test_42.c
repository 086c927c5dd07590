// Course form with prot honoured: mmap(a, 10, PROT_WRITE, MAP_ANONYMOUS,
// -1, 0) is read+write (course kernels map every page readable), at the
// hint a when it is free; PROT_READ alone stays read-only.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define HINT ((char *)0x60000000)

int
main(int argc, char *argv[])
{
  char *p = mmap(HINT, 10, PROT_WRITE, MAP_ANONYMOUS, -1, 0);
  report("mmap(a, 10, PROT_WRITE, MAP_ANONYMOUS, -1, 0) succeeds", p != 0 && p != MAP_FAILED);
  if (p == 0 || p == MAP_FAILED)
    exit();
  report("it is placed at the free hint", p == HINT);
  struct pmap_entry *e = entry_at((uint)p);
  report("one page, read+write, private anonymous",
         e && e->end - e->start == PGSIZE && e->prot == (PROT_READ | PROT_WRITE) &&
         (e->flags & MAP_PRIVATE) && !e->fd_backed);
  report("it reads as zero", p[0] == 0 && p[PGSIZE - 1] == 0);
  p[0] = 'w';
  p[9] = 'x';
  p[PGSIZE - 1] = 'y';
  report("stores read back (the whole rounded page)",
         p[0] == 'w' && p[9] == 'x' && p[PGSIZE - 1] == 'y');
  report("a forked child's store succeeds too", !child_dies(1, p));

  char *r = mmap(0, PGSIZE, PROT_READ, MAP_ANONYMOUS, -1, 0);
  e = r == 0 ? 0 : entry_at((uint)r);
  report("PROT_READ|MAP_ANONYMOUS is read-only", e && e->prot == PROT_READ);
  report("... reads work", r != 0 && !child_dies(0, r));
  report("... and a store kills", r != 0 && child_dies(1, r));

  report("munmap both", munmap(p, 10) == 0 && r != 0 && munmap(r, PGSIZE) == 0 &&
                        pmap(0, ents, 146) == 0);
  exit();
}
