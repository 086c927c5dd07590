// A failed mmap in the course form (neither MAP_SHARED nor MAP_PRIVATE)
// returns 0, which course code checks for; the same mistake in the Linux
// form still returns MAP_FAILED. No failure leaves anything behind.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

// Course-form and Linux-form results of one bad call.
void both(char *what, void *addr, int len, int prot, int extra, int fd, int off) {
  char *c = mmap(addr, len, prot, extra, fd, off);
  char *l = mmap(addr, len, prot, extra | MAP_PRIVATE, fd, off);
  if (c != 0 || l != MAP_FAILED)
    printf(1, "%s: course form gave 0x%x, Linux form 0x%x\n", what, c, l);
  report(what, c == 0 && l == MAP_FAILED);
}

int
main(int argc, char *argv[])
{
  int dir = open("/", O_RDONLY);
  char *w = mmap(0, PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);   // warm-up
  w[0] = 1;
  munmap(w, PGSIZE);
  struct memstat m0, m1;
  memstat(&m0);
  int f0 = freepages();

  both("length 0", 0, 0, 0, 0, -1, 0);
  both("negative length", 0, -PGSIZE, 0, MAP_ANONYMOUS, -1, 0);
  both("unknown prot bit", 0, PGSIZE, PROT_READ | 0x8, MAP_ANONYMOUS, -1, 0);
  both("unknown flag bit", 0, PGSIZE, 0, MAP_ANONYMOUS | 0x40, -1, 0);
  both("MAP_FIXED at an unaligned address", (void *)0x60000010, PGSIZE, RW,
       MAP_FIXED | MAP_ANONYMOUS, -1, 0);
  both("MAP_FIXED over the program's text", (void *)PGSIZE, PGSIZE, RW,
       MAP_FIXED | MAP_ANONYMOUS, -1, 0);
  both("MAP_FIXED in the kernel", (void *)KERNBASE, PGSIZE, RW, MAP_FIXED | MAP_ANONYMOUS,
       -1, 0);
  both("no room (0x7fffffff bytes)", 0, 0x7fffffff, RW, MAP_ANONYMOUS, -1, 0);
  both("negative offset", 0, PGSIZE, 0, 0, -1, -PGSIZE);
  both("fd not open", 0, PGSIZE, PROT_READ, 0, 15, 0);
  both("a directory", 0, PGSIZE, PROT_READ, 0, dir, 0);

  // The course's check `if (p <= 0)` sees the failure too.
  char *p = mmap(0, 0, 0, 0, -1, 0);
  report("the course's `(int)p <= 0` check catches a failure", (int)p <= 0);

  memstat(&m1);
  report("nothing mapped, no regions or pages left",
         pmap(0, ents, 146) == 0 && m1.regions == m0.regions &&
         m1.pagesets == m0.pagesets && freepages() == f0);
  exit();
}
