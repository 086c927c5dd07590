// The whole program of tests 10, 11 and 12: munmap of one page (page GONE,
// which the including test_N.c defines: 0, 2 or 3) of a 4-page anonymous
// mapping, private and then shared. Touching the removed page kills the
// process, the other pages keep their data and stay usable, and pmap shows
// the expected pieces (one region if GONE is an end page, two otherwise).
#ifndef GONE
#error "define GONE (the page to unmap, 0..3) before including munmap_one_page.h"
#endif

#include "mmtest.h"

// In a child, write 'A'+pg+16 into every remaining page; the parent then
// sees it only for a shared mapping.
void child_writes(char *p) {
  if (fork() == 0) {
    for (int pg = 0; pg < 4; pg++)
      if (pg != GONE)
        p[pg * PGSIZE + 7] = 'A' + pg + 16;
    exit();
  }
  wait();
}

void one(char *kind, int flags) {
  char *p = mmap(0, 4 * PGSIZE, RW, flags, -1, 0);
  if (p == MAP_FAILED) {
    report(kind, 0);
    return;
  }
  for (int pg = 0; pg < 4; pg++)
    memset(p + pg * PGSIZE, 'A' + pg, PGSIZE);
  int rc = munmap(p + GONE * PGSIZE, PGSIZE);
  int ok = rc == 0;
  for (int pg = 0; pg < 4; pg++)
    if (pg != GONE)
      for (int i = 0; i < PGSIZE; i++)
        if (p[pg * PGSIZE + i] != 'A' + pg)
          ok = 0;
  report_for(kind, "munmap succeeds, remaining pages keep their data", ok);

  int n = pmap(0, ents, 146);
  int pieces = 0, covered = 0;
  for (int i = 0; i < n && i < 146; i++) {
    pieces++;
    covered += (ents[i].end - ents[i].start) / PGSIZE;
    if (ents[i].start <= (uint)p + GONE * PGSIZE && (uint)p + GONE * PGSIZE < ents[i].end)
      covered = -100;
  }
  report_for(kind, "pmap shows the right pieces",
             pieces == (GONE == 1 || GONE == 2 ? 2 : 1) && covered == 3);

  report_for(kind, "reading the removed page kills the child",
             child_dies(0, p + GONE * PGSIZE + 42));
  report_for(kind, "writing the removed page kills the child", child_dies(1, p + GONE * PGSIZE));

  child_writes(p);
  int seen = 1;
  for (int pg = 0; pg < 4; pg++)
    if (pg != GONE) {
      char want = (flags & MAP_SHARED) ? 'A' + pg + 16 : 'A' + pg;
      if (p[pg * PGSIZE + 7] != want || p[pg * PGSIZE + 8] != 'A' + pg)
        seen = 0;
    }
  report_for(kind, (flags & MAP_SHARED) ?
             "a child's writes to the remaining pages land on the right pages" :
             "a child's writes to the remaining pages stay private", seen);
  munmap(p, 4 * PGSIZE);
}

int
main(int argc, char *argv[])
{
  one("private", MAP_PRIVATE | MAP_ANONYMOUS);
  one("shared", MAP_SHARED | MAP_ANONYMOUS);
  exit();
}
