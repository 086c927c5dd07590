// MAP_SHARED_VALIDATE (0x03, both type bits) means MAP_SHARED, as in Linux:
// anonymous memory shared with a forked child, a file mapping whose stores
// reach the file; an unknown flag bit makes it fail with MAP_FAILED.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define FILE "mm46.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  volatile char *a = mmap(0, PGSIZE, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0);
  report("anonymous MAP_SHARED_VALIDATE succeeds", a != MAP_FAILED && a != 0);
  if (a == MAP_FAILED || a == 0)
    exit();
  struct pmap_entry *e = entry_at((uint)a);
  report("pmap shows it MAP_SHARED", e && (e->flags & MAP_SHARED) && !(e->flags & MAP_PRIVATE));
  int pid = fork_or_exit();
  if (pid == 0) {
    a[100] = 'k';
    exit();
  }
  wait();
  report("a forked child's store is seen by the parent", a[100] == 'k');

  int fd = create_file('f', PGSIZE);
  char *m = mmap(0, PGSIZE, RW, MAP_SHARED_VALIDATE, fd, 0);
  report("file MAP_SHARED_VALIDATE succeeds", m != MAP_FAILED);
  if (m != MAP_FAILED) {
    m[7] = 'S';
    report("its store reaches the file after msync",
           msync(m, PGSIZE, MS_SYNC) == 0 && file_byte(7) == 'S');
    munmap(m, PGSIZE);
  } else {
    report("its store reaches the file after msync", 0);
  }
  close(fd);
  unlink(FILE);

  report("an unknown flag bit fails with MAP_FAILED",
         mmap(0, PGSIZE, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x80, -1, 0) == MAP_FAILED);
  munmap((void *)a, PGSIZE);
  report("nothing left mapped", pmap(0, ents, 146) == 0);
  exit();
}
