// File mmap errors return MAP_FAILED and leak nothing: fd not open or out
// of range, a directory, the console, a pipe, a file opened write-only,
// MAP_SHARED|PROT_WRITE on a read-only descriptor, unaligned or negative
// offset; mprotect cannot make a read-only shared file mapping writable.
// The allowed neighbours of each case work.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define FILE "mm32.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

int fails(int prot, int flags, int fd, int off) {
  return mmap(0, PGSIZE, prot, flags, fd, off) == MAP_FAILED;
}

int works(int prot, int flags, int fd, int off) {
  char *m = mmap(0, PGSIZE, prot, flags, fd, off);
  return m != MAP_FAILED && munmap(m, PGSIZE) == 0;
}

int
main(int argc, char *argv[])
{
  close(create_file('q', 2 * PGSIZE));

  int rw = open(FILE, O_RDWR);
  int ro = open(FILE, O_RDONLY);
  int wo = open(FILE, O_WRONLY);
  int dir = open("/", O_RDONLY);
  int pfd[2];
  pipe_or_exit(pfd);
  // Warm-up: the page table for the area mappings go to stays with the
  // process, so make it exist before counting.
  char *w = mmap(0, PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  w[0] = 1;
  munmap(w, PGSIZE);
  struct memstat m0, m1;
  memstat(&m0);
  int f0 = freepages();

  report("fd 15 (not open) fails", fails(PROT_READ, MAP_SHARED, 15, 0));
  report("fd 100 (out of range) fails", fails(PROT_READ, MAP_PRIVATE, 100, 0));
  report("fd -2 fails", fails(PROT_READ, MAP_PRIVATE, -2, 0));
  report("a directory fails", fails(PROT_READ, MAP_PRIVATE, dir, 0));
  report("the console fails", fails(PROT_READ, MAP_SHARED, 1, 0));
  report("a pipe fails", fails(PROT_READ, MAP_SHARED, pfd[0], 0));
  report("a file opened write-only fails (shared)", fails(RW, MAP_SHARED, wo, 0));
  report("a file opened write-only fails (private, read-only)", fails(PROT_READ, MAP_PRIVATE, wo, 0));
  report("MAP_SHARED|PROT_WRITE on a read-only descriptor fails", fails(RW, MAP_SHARED, ro, 0));
  report("unaligned offset fails (shared)", fails(PROT_READ, MAP_SHARED, rw, 16));
  report("unaligned offset fails (private)", fails(PROT_READ, MAP_PRIVATE, rw, PGSIZE + 1));
  report("negative offset fails", fails(PROT_READ, MAP_SHARED, rw, -PGSIZE));
  report("course form with a directory fails (returns 0)", mmap(0, PGSIZE, 0, 0, dir, 0) == 0);
  report("course form with fd not open fails (returns 0)", mmap(0, PGSIZE, 0, 0, 15, 0) == 0);

  report("MAP_SHARED|PROT_READ on a read-only descriptor works", works(PROT_READ, MAP_SHARED, ro, 0));
  report("MAP_PRIVATE|PROT_WRITE on a read-only descriptor works", works(RW, MAP_PRIVATE, ro, 0));
  report("MAP_SHARED|PROT_WRITE on a read-write descriptor works", works(RW, MAP_SHARED, rw, 0));
  report("offset of one page works", works(PROT_READ, MAP_SHARED, rw, PGSIZE));

  char *m = mmap(0, PGSIZE, PROT_READ, MAP_SHARED, ro, 0);
  report("mprotect to PROT_WRITE of a shared mapping of a read-only descriptor fails",
         m != MAP_FAILED && mprotect(m, PGSIZE, RW) == -1);
  report("... and the mapping stays read-only",
         pmap(0, ents, 146) == 1 && ents[0].prot == PROT_READ && m[0] == 'q');
  munmap(m, PGSIZE);

  memstat(&m1);
  int f1 = freepages();
  if (f1 != f0)
    printf(1, "free pages %d before, %d after\n", f0, f1);
  report("nothing leaked: regions, page sets, open files, pages",
         pmap(0, ents, 146) == 0 && m1.regions == m0.regions && m1.pagesets == m0.pagesets &&
         m1.open_files == m0.open_files && f1 == f0);
  unlink(FILE);
  exit();
}
