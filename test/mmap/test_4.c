// PROT_NONE really denies access: reading or writing kills the process
// (only that one). With a flag bit set, prot 0 means PROT_NONE.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  volatile char *p = mmap_or_exit("mmap PROT_NONE", 0, 2 * PGSIZE, PROT_NONE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("reading a PROT_NONE page kills the child", child_dies(0, p));
  report("writing a PROT_NONE page kills the child", child_dies(1, p + PGSIZE + 100));
  // The same again in the parent's own use: first make a page present by
  // making it readable, then drop all access again.
  int ok = mprotect((void *)p, PGSIZE, PROT_READ) == 0 && p[0] == 0 &&
           mprotect((void *)p, PGSIZE, PROT_NONE) == 0;
  report("reading a present page made PROT_NONE kills the child", ok && child_dies(0, p));

  volatile char *q = mmap(0, PGSIZE, 0, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  report("with flags set, prot 0 is PROT_NONE", q != MAP_FAILED && child_dies(0, q));
  report("the parent is alive", 1);
  exit();
}
