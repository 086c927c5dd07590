// Two processes that each open and mmap the same file MAP_SHARED (not an
// inherited mapping) see each other's stores at once, without msync; a
// third mapping made later sees them too; after both unmap, the file holds
// both processes' writes.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm28.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

char *map_file(void) {
  int fd = open(FILE, O_RDWR);
  char *m = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  close(fd);
  return m;
}

int
main(int argc, char *argv[])
{
  close(create_file('z', 2 * PGSIZE));

  int p2c[2], c2p[2];
  pipe_or_exit(p2c);
  pipe_or_exit(c2p);
  int pid = fork_with_pipes(p2c, c2p);
  if (pid == 0) {
    char c;
    char *m = map_file();
    if (m == MAP_FAILED)
      exit();
    memmove(m + 10, "child", 5);
    m[PGSIZE + 1] = 'C';                     // a page the parent has not touched
    write(c2p[1], "1", 1);
    read(p2c[0], &c, 1);
    c = same(m + 100, "parent", 6) && m[PGSIZE + 2] == 'P' ? 'y' : 'n';
    write(c2p[1], &c, 1);
    read(p2c[0], &c, 1);
    munmap(m, 2 * PGSIZE);
    exit();
  }
  char c;
  char *m = map_file();
  report("parent maps the file too", m != MAP_FAILED);
  if (m == MAP_FAILED)
    exit();
  m[PGSIZE + 2] = 'P';                     // touch before the child's write arrives
  read(c2p[0], &c, 1);
  report("parent sees the child's store without msync", same(m + 10, "child", 5));
  report("... also in a page it had already touched", m[PGSIZE + 1] == 'C');
  memmove(m + 100, "parent", 6);
  write(p2c[1], "2", 1);
  int n = read(c2p[0], &c, 1);
  report("child sees the parent's stores without msync", n == 1 && c == 'y');
  char *third = map_file();
  report("a mapping made later sees both",
         third != MAP_FAILED && same(third + 10, "child", 5) && same(third + 100, "parent", 6));
  write(p2c[1], "3", 1);
  wait();
  munmap(third, 2 * PGSIZE);
  munmap(m, 2 * PGSIZE);

  int fd = open(FILE, O_RDONLY);
  static char back[2 * PGSIZE];
  n = read(fd, back, sizeof(back));
  close(fd);
  report("after both unmapped, the file holds both processes' writes",
         n == 2 * PGSIZE && same(back + 10, "child", 5) && same(back + 100, "parent", 6) &&
         back[PGSIZE + 1] == 'C' && back[PGSIZE + 2] == 'P' && back[0] == 'z' &&
         back[2 * PGSIZE - 1] == 'z');

  // One process, two shared mappings at different offsets: the pages they
  // have in common are the same memory.
  fd = open(FILE, O_RDWR);
  char *x = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  char *y = mmap(0, PGSIZE, RW, MAP_SHARED, fd, PGSIZE);
  close(fd);
  int alias = x != MAP_FAILED && y != MAP_FAILED;
  if (alias) {
    x[PGSIZE + 50] = '#';
    y[51] = '%';
    alias = y[50] == '#' && x[PGSIZE + 51] == '%' && x[50] != '#';
  }
  report("two mappings at different offsets in one process share common pages", alias);
  unlink(FILE);
  exit();
}
