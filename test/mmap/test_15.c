// mprotect validation: unaligned address, length 0, unknown prot bits, a
// range with a hole, a wholly unmapped range, kernel addresses -> -1, and
// a failed call changes no protection.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define FIX (MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS)

int
main(int argc, char *argv[])
{
  char *a = (char *)0x50000000;
  // Pages 0-1 and 3 mapped, page 2 a hole.
  int ok = mmap(a, 2 * PGSIZE, RW, FIX, -1, 0) == a &&
           mmap(a + 3 * PGSIZE, PGSIZE, RW, FIX, -1, 0) == a + 3 * PGSIZE;
  if (!ok) {
    report("mmap", 0);
    exit();
  }
  a[0] = 1;
  report("unaligned address fails", mprotect(a + 8, PGSIZE, PROT_READ) == -1);
  report("length 0 fails", mprotect(a, 0, PROT_READ) == -1);
  report("unknown prot bit fails", mprotect(a, PGSIZE, PROT_READ | 0x10) == -1);
  report("a range over a hole fails", mprotect(a, 4 * PGSIZE, PROT_READ) == -1);
  report("a range starting in a hole fails", mprotect(a + 2 * PGSIZE, 2 * PGSIZE, PROT_READ) == -1);
  report("a wholly unmapped range fails", mprotect((void *)0x60000000, PGSIZE, PROT_READ) == -1);
  report("a kernel range fails", mprotect((void *)KERNBASE, PGSIZE, PROT_READ) == -1);
  report("a range crossing KERNBASE fails",
         mprotect((void *)(KERNBASE - PGSIZE), 2 * PGSIZE, PROT_READ) == -1);
  int n = pmap(0, ents, 146);
  report("nothing changed: two regions, both read+write",
         n == 2 && ents[0].prot == RW && ents[1].prot == RW);
  a[1] = 2;
  a[PGSIZE] = 3;
  a[3 * PGSIZE] = 4;
  report("the pages are still writable", a[1] == 2 && a[PGSIZE] == 3 && a[3 * PGSIZE] == 4);
  report("the length is rounded up: mprotect(a, 1) covers page 0",
         mprotect(a, 1, PROT_READ) == 0 && pmap(0, ents, 146) == 3 &&
         ents[0].end == (uint)a + PGSIZE && ents[0].prot == PROT_READ);
  exit();
}
