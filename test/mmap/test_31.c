// msync writes only dirty pages: a page that was read through the mapping
// but not stored to is not written back, so a write() made to that part of
// the file in the meantime survives msync; after msync the pages are clean
// again (a second msync writes nothing); a sub-range msync writes only its
// own pages; munmap writes the rest.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm31.dat"   // file_byte() (mmtest.h) works on it
#include "mmtest.h"

// Write s at off through a descriptor (not through the mapping).
void poke(int fd, int off, char *s) {
  lseek(fd, off, SEEK_SET);
  write(fd, s, strlen(s));
}

int
main(int argc, char *argv[])
{
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  static char block[PGSIZE];
  for (int pg = 0; pg < 4; pg++) {
    memset(block, 'a' + pg, PGSIZE);
    write(fd, block, PGSIZE);
  }
  char *m = mmap_or_exit("mmap", 0, 4 * PGSIZE, RW, MAP_SHARED, fd, 0);
  int clean = 1;
  for (int pg = 0; pg < 4; pg++)
    if (m[pg * PGSIZE + 100] != 'a' + pg)   // all four pages present, clean
      clean = 0;
  report("the mapping reads the file", clean);
  m[0] = 'X';                     // page 0 dirty
  m[2 * PGSIZE] = 'Y';            // page 2 dirty
  poke(fd, PGSIZE, "WWWW");       // the file changes under clean pages 1 and 3
  poke(fd, 3 * PGSIZE + 10, "VVVV");
  report("msync", msync(m, 4 * PGSIZE) == 0);
  report("dirty pages 0 and 2 were written", file_byte(0) == 'X' && file_byte(2 * PGSIZE) == 'Y');
  report("clean page 1 was not written (write() data kept)",
         file_byte(PGSIZE) == 'W' && file_byte(PGSIZE + 3) == 'W' && file_byte(PGSIZE + 4) == 'b');
  report("clean page 3 was not written (write() data kept)", file_byte(3 * PGSIZE + 10) == 'V');

  poke(fd, 1, "ZZ");
  report("a second msync with no new stores", msync(m, 4 * PGSIZE) == 0);
  report("... writes nothing (page 0 is clean again)", file_byte(1) == 'Z' && file_byte(2) == 'Z');
  m[5] = 'Q';
  report("after a new store, msync writes page 0 again",
         msync(m, 4 * PGSIZE) == 0 && file_byte(5) == 'Q' && file_byte(1) == 'a');

  m[3 * PGSIZE] = 'R';
  m[6] = 'S';
  report("msync of page 3 only", msync(m + 3 * PGSIZE, PGSIZE) == 0);
  report("... wrote page 3 and not page 0", file_byte(3 * PGSIZE) == 'R' && file_byte(6) == 'a');
  m[2 * PGSIZE + 7] = 'M';
  report("mprotect of a dirty page to read-only, then to none",
         mprotect(m + 2 * PGSIZE, PGSIZE, PROT_READ) == 0 && msync(m + PGSIZE, PGSIZE) == 0 &&
         mprotect(m + 2 * PGSIZE, PGSIZE, PROT_NONE) == 0);
  report("munmap writes the remaining dirty pages (also the PROT_NONE one)",
         munmap(m, 4 * PGSIZE) == 0 && file_byte(6) == 'S' && file_byte(2 * PGSIZE + 7) == 'M');
  close(fd);
  unlink(FILE);
  exit();
}
