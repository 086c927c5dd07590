// The file page cache outlives close: a file read once is read again, and
// mapped, with no disk reads (memstat's disk_reads), and memstat counts
// its pages as cached. When memory runs out (a child grows its heap until
// sbrk fails) reclaim frees them instead: sbrk fails only once nothing is
// reclaimable, the file then costs disk reads again and still reads
// right, and memstat is back where it was. Stores through a shared
// mapping count as dirty pages until msync writes them back.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm53.dat"
#include "mmtest.h"

#define NPAGES 16
#define SIZE (NPAGES * PGSIZE)

static char buf[SIZE];

static char pattern(int i) {
  return 'a' + (i * 7 + i / PGSIZE) % 26;
}

static struct memstat stat_now(void) {
  struct memstat m;
  memset(&m, 0, sizeof(m));
  memstat(&m);
  return m;
}

static uint disk_reads(void) {
  return stat_now().disk_reads;
}

// Blocks the last read_all or map_all read from the disk, after open()
// (which may read the directory and the inode: the buffer cache is small).
static uint reads;

// Read the whole file with read(); 1 if every byte is right.
static int read_all(void) {
  int fd = open(FILE, O_RDONLY);
  if (fd < 0)
    return 0;
  memset(buf, 0, SIZE);
  uint r0 = disk_reads();
  int n = read(fd, buf, SIZE);
  reads = disk_reads() - r0;
  close(fd);
  if (n != SIZE)
    return 0;
  for (int i = 0; i < SIZE; i++)
    if (buf[i] != pattern(i))
      return 0;
  return 1;
}

// Map the file (flags), check every byte, unmap. 1 if all right.
static int map_all(int flags) {
  int fd = open(FILE, O_RDONLY);
  if (fd < 0)
    return 0;
  uint r0 = disk_reads();
  char *m = mmap(0, SIZE, PROT_READ, flags, fd, 0);
  close(fd);
  if (m == MAP_FAILED)
    return 0;
  int ok = 1;
  for (int i = 0; i < SIZE; i++)
    if (m[i] != pattern(i))
      ok = 0;
  reads = disk_reads() - r0;
  return munmap(m, SIZE) == 0 && ok;
}

int
main(int argc, char *argv[])
{
  for (int i = 0; i < SIZE; i++)
    buf[i] = pattern(i);
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  report("write a 64 KiB file", fd >= 0 && write(fd, buf, SIZE) == SIZE);
  close(fd);

  report("first read", read_all());
  struct memstat m0 = stat_now();
  report("memstat counts its pages as cached", m0.cached_pages >= NPAGES);
  report("second read, after close", read_all());
  report("... needs no disk reads", reads == 0);
  report("shared mapping reads it", map_all(MAP_SHARED));
  report("... with no disk reads", reads == 0);
  report("private mapping reads it", map_all(MAP_PRIVATE));
  report("... with no disk reads", reads == 0);
  struct memstat m2 = stat_now();

  exhaust_memory();
  struct memstat m3 = stat_now();
  report("running out of memory reclaims the cache",
         m3.reclaimed_pages >= m2.reclaimed_pages + NPAGES &&
         m3.cached_pages + NPAGES <= m2.cached_pages);
  report("memstat back where it was",
         m3.free_pages == m2.free_pages && m3.kalloc_free == m2.kalloc_free &&
         m3.regions == m2.regions && m3.pagesets == m2.pagesets &&
         m3.open_files == m2.open_files && m3.procs == m2.procs);
  report("the file reads right again", read_all());
  report("... from the disk", reads > 0);

  fd = open(FILE, O_RDWR);
  char *m = mmap_or_exit("shared writable mapping", 0, SIZE, RW, MAP_SHARED, fd, 0);
  uint d0 = stat_now().dirty_pages;
  m[0] = 'x';
  m[PGSIZE] = 'y';
  report("memstat counts two pages stored into as dirty", stat_now().dirty_pages == d0 + 2);
  report("... and neither after msync",
         msync(m, SIZE, MS_SYNC) == 0 && stat_now().dirty_pages == d0);
  munmap(m, SIZE);
  close(fd);
  unlink(FILE);
  exit();
}
