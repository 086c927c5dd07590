// File mappings hold the file's bytes: at offset 0, at offsets of 2 and 4
// pages, private and shared, in a mapping split by munmap; the course's
// sample.txt maps as "Hello World.!" followed by zeros.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define FILE "mm25.dat"
#include "mmtest.h"

#define SIZE (5 * PGSIZE + 100)

char pat(uint off) { return (char)((off * 31 + (off >> 12) * 7 + 3) & 0xff); }

// Does p hold the file's bytes from off for n bytes, then zeros up to the
// end of the page?
int holds(char *p, uint off, uint n) {
  for (uint i = 0; i < n; i++) {
    char want = off + i < SIZE ? pat(off + i) : 0;
    if (p[i] != want) {
      printf(1, "byte %d (file offset %d) is %d, not %d\n", i, off + i, p[i], want);
      return 0;
    }
  }
  return 1;
}

int
main(int argc, char *argv[])
{
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  static char buf[SIZE];
  for (int i = 0; i < SIZE; i++)
    buf[i] = pat(i);
  if (fd < 0 || write(fd, buf, SIZE) != SIZE) {
    report("create the file", 0);
    exit();
  }

  char *m0 = mmap(0, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
  report("private mapping at offset 0 holds the whole file, zeros after EOF",
         m0 != MAP_FAILED && holds(m0, 0, 6 * PGSIZE));
  struct pmap_entry *e = m0 == MAP_FAILED ? 0 : entry_at((uint)m0);
  report("pmap shows a file mapping of 6 pages at offset 0",
         e && e->fd_backed && e->offset == 0 && e->end - e->start == 6 * PGSIZE);

  char *m2 = mmap(0, 2 * PGSIZE, PROT_READ, MAP_SHARED, fd, 2 * PGSIZE);
  report("shared mapping at offset 2 pages holds pages 2-3",
         m2 != MAP_FAILED && holds(m2, 2 * PGSIZE, 2 * PGSIZE));
  e = m2 == MAP_FAILED ? 0 : entry_at((uint)m2);
  report("pmap shows offset 2 pages", e && e->fd_backed && e->offset == 2 * PGSIZE);

  char *m4 = mmap(0, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4 * PGSIZE);
  report("private mapping at offset 4 pages holds page 4 and the 100-byte tail",
         m4 != MAP_FAILED && holds(m4, 4 * PGSIZE, 2 * PGSIZE));

  // Trim the head of a 4-page shared mapping, split a 4-page private one.
  char *h = mmap(0, 4 * PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
  char *s = mmap(0, 4 * PGSIZE, PROT_READ, MAP_PRIVATE, fd, PGSIZE);
  int ok = h != MAP_FAILED && s != MAP_FAILED && munmap(h, PGSIZE) == 0 &&
           munmap(s + PGSIZE, PGSIZE) == 0;
  report("after munmap of the first page, the rest still holds offsets 1-3 pages",
         ok && holds(h + PGSIZE, PGSIZE, 3 * PGSIZE));
  e = ok ? entry_at((uint)(h + PGSIZE)) : 0;
  report("... and pmap shows its offset as 1 page", e && e->offset == PGSIZE);
  report("after munmap of a middle page, both pieces hold the right offsets",
         ok && holds(s, PGSIZE, PGSIZE) && holds(s + 2 * PGSIZE, 3 * PGSIZE, 2 * PGSIZE));
  close(fd);

  // The course's sample file.
  fd = open("sample.txt", O_RDONLY);
  char *t = mmap(0, 13, PROT_READ, MAP_PRIVATE, fd, 0);
  char *ts = mmap(0, 13, PROT_READ, MAP_SHARED, fd, 0);
  int sample = t != MAP_FAILED && ts != MAP_FAILED;
  char *want = "Hello World.!";
  for (int i = 0; sample && i < PGSIZE; i++)
    if (t[i] != (i < 13 ? want[i] : 0) || ts[i] != t[i])
      sample = 0;
  report("sample.txt maps as Hello World.! then zeros (private and shared)", sample);
  close(fd);
  unlink(FILE);
  exit();
}
