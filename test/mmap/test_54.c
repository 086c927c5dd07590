// More file data than memory holds: a child takes every page sbrk can get,
// gives KEEP pages back, and then maps and reads (through the mappings,
// then with read()) NFILES files of 16 MiB each, twice what is free (48 MiB, 24 free).
// Reclaim must make room (the file cache would otherwise fill memory and
// the next fault would kill the child): the child finishes, every page
// reads right, memstat says reclaim ran, and once the child is gone and
// the files removed, memstat is back at its baseline. The files are
// sparse (a marker at each end, holes between) so writing them is quick;
// their pages still take memory in the cache.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "mmtest.h"

#define NFILES 3
#define FSIZE (16 * 1024 * 1024)
#define FPAGES (FSIZE / PGSIZE)
#define KEEP (FPAGES + FPAGES / 2)   // pages free while the child reads
#define CHUNK (16 * PGSIZE)

static char name[] = "mm54.0";
static char buf[CHUNK];

static char *file(int i) {
  name[5] = '0' + i;
  return name;
}

static uint head_mark(int i) {
  return 0x5a5a0000 + 2 * i;
}

static uint tail_mark(int i) {
  return 0x5a5a0001 + 2 * i;
}

static struct memstat stat_now(void) {
  struct memstat m;
  memset(&m, 0, sizeof(m));
  memstat(&m);
  return m;
}

static int make_file(int i) {
  unlink(file(i));
  int fd = open(file(i), O_CREATE | O_RDWR);
  if (fd < 0)
    return 0;
  uint h = head_mark(i), t = tail_mark(i);
  int ok = write(fd, &h, 4) == 4 && lseek(fd, FSIZE - 4, SEEK_SET) == FSIZE - 4 &&
           write(fd, &t, 4) == 4;
  close(fd);
  return ok;
}

// Is page p of file i (its bytes at a) right? Its first word (the head
// marker on page 0, else 0) and its last (the tail marker on the last).
static int page_ok(int i, uint p, uint *a) {
  uint first = p == 0 ? head_mark(i) : 0;
  uint last = p == FPAGES - 1 ? tail_mark(i) : 0;
  return a[0] == first && a[PGSIZE / 4 - 1] == last;
}

static int map_file(int i) {
  int fd = open(file(i), O_RDONLY);
  if (fd < 0)
    return 0;
  char *m = mmap(0, FSIZE, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED)
    return 0;
  int ok = 1;
  for (uint p = 0; p < FPAGES; p++)
    ok &= page_ok(i, p, (uint *)(m + p * PGSIZE));
  return munmap(m, FSIZE) == 0 && ok;
}

static int read_file(int i) {
  int fd = open(file(i), O_RDONLY);
  if (fd < 0)
    return 0;
  int ok = 1;
  for (uint off = 0; off < FSIZE; off += CHUNK) {
    if (read(fd, buf, CHUNK) != CHUNK) {
      ok = 0;
      break;
    }
    for (uint p = 0; p < CHUNK / PGSIZE; p++)
      ok &= page_ok(i, off / PGSIZE + p, (uint *)(buf + p * PGSIZE));
  }
  close(fd);
  return ok;
}

static void child(int done_fd) {
  while (sbrk(256 * PGSIZE) != (char *)-1)
    ;
  while (sbrk(PGSIZE) != (char *)-1)
    ;
  report("child gives back what it took but KEEP pages", sbrk(-KEEP * PGSIZE) != (char *)-1);
  struct memstat m0 = stat_now();
  int ok = 1;
  for (int i = 0; i < NFILES; i++)
    ok &= map_file(i);
  report("maps and reads twice the free memory", ok);
  ok = 1;
  for (int i = 0; i < NFILES; i++)
    ok &= read_file(i);
  report("... and read()s it again", ok);
  struct memstat m1 = stat_now();
  report("reclaim freed what did not fit",
         m1.reclaimed_pages - m0.reclaimed_pages >= NFILES * FPAGES - KEEP);
  write(done_fd, "d", 1);
  exit();
}

int
main(int argc, char *argv[])
{
  // Names first: the directory may need a new block for them (how many
  // test programs the image holds decides), and directories never shrink.
  for (int i = 0; i < NFILES; i++)
    close(open(file(i), O_CREATE | O_RDWR));
  for (int i = 0; i < NFILES; i++)
    unlink(file(i));
  struct memstat m0 = stat_now();
  int ok = 1;
  for (int i = 0; i < NFILES; i++)
    ok &= make_file(i);
  report("three sparse 16 MiB files", ok);
  int fds[2];
  pipe_or_exit(fds);
  int pid = fork_or_exit();
  if (pid == 0) {
    close(fds[0]);
    child(fds[1]);
  }
  close(fds[1]);
  char c = 0;
  int n = read(fds[0], &c, 1);
  close(fds[0]);
  report("the child finished", wait() == pid && n == 1);
  for (int i = 0; i < NFILES; i++)
    unlink(file(i));
  struct memstat m1 = stat_now();
  report("memstat back at its baseline",
         m1.free_pages == m0.free_pages && m1.kalloc_free == m0.kalloc_free &&
         m1.regions == m0.regions && m1.pagesets == m0.pagesets &&
         m1.open_files == m0.open_files && m1.procs == m0.procs &&
         m1.disk_free == m0.disk_free);
  if (m1.free_pages != m0.free_pages)
    printf(1, "free pages %d -> %d\n", m0.free_pages, m1.free_pages);
  exit();
}
