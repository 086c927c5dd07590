// fsync(fd) writes back the stores made through MAP_SHARED mappings of a
// file, also another process's: afterwards they are on disk (munmap has
// nothing left to write, and the file read back once no mapping is left
// holds them). A second fsync writes nothing. Not a file: a pipe or the
// console is -1, a directory 0. Disk writes are counted by memstat.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm52.dat"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  int fd = create_file('.', 2 * PGSIZE);
  char *m = mmap_or_exit("mmap", 0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  m[0] = 'F';
  m[PGSIZE + 1] = 'G';
  uint w = disk_writes();
  report("fsync", fsync(fd) == 0);
  report("... wrote the dirty pages", disk_writes() > w);
  w = disk_writes();
  report("a second fsync", fsync(fd) == 0);
  report("... writes nothing", disk_writes() == w);
  w = disk_writes();
  report("munmap", munmap(m, 2 * PGSIZE) == 0);
  report("... has nothing left to write", disk_writes() == w);
  report("the stores are on disk", file_byte(0) == 'F' && file_byte(PGSIZE + 1) == 'G');

  // Another process's stores: it maps the file and stores, then waits.
  int down[2], up[2];
  pipe_or_exit(down);
  pipe_or_exit(up);
  int pid = fork_with_pipes(down, up);
  if (pid == 0) {
    char *c = mmap(0, PGSIZE, RW, MAP_SHARED, fd, 0);
    if (c != MAP_FAILED)
      c[7] = 'K';
    write(up[1], "s", 1);
    char go;
    read(down[0], &go, 1);      // keep the mapping until the parent is done
    exit();
  }
  char ack;
  read(up[0], &ack, 1);
  w = disk_writes();
  report("fsync of another process's stores", fsync(fd) == 0 && disk_writes() > w);
  write(down[1], "g", 1);
  wait();
  report("they are on disk", file_byte(7) == 'K');

  w = disk_writes();
  report("fsync of a file nobody maps writes nothing", fsync(fd) == 0 && disk_writes() == w);
  int dir = open(".", O_RDONLY);
  report("fsync of a directory", fsync(dir) == 0);
  report("fsync of a pipe fails", fsync(up[0]) == -1);
  report("fsync of the console fails", fsync(1) == -1);
  report("fsync of a closed descriptor fails", fsync(15) == -1 && fsync(-1) == -1);
  close(dir);
  close(fd);
  unlink(FILE);
  exit();
}
