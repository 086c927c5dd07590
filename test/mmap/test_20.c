// Copy-on-write cost: fork of a process with 100 touched private pages costs
// no more than a fork before they were touched (at most a page table more);
// the child's writes copy exactly one page each; the parent's writes
// afterwards copy nothing (its pages are no longer shared); after the child
// exits the free-page count is back where it was.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

#define NPAGES 100

// Pages a fork costs while the child is alive (it waits on a pipe).
int fork_cost(void) {
  int p2c[2], c2p[2];
  char c;
  pipe_or_exit(p2c);
  pipe_or_exit(c2p);
  int f0 = freepages();
  if (fork_with_pipes(p2c, c2p) == 0) {
    write(c2p[1], "r", 1);
    read(p2c[0], &c, 1);
    exit();
  }
  read(c2p[0], &c, 1);
  int cost = f0 - freepages();
  write(p2c[1], "g", 1);
  wait();
  close(p2c[1]);
  close(c2p[0]);
  return cost;
}

int
main(int argc, char *argv[])
{
  char *p = mmap_or_exit("mmap", 0, NPAGES * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int untouched_cost = fork_cost();
  for (int i = 0; i < NPAGES; i++)
    p[i * PGSIZE] = 'p';
  fork_cost();        // leaves the parent's pages read-only, not shared

  int p2c[2], c2p[2];
  pipe_or_exit(p2c);
  pipe_or_exit(c2p);
  int f0 = freepages();
  int pid = fork_with_pipes(p2c, c2p);
  if (pid == 0) {
    char c;
    write(c2p[1], "r", 1);
    read(p2c[0], &c, 1);
    for (int i = 0; i < NPAGES; i++)
      p[i * PGSIZE + 1] = 'c';
    write(c2p[1], "w", 1);
    read(p2c[0], &c, 1);
    int ok = 1;
    for (int i = 0; i < NPAGES; i++)
      if (p[i * PGSIZE] != 'p' || p[i * PGSIZE + 1] != 'c' || p[i * PGSIZE + 2] != 0)
        ok = 0;
    write(c2p[1], ok ? "y" : "n", 1);
    exit();
  }
  char c;
  read(c2p[0], &c, 1);
  int f1 = freepages();
  if (f0 - f1 > untouched_cost + 1)
    printf(1, "fork took %d pages, %d before the pages were touched\n", f0 - f1, untouched_cost);
  report("fork did not copy the 100 private pages", f0 - f1 <= untouched_cost + 1);
  write(p2c[1], "g", 1);
  read(c2p[0], &c, 1);
  int f2 = freepages();
  if (f1 - f2 != NPAGES)
    printf(1, "child's writes took %d pages\n", f1 - f2);
  report("the child's writes copied exactly 100 pages", f1 - f2 == NPAGES);
  for (int i = 0; i < NPAGES; i++)
    p[i * PGSIZE + 2] = 'P';
  int f3 = freepages();
  if (f3 != f2)
    printf(1, "parent's writes took %d pages\n", f2 - f3);
  report("the parent's writes after that copied nothing", f3 == f2);
  write(p2c[1], "g", 1);
  int n = read(c2p[0], &c, 1);
  wait();
  report("the child saw its own writes, the data at fork, not the parent's",
         n == 1 && c == 'y');
  int ok = 1;
  for (int i = 0; i < NPAGES; i++)
    if (p[i * PGSIZE] != 'p' || p[i * PGSIZE + 1] != 0 || p[i * PGSIZE + 2] != 'P')
      ok = 0;
  report("the parent saw its own writes, not the child's", ok);
  int f4 = freepages();
  if (f4 != f0)
    printf(1, "after wait: %d pages missing\n", f0 - f4);
  report("after wait() the free-page count is back to the pre-fork value", f4 == f0);
  exit();
}
