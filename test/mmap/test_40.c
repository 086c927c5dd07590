// msync writes only dirty pages, counted with the kernel's disk-write
// counter (memstat().disk_writes): nothing dirty -> no disk writes; every
// dirty page costs the same number of block writes, so 4 dirty pages cost
// exactly 4 times what 1 does; a second msync writes nothing; and the data
// reaches the file.
#define FILE "mm40.dat"
#include "mmtest.h"

// Blocks written by msync of the whole 4-page mapping.
static uint msync_cost(char *p) {
  uint before = disk_writes();
  if (msync(p, 4 * PGSIZE, MS_SYNC) != 0)
    return 0xFFFFFFFF;
  return disk_writes() - before;
}

int
main(int argc, char *argv[])
{
  int fd = create_file('a', 4 * PGSIZE);
  char *p = mmap_or_exit("map a 4-page file shared", 0, 4 * PGSIZE, RW, MAP_SHARED, fd, 0);
  for (int i = 0; i < 4; i++)
    (void)*(volatile char *)(p + i * PGSIZE);          // fault in, clean

  report("msync with no dirty page writes no block", msync_cost(p) == 0);

  p[PGSIZE + 5] = 'B';
  uint one = msync_cost(p);
  report("msync with one dirty page writes some blocks", one > 0 && one != 0xFFFFFFFF);
  report("a second msync writes nothing", msync_cost(p) == 0);

  for (int i = 0; i < 4; i++)
    p[i * PGSIZE + 9] = 'C';
  uint four = msync_cost(p);
  report("four dirty pages cost four times one", four == 4 * one);
  report("the data reached the file",
         file_byte(PGSIZE + 5) == 'B' && file_byte(3 * PGSIZE + 9) == 'C' && file_byte(0) == 'a');

  munmap(p, 4 * PGSIZE);
  close(fd);
  unlink(FILE);
  exit();
}
