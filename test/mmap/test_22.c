// exit frees everything: a child that maps anonymous private and shared
// memory, file mappings (shared, private, course form), splits them with
// MAP_FIXED, munmap and mprotect, forks a grandchild sharing them, touches
// it all and exits without unmapping leaves the free-page count and the
// kernel's region, page-set, open-file and process counters as they were.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define FILE "mm22.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

void touch(char *p, int pages) {
  for (int i = 0; i < pages; i++)
    p[i * PGSIZE + 5] = 't';
}

void child(int fd) {
  char *a = mmap(0, 30 * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *s = mmap(0, 10 * PGSIZE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  char *fs = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  char *fp = mmap(0, 3 * PGSIZE, RW, MAP_PRIVATE, fd, PGSIZE);
  char *fc = mmap(0, 2 * PGSIZE, 0, 0, fd, 16);
  if (a == MAP_FAILED || s == MAP_FAILED || fs == MAP_FAILED || fp == MAP_FAILED ||
      fc == MAP_FAILED)
    exit();
  touch(a, 30);
  touch(s, 10);
  touch(fs, 3);
  touch(fp, 3);
  touch(fc, 2);
  // Splits of every kind.
  mmap(a + 5 * PGSIZE, PGSIZE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  munmap(a + 10 * PGSIZE, PGSIZE);
  mprotect(a + 20 * PGSIZE, 2 * PGSIZE, PROT_READ);
  mprotect(s + 3 * PGSIZE, PGSIZE, PROT_NONE);
  munmap(fs + PGSIZE, PGSIZE);
  touch(a + 5 * PGSIZE, 1);
  // A grandchild sharing all of it copy-on-write or shared.
  if (fork() == 0) {
    touch(a, 5);
    touch(s, 2);
    touch(fp, 3);
    exit();
  }
  wait();
  touch(a + 25 * PGSIZE, 5);
  exit();
}

int
main(int argc, char *argv[])
{
  int fd = create_file('f', 4 * PGSIZE);

  // One warm-up round so that caches the kernel fills on first use
  // (e.g. the inode's buffers) are already full.
  if (fork() == 0)
    child(fd);
  wait();

  struct memstat m0, m1;
  memstat(&m0);
  int f0 = freepages();
  int pid = fork();
  if (pid == 0)
    child(fd);
  report("wait() returns the child", wait() == pid);
  memstat(&m1);
  int f1 = freepages();
  if (f1 != f0)
    printf(1, "free pages %d before, %d after\n", f0, f1);
  report("free-page count unchanged", f1 == f0);
  report("no regions left", m1.regions == m0.regions);
  report("no page sets left", m1.pagesets == m0.pagesets);
  report("no open files left", m1.open_files == m0.open_files);
  report("no process slots left", m1.procs == m0.procs);
  report("no kmalloc blocks left", m1.km_live_blocks == m0.km_live_blocks);
  close(fd);
  unlink(FILE);
  exit();
}
