// MAP_SHARED stores reach the file: after msync while still mapped (read()
// on another descriptor sees them), after munmap, and after the process
// exits without unmapping. msync's argument checks.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm29.dat"   // create_file() and file_byte() (mmtest.h) work on it
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  int fd = create_file('.', 3 * PGSIZE);

  char *m = mmap_or_exit("mmap", 0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  m[5] = 'a';
  m[2 * PGSIZE + 5] = 'b';
  report("msync (course form, no flags)", msync(m, 3 * PGSIZE) == 0);
  report("after msync, read() sees the stores",
         file_byte(5) == 'a' && file_byte(2 * PGSIZE + 5) == 'b' && file_byte(6) == '.');
  m[6] = 'c';
  report("msync with MS_SYNC", msync(m, PGSIZE, MS_SYNC) == 0 && file_byte(6) == 'c');
  m[7] = 'd';
  report("msync with MS_ASYNC", msync(m, PGSIZE, MS_ASYNC) == 0 && file_byte(7) == 'd');

  // Argument checks.
  report("msync at an unaligned address fails", msync(m + 1, PGSIZE) == -1);
  report("msync of length 0 fails", msync(m, 0) == -1);
  report("msync with MS_SYNC|MS_ASYNC fails", msync(m, PGSIZE, MS_SYNC | MS_ASYNC) == -1);
  report("msync with an unknown flag fails", msync(m, PGSIZE, 0x100) == -1);
  report("msync over unmapped memory fails", msync(m + 3 * PGSIZE, PGSIZE) == -1);
  char *anon = mmap(0, PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("msync of an anonymous mapping succeeds", msync(anon, PGSIZE) == 0);

  m[PGSIZE + 9] = 'e';
  report("munmap", munmap(m, 3 * PGSIZE) == 0);
  report("after munmap, read() sees the store", file_byte(PGSIZE + 9) == 'e');

  // read() into a shared file mapping dirties the page like a store.
  m = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  int pfd[2];
  pipe_or_exit(pfd);
  write(pfd[1], "piped", 5);
  report("read() into a shared file mapping",
         m != MAP_FAILED && read(pfd[0], m + PGSIZE + 20, 5) == 5);
  report("... reaches the file after msync",
         msync(m, 3 * PGSIZE) == 0 && file_byte(PGSIZE + 20) == 'p' && file_byte(PGSIZE + 24) == 'd');
  close(pfd[0]);
  close(pfd[1]);
  // MAP_FIXED over a dirty shared file mapping writes it back first.
  m[2 * PGSIZE + 50] = 'f';
  report("MAP_FIXED over a dirty shared file page",
         mmap(m + 2 * PGSIZE, PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
         m + 2 * PGSIZE);
  report("... wrote the page back", file_byte(2 * PGSIZE + 50) == 'f');
  munmap(m, 3 * PGSIZE);

  // A child maps, stores and exits without munmap or msync.
  if (fork() == 0) {
    char *c = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
    c[2 * PGSIZE + 100] = 'x';
    c[200] = 'y';
    exit();
  }
  wait();
  report("after the child's exit, read() sees its stores",
         file_byte(2 * PGSIZE + 100) == 'x' && file_byte(200) == 'y');
  close(fd);
  unlink(FILE);
  exit();
}
