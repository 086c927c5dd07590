// msync writes only dirty pages: a page that was read through the mapping
// but not stored to costs no disk writes, and a second msync with no new
// stores writes nothing; a sub-range msync writes only its own pages;
// munmap writes the rest. write() data lands in the shared cache too, so
// a later write-back of a dirty page carries it instead of undoing it.
// The page cache makes read() see stores at once, so what reached the
// disk is measured with memstat's count of disk writes, and read back
// only after the last mapping is gone.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

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
  report("the mapping sees the write()s at once", m[PGSIZE] == 'W' && m[3 * PGSIZE + 13] == 'V');
  uint w = disk_writes();
  report("msync", msync(m, 4 * PGSIZE) == 0);
  uint two = disk_writes() - w;   // pages 0 and 2

  w = disk_writes();
  report("a second msync with no new stores", msync(m, 4 * PGSIZE) == 0);
  report("... writes nothing (the pages are clean again)", disk_writes() == w);

  poke(fd, 1, "ZZ");
  m[5] = 'Q';
  w = disk_writes();
  report("after a new store, msync", msync(m, 4 * PGSIZE) == 0);
  uint one = disk_writes() - w;   // page 0 alone
  report("... writes page 0 alone: half of what two dirty pages cost",
         one > 0 && two >= 2 * one - 4 && two <= 2 * one + 4);

  m[3 * PGSIZE] = 'R';
  m[6] = 'S';
  w = disk_writes();
  report("msync of page 3 only", msync(m + 3 * PGSIZE, PGSIZE) == 0);
  uint sub = disk_writes() - w;
  report("... wrote one page, not page 0 too", sub + 2 >= one && sub <= one + 2);
  m[2 * PGSIZE + 7] = 'M';
  report("mprotect of a dirty page to read-only, then to none",
         mprotect(m + 2 * PGSIZE, PGSIZE, PROT_READ) == 0 && msync(m + PGSIZE, PGSIZE) == 0 &&
         mprotect(m + 2 * PGSIZE, PGSIZE, PROT_NONE) == 0);
  report("munmap", munmap(m, 4 * PGSIZE) == 0);
  // The cache is gone with the last mapping: read() reads the disk now.
  report("the disk has every store (munmap wrote the PROT_NONE page and page 0)",
         file_byte(0) == 'X' && file_byte(2 * PGSIZE) == 'Y' && file_byte(5) == 'Q' &&
         file_byte(6) == 'S' && file_byte(3 * PGSIZE) == 'R' && file_byte(2 * PGSIZE + 7) == 'M');
  report("... and every write() (no write-back undid one)",
         file_byte(1) == 'Z' && file_byte(2) == 'Z' && file_byte(PGSIZE) == 'W' &&
         file_byte(PGSIZE + 4) == 'b' && file_byte(3 * PGSIZE + 10) == 'V');
  close(fd);
  unlink(FILE);
  exit();
}
