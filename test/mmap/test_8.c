// mmap argument errors in the Linux form return MAP_FAILED and change
// nothing: bad length, unknown prot or flag bits (also with
// MAP_SHARED_VALIDATE), unaligned or negative offset, no room above
// MMAP_BASE. Nothing leaks. (The course form's failures: test 45.)
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int fails(void *addr, int len, int prot, int flags, int fd, int off) {
  return mmap(addr, len, prot, flags, fd, off) == MAP_FAILED;
}

int
main(int argc, char *argv[])
{
  struct memstat m0, m1;
  memstat(&m0);
  int free0 = freepages();

  report("length 0 fails", fails(0, 0, RW, ANON, -1, 0));
  report("negative length fails", fails(0, -PGSIZE, RW, ANON, -1, 0));
  report("unknown prot bit 0x8 fails", fails(0, PGSIZE, RW | 0x8, ANON, -1, 0));
  report("unknown prot bit 0x100 fails", fails(0, PGSIZE, PROT_READ | 0x100, ANON, -1, 0));
  report("MAP_SHARED_VALIDATE with unknown flag bit 0x40 fails",
         fails(0, PGSIZE, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x40, -1, 0));
  report("unknown flag bit 0x40 fails", fails(0, PGSIZE, RW, ANON | 0x40, -1, 0));
  report("unknown flag bit 0x80000000 fails", fails(0, PGSIZE, RW, ANON | 0x80000000, -1, 0));
  report("unaligned offset fails (anonymous, Linux form)", fails(0, PGSIZE, RW, ANON, -1, 100));
  report("negative offset fails", fails(0, PGSIZE, RW, ANON, -1, -PGSIZE));
  report("length larger than the mmap area fails", fails(0, 0x40001000, RW, ANON, -1, 0));
  report("length 0x7fffffff fails", fails(0, 0x7fffffff, RW, ANON, -1, 0));

  // Fill the whole area the kernel places mappings in: [0x40000000, KERNBASE).
  char *big = mmap(0, 0x40000000, RW, ANON, -1, 0);
  report("a 1 GiB mapping fits (lazily)", big == (char *)0x40000000);
  report("with the area full, a kernel-placed page fails (no room)",
         fails(0, PGSIZE, RW, ANON, -1, 0));
  report("the full area's first and last pages work",
         big != MAP_FAILED && (big[0] = 1, big[0x40000000 - 1] = 2, big[0] == 1) &&
         big[0x40000000 - 1] == 2);
  report("munmap of the 1 GiB mapping", big != MAP_FAILED && munmap(big, 0x40000000) == 0);
  char *small = mmap(0, PGSIZE, RW, ANON, -1, 0);
  report("after munmap, a page maps again", small != MAP_FAILED && munmap(small, PGSIZE) == 0);

  memstat(&m1);
  report("no regions left behind", pmap(0, ents, 146) == 0 && m1.regions == m0.regions &&
         m1.pagesets == m0.pagesets);
  int free1 = freepages();
  // The 1 GiB mapping's touched pages needed two page-table pages, which
  // stay with the process until it exits.
  report("no pages leaked (beyond two page tables)", free1 == free0 - 2 || free1 == free0);
  exit();
}
