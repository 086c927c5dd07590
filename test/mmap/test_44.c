// The course's Part 4 form mmap(addr, len, 0, 0, -1, 0): flags 0 and
// prot 0 mean private read+write memory (with a hint and without). With
// a Linux flag set, prot 0 stays PROT_NONE.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

// Map len bytes the course's way at addr; check it is private read+write
// and that stores over the whole range read back.
int writable(char *what, void *addr, int len) {
  char *p = mmap(addr, len, 0, 0, -1, 0);
  if (p == 0 || p == MAP_FAILED) {
    report(what, 0);
    return 0;
  }
  struct pmap_entry *e = entry_at((uint)p);
  int ok = e && e->prot == (PROT_READ | PROT_WRITE) && (e->flags & MAP_PRIVATE) &&
           e->end - e->start == PGROUNDUP(len) && (addr == 0 || p == addr);
  for (int i = 0; ok && i < len; i += 1000)
    p[i] = (char)(i / 1000 + 1);
  for (int i = 0; ok && i < len; i += 1000)
    if (p[i] != (char)(i / 1000 + 1))
      ok = 0;
  report(what, ok);
  munmap(p, len);
  return ok;
}

int
main(int argc, char *argv[])
{
  writable("mmap(0, 5000, 0, 0, -1, 0) is read+write", 0, 5000);
  writable("mmap(a, 3 pages, 0, 0, -1, 0) at a free hint is read+write",
           (void *)0x60000000, 3 * PGSIZE);

  char *n = mmap(0, PGSIZE, 0, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct pmap_entry *e = n == MAP_FAILED ? 0 : entry_at((uint)n);
  report("Linux form prot 0 is PROT_NONE", e && e->prot == PROT_NONE);
  report("... and a read kills", n != MAP_FAILED && child_dies(0, n));
  munmap(n, PGSIZE);
  report("nothing left mapped", pmap(0, ents, 146) == 0);
  exit();
}
