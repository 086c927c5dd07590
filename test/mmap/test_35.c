// The shared page cache is one copy of the file's pages, so msync by any
// process that maps a page writes it back if it was stored to through any
// mapping: a child stores through its own MAP_SHARED mapping and stays
// alive; the parent, mapping the same file, calls msync; read() then sees
// the child's store (as on Linux, where msync flushes the dirty shared page).
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm35.dat"   // create_file() and file_byte() (mmtest.h) work on it
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  int fd = create_file('-', 2 * PGSIZE);

  char *m = mmap_or_exit("mmap", 0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  (void)*(volatile char *)m;              // page 0 present in the parent, clean

  int p2c[2], c2p[2];
  pipe_or_exit(p2c);
  pipe_or_exit(c2p);
  if (fork_with_pipes(p2c, c2p) == 0) {
    char c;
    int cfd = open(FILE, O_RDWR);
    char *cm = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, cfd, 0);
    cm[10] = 'C';                            // page also mapped by the parent
    cm[PGSIZE + 10] = 'D';                   // page the parent has not touched
    write(c2p[1], "1", 1);
    read(p2c[0], &c, 1);                     // stay alive, mapped, until told
    exit();
  }
  char c;
  read(c2p[0], &c, 1);
  report("the parent sees the child's store", m[10] == 'C');
  report("msync by the parent", msync(m, 2 * PGSIZE) == 0);
  report("read() sees the child's store to a page both had touched", file_byte(10) == 'C');
  report("read() sees the child's store to a page only the child had touched",
         file_byte(PGSIZE + 10) == 'D');
  report("the parent's mapping shows that store too", m[PGSIZE + 10] == 'D');
  write(p2c[1], "g", 1);
  wait();
  munmap(m, 2 * PGSIZE);
  close(fd);
  unlink(FILE);
  exit();
}
