// Partial munmap of the first page of a 4-page mapping: touching the removed
// page kills the process, the other pages keep their data and stay usable,
// and pmap shows the expected pieces. Private and shared mappings.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"

#define PGSIZE 4096
#define RW (PROT_READ | PROT_WRITE)
#define GONE 0

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
  char what[100];
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
  strcpy(what, kind);
  strcpy(what + strlen(what), ": munmap succeeds, remaining pages keep their data");
  report(what, ok);

  int n = pmap(0, ents, 146);
  int pieces = 0, covered = 0;
  for (int i = 0; i < n && i < 146; i++) {
    pieces++;
    covered += (ents[i].end - ents[i].start) / PGSIZE;
    if (ents[i].start <= (uint)p + GONE * PGSIZE && (uint)p + GONE * PGSIZE < ents[i].end)
      covered = -100;
  }
  strcpy(what, kind);
  strcpy(what + strlen(what), ": pmap shows the right pieces");
  report(what, pieces == (GONE == 1 || GONE == 2 ? 2 : 1) && covered == 3);

  strcpy(what, kind);
  strcpy(what + strlen(what), ": reading the removed page kills the child");
  report(what, child_dies(0, p + GONE * PGSIZE + 42));
  strcpy(what, kind);
  strcpy(what + strlen(what), ": writing the removed page kills the child");
  report(what, child_dies(1, p + GONE * PGSIZE));

  child_writes(p);
  int seen = 1;
  for (int pg = 0; pg < 4; pg++)
    if (pg != GONE) {
      char want = (flags & MAP_SHARED) ? 'A' + pg + 16 : 'A' + pg;
      if (p[pg * PGSIZE + 7] != want || p[pg * PGSIZE + 8] != 'A' + pg)
        seen = 0;
    }
  strcpy(what, kind);
  strcpy(what + strlen(what), (flags & MAP_SHARED) ?
         ": a child's writes to the remaining pages land on the right pages" :
         ": a child's writes to the remaining pages stay private");
  report(what, seen);
  munmap(p, 4 * PGSIZE);
}

int
main(int argc, char *argv[])
{
  one("private", MAP_PRIVATE | MAP_ANONYMOUS);
  one("shared", MAP_SHARED | MAP_ANONYMOUS);
  exit();
}
