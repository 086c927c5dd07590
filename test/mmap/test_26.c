// Past the end of a file: the rest of the last page reads as zeros and
// what is stored there never reaches the file (its size stays 100); a
// touch of a page wholly past the end kills the process, for shared and
// private mappings, and for a mapping whose offset is past the end.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm26.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

int tail_zero(char *m) {
  for (int i = 0; i < PGSIZE; i++)
    if (m[i] != (i < 100 ? 'd' : 0))
      return 0;
  return 1;
}

int
main(int argc, char *argv[])
{
  int fd = create_file('d', 100);

  char *m = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  report("shared mapping of 2 pages over a 100-byte file", m != MAP_FAILED);
  if (m == MAP_FAILED)
    exit();
  report("bytes 100..4095 read as zeros", tail_zero(m));
  memset(m + 100, 'T', PGSIZE - 100);
  m[0] = 'H';
  report("msync", msync(m, 2 * PGSIZE) == 0);
  report("munmap", munmap(m, 2 * PGSIZE) == 0);
  struct stat st;
  fstat(fd, &st);
  report("the file is still 100 bytes", st.size == 100);
  char back[200];
  lseek(fd, 0, SEEK_SET);
  int n = read(fd, back, 200);
  int same = n == 100 && back[0] == 'H';
  for (int i = 1; i < n; i++)
    if (back[i] != 'd')
      same = 0;
  report("the file holds the in-file store and nothing of the tail", same);

  m = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  report("a new mapping's tail reads as zeros again",
         m != MAP_FAILED && m[0] == 'H' && m[99] == 'd' && m[100] == 0 && m[PGSIZE - 1] == 0);
  m[0] = 'd';
  msync(m, PGSIZE);
  report("shared: reading the page wholly past EOF kills the child", child_dies(0, m + PGSIZE));
  report("shared: writing the page wholly past EOF kills the child", child_dies(1, m + PGSIZE + 8));

  char *p = mmap(0, 2 * PGSIZE, RW, MAP_PRIVATE, fd, 0);
  report("private: tail reads as zeros", p != MAP_FAILED && tail_zero(p));
  report("private: reading the page wholly past EOF kills the child", child_dies(0, p + PGSIZE));

  char *q = mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, PGSIZE);
  report("a mapping at an offset past EOF can be made", q != MAP_FAILED);
  report("... but touching it kills the child", q != MAP_FAILED && child_dies(0, q));
  report("the parent is alive and the file still 100 bytes",
         fstat(fd, &st) == 0 && st.size == 100);
  close(fd);
  unlink(FILE);
  exit();
}
