// MAP_PRIVATE file mappings: writable even on a read-only descriptor, and
// their stores never reach the file (not by msync, munmap, exit, or a
// child's stores); nor do they show in a shared mapping of the same file.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm30.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

int file_untouched(void) {
  static char buf[2 * PGSIZE + 1];
  int fd = open(FILE, O_RDONLY);
  int n = read(fd, buf, sizeof(buf));
  close(fd);
  if (n != 2 * PGSIZE)
    return 0;
  for (int i = 0; i < n; i++)
    if (buf[i] != 'o')
      return 0;
  return 1;
}

int
main(int argc, char *argv[])
{
  close(create_file('o', 2 * PGSIZE));

  int ro = open(FILE, O_RDONLY);
  char *p = mmap(0, 2 * PGSIZE, RW, MAP_PRIVATE, ro, 0);
  report("MAP_PRIVATE|PROT_WRITE on a read-only descriptor", p != MAP_FAILED);
  if (p == MAP_FAILED)
    exit();
  memset(p, 'w', PGSIZE);
  report("the private stores are visible in the mapping", p[0] == 'w' && p[PGSIZE] == 'o');
  report("msync of the private mapping returns 0", msync(p, 2 * PGSIZE) == 0);
  report("... and the file is untouched", file_untouched());

  int rw = open(FILE, O_RDWR);
  char *s = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, rw, 0);
  report("a shared mapping of the same file does not see the private stores",
         s != MAP_FAILED && s[0] == 'o' && s[PGSIZE - 1] == 'o');
  p[PGSIZE + 3] = 'w';
  report("... nor private stores made after it was mapped", s[PGSIZE + 3] == 'o');

  if (fork() == 0) {
    memset(p + PGSIZE, 'k', PGSIZE);
    msync(p, 2 * PGSIZE);
    exit();
  }
  wait();
  report("a child's private stores are not seen by the parent",
         p[PGSIZE] == 'o' && p[PGSIZE + 3] == 'w');
  report("munmap of the private mapping", munmap(p, 2 * PGSIZE) == 0);
  munmap(s, 2 * PGSIZE);
  report("after munmap and the child's exit, the file is untouched", file_untouched());

  if (fork() == 0) {
    char *c = mmap(0, 2 * PGSIZE, RW, MAP_PRIVATE, rw, 0);
    memset(c, 'e', 2 * PGSIZE);
    exit();
  }
  wait();
  report("a process exiting with private stores leaves the file untouched", file_untouched());
  close(ro);
  close(rw);
  unlink(FILE);
  exit();
}
