// The assignment's own example (Part 4b), verbatim:
//   void *addr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, -1, 0);
// Neither MAP_SHARED nor MAP_PRIVATE is set, so this is the course's form:
// private anonymous read+write memory. A forked child's stores stay its own.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  void *addr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, -1, 0);
  report("the example call succeeds", addr != 0 && addr != MAP_FAILED);
  if (addr == 0 || addr == MAP_FAILED)
    exit();
  report("the address is page-aligned, in [MMAP_BASE, KERNBASE)",
         (uint)addr % PGSIZE == 0 && (uint)addr >= MMAP_BASE && (uint)addr < KERNBASE);

  struct pmap_entry *e = entry_at((uint)addr);
  report("one page, read+write, private, anonymous",
         e && e->end - e->start == PGSIZE && e->prot == (PROT_READ | PROT_WRITE) &&
         (e->flags & MAP_PRIVATE) && !(e->flags & MAP_SHARED) && !e->fd_backed);

  char *p = addr;
  int zero = 1;
  for (int i = 0; i < 4096; i++)
    if (p[i] != 0)
      zero = 0;
  report("it reads as zeros", zero);
  for (int i = 0; i < 4096; i++)
    p[i] = (char)(i * 7 + 1);
  int back = 1;
  for (int i = 0; i < 4096; i++)
    if (p[i] != (char)(i * 7 + 1))
      back = 0;
  report("every byte written reads back", back);

  int pid = fork_or_exit();
  if (pid == 0) {
    p[0] = 'c';
    exit();
  }
  wait();
  report("private: a forked child's store is not seen", p[0] == 1);

  report("munmap(addr, 4096) works", munmap(addr, 4096) == 0);
  report("the mapping is gone", entry_at((uint)addr) == 0 && pmap(0, ents, 146) == 0);
  report("touching it afterwards kills", child_dies(0, p));
  exit();
}
