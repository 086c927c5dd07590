// A PROT_READ mapping reads as zeros; writing to it (to an untouched page
// or to a page already faulted in by a read) kills only the writer.
#include "types.h"
#include "user.h"
#include "mman.h"

#define PGSIZE 4096

void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

// Fork a child that reads (do_write 0) or writes (1) *a. Returns 1 if the
// child was killed before it could report surviving through a pipe.
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
  volatile char *p = mmap(0, 2 * PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    report("mmap PROT_READ", 0);
    exit();
  }
  int zero = 1;
  for (int i = 0; i < PGSIZE; i++)
    if (p[i] != 0)
      zero = 0;
  report("PROT_READ page reads as zeros", zero);
  report("a child reading the read-only page survives", !child_dies(0, p + 10));
  report("a child writing an already-read read-only page is killed", child_dies(1, p + 10));
  report("a child writing an untouched read-only page is killed", child_dies(1, p + PGSIZE + 5));
  report("the parent is alive and its page unchanged", p[10] == 0 && p[PGSIZE + 5] == 0);
  // PROT_EXEC alone implies read on i386, not write.
  volatile char *x = mmap(0, PGSIZE, PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("a PROT_EXEC page can be read", x != MAP_FAILED && !child_dies(0, x) && x[0] == 0);
  report("a child writing a PROT_EXEC page is killed", x != MAP_FAILED && child_dies(1, x));
  exit();
}
