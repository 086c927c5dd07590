// A PROT_READ mapping reads as zeros; writing to it (to an untouched page
// or to a page already faulted in by a read) kills only the writer.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  volatile char *p = mmap_or_exit("mmap PROT_READ", 0, 2 * PGSIZE, PROT_READ,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int zero = 1;
  for (int i = 0; i < PGSIZE; i++)
    if (p[i] != 0)
      zero = 0;
  report("PROT_READ page reads as zeros", zero);
  report("a child reading the read-only page survives", !child_dies(0, p + 10));
  report("a child writing an already-read read-only page is killed", child_dies(1, p + 10));
  report("a child writing an untouched read-only page is killed", child_dies(1, p + PGSIZE + 5));
  report("the parent is alive and its page unchanged", p[10] == 0 && p[PGSIZE + 5] == 0);
  // PROT_EXEC alone implies read on i386, not write.
  volatile char *x = mmap(0, PGSIZE, PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("a PROT_EXEC page can be read", x != MAP_FAILED && !child_dies(0, x) && x[0] == 0);
  report("a child writing a PROT_EXEC page is killed", x != MAP_FAILED && child_dies(1, x));
  exit();
}
