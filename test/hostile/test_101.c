// Page reference counts cannot wrap: one process maps one page of a file
// MAP_SHARED again and again, touching each mapping, until mmap refuses
// (MMAP_MAX_REGIONS, mman.h); then 7 forked children share every mapping,
// so the one page has more than 65,536 references (a 16-bit count wraps).
// At the limit, munmap and mprotect that would split a region fail too.
#include "hostile_mm.h"

#define FILE "h101"
#define TRIES 70000      // past 65,536: without a limit the count wraps here
#define CHILDREN 7      // 1 + 8 * 8192 references: past a 16-bit count

int
main(int argc, char *argv[])
{
  baseline();
  if (make_file(FILE, PGSIZE, 'q') < 0) {
    report("make the file", 0);
    exit();
  }
  int fd = open(FILE, O_RDONLY);
  uint lo = 0xFFFFFFFF, hi = 0;
  int n = 0, reads_ok = 1;
  while (n < TRIES) {
    char *p = mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
      break;
    if (*(volatile char *)p != 'q')     // each touch takes a page reference
      reads_ok = 0;
    if ((uint)p < lo)
      lo = (uint)p;
    if ((uint)p > hi)
      hi = (uint)p;
    n++;
  }
  report("mmap refuses past MMAP_MAX_REGIONS", n == MMAP_MAX_REGIONS);
  report("every mapping reads the file", reads_ok);
  report("the mappings are contiguous", n > 0 && hi - lo == (uint)(n - 1) * PGSIZE);

  // Each child inherits n more references to the page and reads them all,
  // then waits for the others (so all the references exist at once).
  int fds[2], go[2];
  if (pipe(fds) < 0 || pipe(go) < 0) {
    report("pipe", 0);
    exit();
  }
  int forked = 0;
  for (int i = 0; i < CHILDREN; i++) {
    int pid = fork();
    if (pid < 0)
      break;
    forked++;
    if (pid == 0) {
      int bad = 0;
      for (uint a = lo; a <= hi; a += PGSIZE)
        if (*(volatile char *)a != 'q')
          bad++;
      // One more is refused in the child too (it has the parent's count).
      if (mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED)
        bad++;
      write(fds[1], bad == 0 ? "k" : "x", 1);
      // Closed at once: a child killed before writing (fault injection)
      // then ends the parent's reads instead of leaving it waiting.
      close(fds[1]);
      close(go[1]);
      char c;
      read(go[0], &c, 1);       // end of file once the parent closes go[1]
      exit();
    }
  }
  close(fds[1]);
  int children_ok = forked == CHILDREN;
  for (int i = 0; i < forked; i++) {
    char c = 0;
    if (read(fds[0], &c, 1) != 1 || c != 'k')
      children_ok = 0;
  }
  close(go[0]);
  close(go[1]);
  for (int i = 0; i < forked; i++)
    wait();
  close(fds[0]);
  report("7 children share every mapping", children_ok);

  // At the limit, calls that would add a region by splitting one fail too;
  // whole regions can always go.
  int at_limit_ok = munmap((void *)hi, PGSIZE) == 0;
  char *big = mmap(0, 3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  at_limit_ok = at_limit_ok && big != MAP_FAILED &&
                mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED;
  report("after one munmap, one more mmap", at_limit_ok);
  report("a splitting munmap is refused at the limit",
         at_limit_ok && munmap(big + PGSIZE, PGSIZE) == -1);
  report("a splitting mprotect is refused at the limit",
         at_limit_ok && mprotect(big + PGSIZE, PGSIZE, PROT_READ) == -1);
  report("munmap of them all",
         munmap(big, 3 * PGSIZE) == 0 && munmap((void *)lo, hi - lo + PGSIZE) == 0);
  close(fd);
  unlink(FILE);
  report("counters back at baseline", back_to_baseline());
  exit();
}
