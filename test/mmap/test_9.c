// munmap validation: unaligned address, length 0, ranges reaching the
// kernel -> -1 (nothing changed); a range with nothing mapped -> 0; the
// length is rounded up to whole pages (munmap(p, 1) removes a page).
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"

#define PGSIZE 4096
#define KERNBASE 0x80000000u
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

struct pmap_entry ents[146];

void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

int child_dies(int do_write, volatile char *a) {
  int fds[2];
  if (pipe(fds) < 0)
    return 0;
  int pid = fork();
  if (pid < 0)
    return 0;
  if (pid == 0) {
    close(fds[0]);
    if (do_write)
      *a = 'x';
    else
      (void)*a;
    write(fds[1], "s", 1);
    exit();
  }
  close(fds[1]);
  int w = wait();
  char c;
  int n = read(fds[0], &c, 1);
  close(fds[0]);
  return w == pid && n == 0;
}

int
main(int argc, char *argv[])
{
  char *p = mmap(0, 4 * PGSIZE, RW, ANON, -1, 0);
  if (p == MAP_FAILED) {
    report("mmap", 0);
    exit();
  }
  memset(p, 'm', 4 * PGSIZE);

  report("munmap at an unaligned address fails", munmap(p + 1, PGSIZE) == -1);
  report("munmap of length 0 fails", munmap(p, 0) == -1);
  report("munmap of a range reaching into the kernel fails",
         munmap((void *)(KERNBASE - PGSIZE), 2 * PGSIZE) == -1);
  report("munmap in kernel space fails", munmap((void *)KERNBASE, PGSIZE) == -1);
  report("munmap with a huge length fails", munmap(p, 0xfffff000) == -1);
  int intact = pmap(0, ents, 146) == 1 && ents[0].end - ents[0].start == 4 * PGSIZE;
  for (int i = 0; i < 4 * PGSIZE; i++)
    if (p[i] != 'm')
      intact = 0;
  report("the failed calls changed nothing", intact);

  report("munmap of an unmapped range returns 0", munmap((void *)0x70000000, 8 * PGSIZE) == 0);
  report("munmap of an unmapped range between the heap and the mmap area returns 0",
         munmap((void *)0x1000000, PGSIZE) == 0);
  // The program's text is not a region: munmap there finds nothing to do,
  // and the program keeps running.
  report("munmap over the program's text returns 0", munmap((void *)0, 2 * PGSIZE) == 0);
  report("... and changed nothing", pmap(0, ents, 146) == 1 && p[0] == 'm');

  report("munmap(p + 3 pages, 1) succeeds", munmap(p + 3 * PGSIZE, 1) == 0);
  report("it removed the whole page", pmap(0, ents, 146) == 1 &&
         ents[0].end - ents[0].start == 3 * PGSIZE);
  report("touching the removed page kills the child", child_dies(0, p + 3 * PGSIZE + 100));
  report("the rest is intact", p[0] == 'm' && p[3 * PGSIZE - 1] == 'm');

  report("munmap of the same range again returns 0", munmap(p + 3 * PGSIZE, PGSIZE) == 0);
  report("munmap of everything up to KERNBASE returns 0",
         munmap((void *)0x40000000, KERNBASE - 0x40000000) == 0);
  report("no regions remain", pmap(0, ents, 146) == 0);
  report("touching the old mapping kills the child", child_dies(1, p));
  exit();
}
