// The shared page cache is one copy of the file's pages, so msync by any
// process that maps a page writes it back if it was stored to through any
// mapping: a child stores through its own MAP_SHARED mapping and stays
// alive; the parent, mapping the same file, calls msync; read() then sees
// the child's store (as on Linux, where msync flushes the dirty shared page).
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define PGSIZE 4096
#define RW (PROT_READ | PROT_WRITE)
#define FILE "mm35.dat"

void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

char file_byte(int off) {
  char c = 0;
  int fd = open(FILE, O_RDONLY);
  lseek(fd, off, SEEK_SET);
  read(fd, &c, 1);
  close(fd);
  return c;
}

int
main(int argc, char *argv[])
{
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  static char block[2 * PGSIZE];
  memset(block, '-', sizeof(block));
  write(fd, block, sizeof(block));

  char *m = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) {
    report("mmap", 0);
    exit();
  }
  (void)*(volatile char *)m;              // page 0 present in the parent, clean

  int p2c[2], c2p[2];
  pipe(p2c);
  pipe(c2p);
  if (fork() == 0) {
    char c;
    close(p2c[1]);
    close(c2p[0]);
    int cfd = open(FILE, O_RDWR);
    char *cm = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, cfd, 0);
    cm[10] = 'C';                            // page also mapped by the parent
    cm[PGSIZE + 10] = 'D';                   // page the parent has not touched
    write(c2p[1], "1", 1);
    read(p2c[0], &c, 1);                     // stay alive, mapped, until told
    exit();
  }
  close(p2c[0]);
  close(c2p[1]);
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
