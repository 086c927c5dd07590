// Course form with prot 0: mmap(a, 10, 0, MAP_ANONYMOUS, -1, 0) is
// read-only memory that reads as zeros (pages are always readable); a
// store kills the storing process only. A child reports through a shared
// page (Linux form) how far it got, so the kill is seen, not assumed.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  char *p = mmap((void *)0x60000000, 10, 0, MAP_ANONYMOUS, -1, 0);
  report("mmap(a, 10, 0, MAP_ANONYMOUS, -1, 0) succeeds", p != 0 && p != MAP_FAILED);
  if (p == 0 || p == MAP_FAILED)
    exit();
  struct pmap_entry *e = entry_at((uint)p);
  report("it is read-only (PROT_READ), private anonymous",
         e && e->prot == PROT_READ && (e->flags & MAP_PRIVATE) && !e->fd_backed);
  int zero = 1;
  for (int i = 0; i < PGSIZE; i++)
    if (p[i] != 0)
      zero = 0;
  report("the page reads as zeros", zero);

  volatile int *step = mmap(0, PGSIZE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (step == MAP_FAILED) {
    report("shared page", 0);
    exit();
  }
  int pid = fork_or_exit();
  if (pid == 0) {
    *step = 1;             // about to store
    *(volatile char *)p = 'x';
    *step = 2;             // the store went through: wrong
    exit();
  }
  report("wait returns the child", wait() == pid);
  report("the child was killed at its store", *step == 1);
  report("the parent lives on, the page still zero", p[0] == 0);
  report("munmap", munmap(p, 10) == 0 && munmap((void *)step, PGSIZE) == 0);
  exit();
}
