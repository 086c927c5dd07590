// Concurrent faults (the suite boots 2 CPUs): four processes first-touch
// the same never-touched MAP_SHARED pages (anonymous and file) at once,
// each storing its own byte in every page; no store may be lost (a lost
// race would leave a process with a page of its own). Then four processes
// write copy-on-write private pages at once; each keeps its own data.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm38.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

#define NPAGES 64
#define NPROC 4

// Fork NPROC workers that wait at a pipe, then release them together.
// Worker i stores i+1 at byte i of every page (in its own order), and
// checks that, in a private mapping, it sees only its own store.
int run(char *m, int private) {
  int go[2], res[2];
  pipe_or_exit(go);
  pipe_or_exit(res);
  for (int i = 0; i < NPROC; i++) {
    if (fork() == 0) {
      char c;
      close(go[1]);
      read(go[0], &c, 1);
      for (int k = 0; k < NPAGES; k++) {
        int pg = (k * (2 * i + 1) + i * 7) % NPAGES;
        m[pg * PGSIZE + i] = i + 1;
      }
      int ok = 1;
      if (private)
        for (int pg = 0; pg < NPAGES; pg++)
          for (int j = 0; j < NPROC; j++)
            if (m[pg * PGSIZE + j] != (j == i ? i + 1 : 0))
              ok = 0;
      write(res[1], ok ? "y" : "n", 1);
      exit();
    }
  }
  close(go[0]);
  close(res[1]);
  close(go[1]);                     // releases all workers at once (EOF)
  int ok = 1;
  char c;
  for (int i = 0; i < NPROC; i++)
    if (read(res[0], &c, 1) != 1 || c != 'y')
      ok = 0;
  for (int i = 0; i < NPROC; i++)
    wait();
  close(res[0]);
  return ok;
}

int all_stores(char *m) {
  for (int pg = 0; pg < NPAGES; pg++)
    for (int j = 0; j < NPROC; j++)
      if (m[pg * PGSIZE + j] != j + 1) {
        printf(1, "page %d byte %d is %d\n", pg, j, m[pg * PGSIZE + j]);
        return 0;
      }
  return 1;
}

int
main(int argc, char *argv[])
{
  int rounds_ok = 1;
  for (int round = 0; round < 3; round++) {
    char *s = mmap(0, NPAGES * PGSIZE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED || !run(s, 0) || !all_stores(s))
      rounds_ok = 0;
    munmap(s, NPAGES * PGSIZE);
  }
  report("shared anonymous: no store lost in concurrent first touches", rounds_ok);

  int fd = create_file(0, 16 * PGSIZE);
  int file_ok = 1;
  for (int round = 0; round < 3; round++) {
    // The file has 16 pages; each round uses its own bytes of them.
    char *f = mmap(0, 16 * PGSIZE, RW, MAP_SHARED, fd, 0);
    if (f == MAP_FAILED) {
      file_ok = 0;
      break;
    }
    int go[2];
    pipe_or_exit(go);
    for (int i = 0; i < NPROC; i++) {
      if (fork() == 0) {
        char c;
        close(go[1]);
        read(go[0], &c, 1);
        for (int k = 0; k < 16; k++)
          f[((k * (2 * i + 1) + i) % 16) * PGSIZE + i + 4 * round] = i + 1;
        exit();
      }
    }
    close(go[0]);
    close(go[1]);
    for (int i = 0; i < NPROC; i++)
      wait();
    for (int pg = 0; pg < 16; pg++)
      for (int j = 0; j < NPROC; j++)
        if (f[pg * PGSIZE + j + 4 * round] != j + 1)
          file_ok = 0;
    munmap(f, 16 * PGSIZE);
  }
  report("shared file: no store lost in concurrent first touches", file_ok);
  close(fd);
  unlink(FILE);

  char *p = mmap(0, NPAGES * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int pg = 0; pg < NPAGES; pg++)
    p[pg * PGSIZE + 100] = 'p';      // present, so the workers copy on write
  report("private: concurrent copy-on-write stores stay with each writer", run(p, 1));
  int parent_ok = 1;
  for (int pg = 0; pg < NPAGES; pg++)
    for (int j = 0; j < NPROC; j++)
      if (p[pg * PGSIZE + j] != 0 || p[pg * PGSIZE + 100] != 'p')
        parent_ok = 0;
  report("private: the parent's pages are unchanged", parent_ok);
  exit();
}
