// A shared file mapping is shared with a forked child in every page, also
// pages first touched after the fork, by either side: for a Linux-form
// MAP_SHARED mapping and for the course's form (flags 0, which maps a
// file shared), the latter also at the course's unaligned offset 16.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm36.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

// m maps 3 pages of the file; each call stores its own values (from base).
// Page 0 is touched before the fork; the child stores to pages 0 and 1 (1
// first touched by it), the parent then stores to page 2 (first touched by
// it) and the child checks it.
void one(char *kind, char *m, char base) {
  int p2c[2], c2p[2];
  pipe_or_exit(p2c);
  pipe_or_exit(c2p);
  m[0] = base;
  int pid = fork_with_pipes(p2c, c2p);
  if (pid == 0) {
    char c;
    m[1] = base + 1;
    m[PGSIZE + 1] = base + 2;
    write(c2p[1], "1", 1);
    read(p2c[0], &c, 1);
    c = m[2 * PGSIZE + 1] == base + 3 ? 'y' : 'n';
    write(c2p[1], &c, 1);
    exit();
  }
  char c;
  read(c2p[0], &c, 1);
  report_for(kind, "parent sees the child's store to a page touched before fork", m[1] == base + 1);
  report_for(kind, "parent sees a page the child touched first", m[PGSIZE + 1] == base + 2);
  m[2 * PGSIZE + 1] = base + 3;
  write(p2c[1], "2", 1);
  int n = read(c2p[0], &c, 1);
  wait();
  report_for(kind, "child sees a page the parent touched first", n == 1 && c == 'y');
  close(p2c[1]);
  close(c2p[0]);
}

int
main(int argc, char *argv[])
{
  int fd = create_file('.', 4 * PGSIZE);

  char *m = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  if (m != MAP_FAILED)
    one("MAP_SHARED", m, 'a');
  else
    report("MAP_SHARED mmap", 0);
  char *c = mmap(0, 3 * PGSIZE, 0, 0, fd, 0);
  if (c != MAP_FAILED)
    one("course form", c, 'k');
  else
    report("course form mmap", 0);
  char *o = mmap(0, 3 * PGSIZE, 0, 0, fd, 16);
  if (o != MAP_FAILED)
    one("course form at offset 16", o, 'u');
  else
    report("course form mmap at offset 16", 0);
  close(fd);
  unlink(FILE);
  exit();
}
