// System calls with buffers in mapped memory: read(), write(), pipes and
// fstat() fault never-touched pages in (also across a page boundary);
// read() into PROT_READ or PROT_NONE memory, write() from PROT_NONE memory,
// buffers running off a mapping and paths in PROT_NONE memory fail with -1
// without killing the caller.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  char *a = mmap(0, 2 * PGSIZE, RW, ANON, -1, 0);
  char *b = mmap(0, 2 * PGSIZE, RW, ANON, -1, 0);
  char *c = mmap(0, 2 * PGSIZE, RW, ANON, -1, 0);
  char *ro = mmap(0, PGSIZE, PROT_READ, ANON, -1, 0);
  char *none = mmap(0, PGSIZE, PROT_NONE, ANON, -1, 0);
  if (a == MAP_FAILED || b == MAP_FAILED || c == MAP_FAILED || ro == MAP_FAILED ||
      none == MAP_FAILED) {
    report("mmap", 0);
    exit();
  }

  // read() from a file into two untouched pages.
  int fd = open("sample.txt", O_RDONLY);
  char *buf = a + PGSIZE - 5;
  int n = read(fd, buf, 13);
  report("read() of sample.txt into untouched pages across a boundary",
         n == 13 && same(buf, "Hello World.!", 13) && resident((uint)a) == 2);
  struct stat *st = (struct stat *)(b + PGSIZE - 8);
  report("fstat() into untouched pages across a boundary",
         fstat(fd, st) == 0 && st->size == 13 && st->type == T_FILE);
  close(fd);

  // Pipes: write from untouched memory, read into untouched memory.
  int fds[2];
  pipe_or_exit(fds);
  n = write(fds[1], c + PGSIZE - 150, 300);
  report("write() to a pipe from untouched pages", n == 300 && resident((uint)c) == 2);
  if (n <= 0)
    exit();  // (out of memory under fault injection) the reads below would wait forever
  char *dst = b + 1000;
  int zero = read(fds[0], dst, 300) == 300;
  for (int i = 0; i < 300; i++)
    if (dst[i] != 0)
      zero = 0;
  report("read() from a pipe into untouched memory gets the zeros", zero);
  munmap(b, 2 * PGSIZE);
  b = mmap(0, 2 * PGSIZE, RW, ANON, -1, 0);
  char msg[200];
  for (int i = 0; i < 200; i++)
    msg[i] = 'a' + i % 26;
  if (write(fds[1], msg, 200) <= 0)
    exit();
  report("read() from a pipe into untouched pages across a boundary",
         read(fds[0], b + PGSIZE - 100, 200) == 200 && same(b + PGSIZE - 100, msg, 200) &&
         resident((uint)b) == 2);

  // Refusals: -1, and the caller lives on.
  write(fds[1], msg, 10);
  report("read() into a PROT_READ mapping returns -1", read(fds[0], ro, 10) == -1);
  report("... and the mapping is unchanged", ro[0] == 0 && ro[9] == 0);
  report("read() into a PROT_NONE mapping returns -1", read(fds[0], none, 10) == -1);
  report("write() from a PROT_NONE mapping returns -1", write(fds[1], none, 10) == -1);
  report("write() from an untouched PROT_READ mapping works", write(fds[1], ro + 100, 10) == 10);
  // Nothing is mapped after `edge`.
  char *edge = mmap((void *)0x50000000, PGSIZE, RW, ANON | MAP_FIXED, -1, 0);
  report("read() running off the end of a mapping returns -1",
         edge != MAP_FAILED && read(fds[0], edge + PGSIZE - 5, 10) == -1);
  fd = open("sample.txt", O_RDONLY);
  report("read() from a file into a PROT_READ mapping returns -1", read(fd, ro, 13) == -1);
  close(fd);

  // Paths in mapped memory.
  strcpy(a + 100, "sample.txt");
  fd = open(a + 100, O_RDONLY);
  report("open() with the path in a mapping works", fd >= 0);
  close(fd);
  mprotect(a, 2 * PGSIZE, PROT_NONE);
  report("open() with the path in a PROT_NONE mapping returns -1", open(a + 100, O_RDONLY) == -1);
  report("the caller is still alive", 1);
  exit();
}
