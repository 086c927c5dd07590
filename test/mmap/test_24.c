// Many regions: 1200 kernel-placed two-page mappings, then the second page
// of each unmapped (1200 regions with gaps), every region touched and read
// back, a new mapping placed without overlap, everything unmapped: the
// free-page count returns exactly to its starting value (munmap gives back
// page tables no mapping uses any more). The tick counts are printed for
// a reader; the speed itself is measured in bench/, not asserted here.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define N 1200

uint a[N];

int
main(int argc, char *argv[])
{
  int f0 = freepages();
  int t0 = uptime();
  int mapped = 1;
  for (int i = 0; i < N; i++) {
    char *p = mmap(0, 2 * PGSIZE, RW, ANON, -1, 0);
    if (p == MAP_FAILED) {
      mapped = 0;
      break;
    }
    a[i] = (uint)p;
  }
  report("1200 two-page mappings", mapped);
  if (!mapped)
    exit();
  int t1 = uptime();
  int distinct = 1;
  for (int i = 0; i < N && distinct; i++)
    for (int j = i + 1; j < N; j++)
      if (overlaps(a[i], 2 * PGSIZE, a[j], 2 * PGSIZE)) {
        distinct = 0;
        break;
      }
  report("no two overlap", distinct);

  int t2 = uptime();
  int unmapped = 1;
  for (int i = 0; i < N; i++)
    if (munmap((char *)a[i] + PGSIZE, PGSIZE) != 0)
      unmapped = 0;
  report("munmap of every second page", unmapped && pmap(0, ents, 146) == N);

  int fmid = freepages();   // region records cost kernel memory; pages none yet

  for (int i = 0; i < N; i++)
    *(int *)a[i] = i;
  int back = 1;
  for (int i = 0; i < N; i++)
    if (*(int *)a[i] != i)
      back = 0;
  int f1 = freepages();
  // Touching costs a page per region plus one page table per 4 MiB span.
  int spans = 0;
  for (int i = 0; i < N; i++)
    if (i == 0 || (a[i] >> 22) != (a[i - 1] >> 22))
      spans++;
  report("every region touched and read back, one page each", back && fmid - f1 == N + spans);

  // fork copies all 1200 regions; the child sees every page's data.
  int fds[2];
  pipe_or_exit(fds);
  int pid = fork();
  if (pid == 0) {
    close(fds[0]);
    int ok = pmap(0, ents, 146) == N;
    for (int i = 0; i < N; i++)
      if (*(int *)a[i] != i)
        ok = 0;
    *(int *)a[0] = -1;                 // its own copy
    write(fds[1], ok ? "y" : "n", 1);
    exit();
  }
  close(fds[1]);
  char c = 0;
  read(fds[0], &c, 1);
  wait();
  close(fds[0]);
  report("a forked child has all 1200 regions and their data", c == 'y' && *(int *)a[0] == 0);
  report("after the child exits, the free-page count is as before the fork", freepages() == f1);

  char *extra = mmap(0, PGSIZE, RW, ANON, -1, 0);
  int free_range = extra != MAP_FAILED;
  for (int i = 0; i < N && free_range; i++)
    if ((uint)extra == a[i])
      free_range = 0;
  report("a new one-page mapping lands in a free range", free_range && extra[0] == 0);
  munmap(extra, PGSIZE);

  int gone = 1;
  for (int i = 0; i < N; i++)
    if (munmap((char *)a[i], PGSIZE) != 0)
      gone = 0;
  int t3 = uptime();
  report("munmap of all of them", gone && pmap(0, ents, 146) == 0);
  int f2 = freepages();
  if (f2 != f0)
    printf(1, "free pages %d before, %d after\n", f0, f2);
  report("free-page count back to the start", f2 == f0);
  printf(1, "ticks: mmap %d, munmap+touch+munmap %d\n", t1 - t0, t3 - t2);
  exit();
}
