// Private file mappings follow the file until written (as on Linux): a
// page the process has not stored into shows a later write() at once,
// from this process or another, also in a forked child; a page it stored
// into (also as its first touch) keeps its own bytes; the file never sees
// a private store (not through mprotect, msync, munmap or exit either);
// and memstat is back at its baseline after munmap. Last, running out of
// memory does not reclaim a cache page a private mapping maps: it still
// follows write() after.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm57.dat"
#include "mmtest.h"

#define NPAGES 3
#define SIZE (NPAGES * PGSIZE)

// write() n bytes of c at off, through a descriptor of its own.
static int put(int off, char c, int n) {
  char b[16];
  memset(b, c, sizeof(b));
  int fd = open(FILE, O_RDWR);
  int ok = fd >= 0 && n <= (int)sizeof(b) && lseek(fd, off, SEEK_SET) == off &&
           write(fd, b, n) == n;
  close(fd);
  return ok;
}

// Every page of the file read once with read(): the cache holds them all.
static int read_all(void) {
  static char buf[SIZE];
  int fd = open(FILE, O_RDONLY);
  int n = read(fd, buf, SIZE);
  close(fd);
  return n == SIZE;
}

static struct memstat stat_now(void) {
  struct memstat m;
  memset(&m, 0, sizeof(m));
  memstat(&m);
  return m;
}

int
main(int argc, char *argv[])
{
  int fd = create_file('a', SIZE);
  report("the file is read once", fd >= 0 && read_all());
  struct memstat m0 = stat_now();

  char *m = mmap_or_exit("mmap", 0, SIZE, RW, MAP_PRIVATE, fd, 0);
  report("the private mapping reads the file",
         m[0] == 'a' && m[PGSIZE] == 'a' && m[2 * PGSIZE] == 'a');
  m[PGSIZE + 100] = 'P';       // page 1 is the process's own from now on
  report("write() to the file", put(0, 'W', 8) && put(PGSIZE, 'W', 8));
  report("an untouched page sees it at once", m[0] == 'W' && m[7] == 'W' && m[8] == 'a');
  report("a page stored into does not",
         m[PGSIZE] == 'a' && m[PGSIZE + 7] == 'a' && m[PGSIZE + 100] == 'P');
  report("the file does not see the private store",
         file_byte(PGSIZE + 100) == 'a' && file_byte(PGSIZE) == 'W');

  // Another process writes the file.
  if (fork_or_exit() == 0) {
    put(2 * PGSIZE, 'C', 4);
    exit();
  }
  wait();
  report("a write() by another process is seen at once",
         m[2 * PGSIZE] == 'C' && m[2 * PGSIZE + 4] == 'a');

  // A forked child's copy follows the file the same way, and its stores
  // reach neither the file nor the parent.
  int down[2], up[2];
  pipe_or_exit(down);
  pipe_or_exit(up);
  int pid = fork_with_pipes(down, up);
  if (pid < 0) {
    report("fork", 0);
    exit();
  }
  if (pid == 0) {
    char go;
    read(down[0], &go, 1);     // the parent has written the file
    char ok = m[16] == 'F' && m[PGSIZE + 100] == 'P' && m[PGSIZE + 16] == 'a';
    m[0] = 'c';
    m[PGSIZE + 100] = 'c';
    write(up[1], &ok, 1);
    exit();
  }
  report("write() before the child looks", put(16, 'F', 1));
  write(down[1], "g", 1);
  char ok = 0;
  read(up[0], &ok, 1);
  wait();
  close(down[1]);
  close(up[0]);
  report("the child's copy follows the file where untouched", ok == 1);
  report("its stores reach neither the parent nor the file",
         m[0] == 'W' && m[PGSIZE + 100] == 'P' && file_byte(0) == 'W' &&
         file_byte(PGSIZE + 100) == 'a');

  // mprotect round trip: the untouched page is still the cache's, so a
  // store must copy it.
  report("mprotect read-only and back",
         mprotect(m, SIZE, PROT_READ) == 0 && mprotect(m, SIZE, RW) == 0);
  m[2 * PGSIZE + 50] = 'M';
  report("a store after mprotect stays private",
         m[2 * PGSIZE + 50] == 'M' && file_byte(2 * PGSIZE + 50) == 'a');
  put(2 * PGSIZE + 60, 'N', 1);
  report("... and the page no longer follows the file", m[2 * PGSIZE + 60] == 'a');

  // A store as the first touch copies the page at once.
  char *s = mmap_or_exit("mmap one page", 0, PGSIZE, RW, MAP_PRIVATE, fd, 0);
  s[200] = 'S';
  report("a store as the first touch stays private",
         s[0] == 'W' && s[200] == 'S' && file_byte(200) == 'a');
  put(300, 'T', 1);
  report("... and that page does not follow the file", s[300] == 'a' && s[0] == 'W');
  munmap(s, PGSIZE);

  uint w = disk_writes();
  report("msync of the private mapping", msync(m, SIZE, MS_SYNC) == 0);
  report("munmap", munmap(m, SIZE) == 0);
  report("... wrote nothing", disk_writes() == w);
  report("the file holds only what write() put there",
         file_byte(PGSIZE + 100) == 'a' && file_byte(2 * PGSIZE + 50) == 'a' &&
         file_byte(0) == 'W' && file_byte(2 * PGSIZE + 60) == 'N');
  struct memstat m1 = stat_now();
  report("memstat back at its baseline",
         m1.free_pages == m0.free_pages && m1.kalloc_free == m0.kalloc_free &&
         m1.cached_pages == m0.cached_pages && m1.dirty_pages == m0.dirty_pages &&
         m1.regions == m0.regions && m1.pagesets == m0.pagesets &&
         m1.open_files == m0.open_files && m1.procs == m0.procs);

  // Reclaim frees only pages the cache alone holds.
  m = mmap_or_exit("mmap again", 0, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
  report("mapped again", m[0] == 'W' && m[PGSIZE] == 'W');
  exhaust_memory();
  report("after running out of memory the page still follows the file",
         put(24, 'R', 1) && m[24] == 'R' && m[PGSIZE] == 'W');
  munmap(m, SIZE);
  close(fd);
  unlink(FILE);
  exit();
}
