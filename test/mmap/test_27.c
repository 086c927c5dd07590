// A file mapping keeps its own reference to the file: after close() and
// unlink() it still reads the data (first touch after both), takes writes,
// msync and munmap succeed, a forked child can use it, and afterwards no
// open file is left behind.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define FILE "mm27.dat"
#include "mmtest.h"

int holds(char *m, char first, char second) {
  for (int i = 0; i < 2 * PGSIZE; i++)
    if (m[i] != (i < PGSIZE ? first : second))
      return 0;
  return 1;
}

int
main(int argc, char *argv[])
{
  unlink(FILE);
  struct memstat m0, m1;
  memstat(&m0);
  int fd = open(FILE, O_CREATE | O_RDWR);
  static char block[PGSIZE];
  memset(block, '1', PGSIZE);
  write(fd, block, PGSIZE);
  memset(block, '2', PGSIZE);
  write(fd, block, PGSIZE);

  char *s = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  char *p = mmap(0, 2 * PGSIZE, RW, MAP_PRIVATE, fd, 0);
  report("shared and private mappings made", s != MAP_FAILED && p != MAP_FAILED);
  if (s == MAP_FAILED || p == MAP_FAILED)
    exit();
  report("close", close(fd) == 0);
  report("unlink", unlink(FILE) == 0);
  report("the file is gone from the directory", open(FILE, O_RDONLY) < 0);
  report("the shared mapping still reads the data", holds(s, '1', '2'));
  report("the private mapping still reads the data", holds(p, '1', '2'));
  s[0] = 'S';
  p[0] = 'P';
  report("both take writes", s[0] == 'S' && p[0] == 'P' && s[1] == '1');
  report("msync of the shared mapping succeeds", msync(s, 2 * PGSIZE) == 0);
  if (fork() == 0) {
    s[PGSIZE] = 'C';
    exit();
  }
  wait();
  report("a child's write through the inherited shared mapping is seen", s[PGSIZE] == 'C');
  report("munmap of both", munmap(s, 2 * PGSIZE) == 0 && munmap(p, 2 * PGSIZE) == 0);
  memstat(&m1);
  report("no open file left behind", m1.open_files == m0.open_files);
  report("no page set left behind", m1.pagesets == m0.pagesets && m1.regions == m0.regions);
  exit();
}
