// sbrk and mappings never overlap: with a mapping two pages above the heap,
// sbrk may grow the heap up to it but not into it (-1, heap unchanged);
// after munmap the heap can grow there. A hinted mapping 16 MiB above the
// heap also stops sbrk.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

#define ROOM (16 * 1024 * 1024)

int
main(int argc, char *argv[])
{
  // Start from a page-aligned heap end.
  uint end = (uint)sbrk(0);
  if (end % PGSIZE)
    sbrk(PGROUNDUP(end) - end);
  end = (uint)sbrk(0);

  char *m = mmap((void *)(end + 2 * PGSIZE), PGSIZE, RW, ANON | MAP_FIXED, -1, 0);
  report("MAP_FIXED two pages above the heap", (uint)m == end + 2 * PGSIZE);
  m[0] = 'm';
  report("sbrk into the mapping fails", sbrk(3 * PGSIZE) == (char *)-1);
  report("sbrk of one byte past the gap fails", sbrk(2 * PGSIZE + 1) == (char *)-1);
  report("the heap end did not move", (uint)sbrk(0) == end);
  report("sbrk up to the mapping works", sbrk(2 * PGSIZE) == (char *)end);
  char *h = (char *)end;
  h[0] = 'h';
  h[2 * PGSIZE - 1] = 'h';
  report("the new heap is usable and the mapping intact",
         h[0] == 'h' && h[2 * PGSIZE - 1] == 'h' && m[0] == 'm');
  report("one more byte fails", sbrk(1) == (char *)-1);
  report("MAP_FIXED below the new heap end fails",
         mmap((void *)(end + PGSIZE), PGSIZE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED);
  report("munmap of the mapping", munmap(m, PGSIZE) == 0);
  report("now the heap grows over where it was", sbrk(PGSIZE) == (char *)(end + 2 * PGSIZE));
  h[2 * PGSIZE] = 'z';
  report("and that heap page is fresh", h[2 * PGSIZE] == 'z' && h[2 * PGSIZE + 1] == 0);
  report("sbrk back down", sbrk(-3 * PGSIZE) == (char *)(end + 3 * PGSIZE) &&
         (uint)sbrk(0) == end);

  // A hint exactly 16 MiB above the heap: the heap may grow 16 MiB, no more.
  char *far = mmap((void *)(end + ROOM), PGSIZE, RW, ANON, -1, 0);
  report("hinted mapping 16 MiB above the heap", (uint)far == end + ROOM);
  report("sbrk of 16 MiB + 1 page fails", sbrk(ROOM + PGSIZE) == (char *)-1);
  report("the heap end did not move", (uint)sbrk(0) == end);
  exit();
}
