// One view of a file: a store through a MAP_SHARED mapping is seen at once
// by read(), in this process and in another, with no msync; and write()
// is seen at once by every MAP_SHARED mapping, also one made in another
// process and also where write() extends the file under a mapped page.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm51.dat"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  int fd = create_file('.', PGSIZE + 100);   // one page and a bit
  char *m = mmap_or_exit("mmap", 0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);

  m[10] = 'S';
  report("a store is seen by read() at once", file_byte(10) == 'S');
  m[PGSIZE + 20] = 'T';
  report("... also in the file's last, partial page", file_byte(PGSIZE + 20) == 'T');

  lseek(fd, 30, SEEK_SET);
  write(fd, "wx", 2);
  report("write() is seen by the mapping at once", m[30] == 'w' && m[31] == 'x');
  report("... and the bytes around it are kept", m[29] == '.' && m[32] == '.' && m[10] == 'S');

  // Past the end of the file, inside the last mapped page: write() makes
  // the file longer, and the mapping shows the new bytes.
  lseek(fd, PGSIZE + 200, SEEK_SET);
  write(fd, "grow", 4);
  report("a write() that extends the file shows in the mapping",
         m[PGSIZE + 200] == 'g' && m[PGSIZE + 203] == 'w');

  int down[2], up[2];            // parent -> child, child -> parent
  pipe_or_exit(down);
  pipe_or_exit(up);
  int pid = fork_with_pipes(down, up);
  if (pid == 0) {
    // The child maps the file itself and talks through it.
    int cfd = open(FILE, O_RDWR);
    char *c = mmap(0, PGSIZE, RW, MAP_SHARED, cfd, 0);
    char go;
    read(down[0], &go, 1);
    c[40] = 'C';                 // the parent reads this with read()
    write(up[1], "s", 1);
    read(down[0], &go, 1);
    write(up[1], c[50] == 'P' ? "y" : "n", 1);   // the parent wrote it with write()
    exit();
  }
  char ack = 0;
  write(down[1], "g", 1);
  read(up[0], &ack, 1);
  report("another process's store is seen by read() at once", file_byte(40) == 'C');
  lseek(fd, 50, SEEK_SET);
  write(fd, "P", 1);
  write(down[1], "g", 1);
  read(up[0], &ack, 1);
  report("write() is seen at once by another process's mapping", ack == 'y');
  wait();
  munmap(m, 2 * PGSIZE);
  close(fd);
  unlink(FILE);
  exit();
}
