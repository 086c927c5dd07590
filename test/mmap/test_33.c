// The course's call form with a file (flags == 0, prot 0): a shared,
// read+write mapping of a file opened read+write; msync(addr, 50)
// writes exactly 50 bytes at the mapping's offset, growing the file; an
// unaligned offset (16) is accepted and used as is.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm33.dat"
#include "mmtest.h"

int file_size(void) {
  struct stat st;
  if (stat(FILE, &st) < 0)
    return -1;
  return st.size;
}

int
main(int argc, char *argv[])
{
  // A copy of sample.txt.
  static char buf[200];
  int in = open("sample.txt", O_RDONLY);
  int n = read(in, buf, sizeof(buf));
  close(in);
  report("sample.txt is the 13 bytes Hello World.!", n == 13 && same(buf, "Hello World.!", 13));
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  write(fd, buf, 13);

  char *m = mmap(0, 100, 0, 0, fd, 0);
  report("mmap(0, 100, 0, 0, fd, 0) works", m != MAP_FAILED);
  if (m == MAP_FAILED)
    exit();
  report("it reads the file, then zeros", same(m, "Hello World.!", 13) && m[13] == 0 && m[99] == 0);
  memmove(m, "Goodbye", 7);
  m[40] = '!';
  report("msync(addr, 50) succeeds", msync(m, 50) == 0);
  report("the file grew to exactly 50 bytes", file_size() == 50);
  close(fd);
  fd = open(FILE, O_RDONLY);
  n = read(fd, buf, sizeof(buf));
  close(fd);
  int content = n == 50 && same(buf, "Goodbyeorld.!", 13) && buf[40] == '!';
  for (int i = 13; i < 50; i++)
    if (i != 40 && buf[i] != 0)
      content = 0;
  report("the file holds the 50 bytes of the mapping", content);
  munmap(m, 100);

  // Offset 16 of a 40-byte file: "0123456789abcdefghijklmnopqrstuvwxyzABCD".
  unlink(FILE);
  fd = open(FILE, O_CREATE | O_RDWR);
  char *text = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
  write(fd, text, 40);
  char *o = mmap(0, 100, 0, 0, fd, 16);
  report("an unaligned offset (16) is accepted in the course form", o != MAP_FAILED);
  if (o == MAP_FAILED)
    exit();
  report("the mapping starts at file offset 16", same(o, "ghijklmnopqrstuvwxyzABCD", 24) && o[24] == 0);
  memmove(o, "GHIJ", 4);
  o[49] = '$';
  report("msync(addr, 50) succeeds", msync(o, 50) == 0);
  report("the file grew to 16 + 50 = 66 bytes", file_size() == 66);
  lseek(fd, 0, SEEK_SET);
  n = read(fd, buf, sizeof(buf));
  report("bytes 0-15 untouched, 16-65 from the mapping",
         n == 66 && same(buf, "0123456789abcdefGHIJklmn", 24) && buf[40] == 0 && buf[65] == '$');
  close(fd);
  munmap(o, 100);
  unlink(FILE);
  exit();
}
