// Anonymous memory across many pages reads as zeros, keeps what is written,
// and a fresh mapping after munmap reads as zeros again (no stale data).
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

#define NPAGES 64

char pat(uint i) { return (char)((i * 13 + (i >> 12) * 7 + 1) & 0xff); }

int all_zero(char *p, uint n) {
  for (uint i = 0; i < n; i++)
    if (p[i] != 0) {
      printf(1, "byte %d is %d, not 0\n", i, p[i]);
      return 0;
    }
  return 1;
}

int
main(int argc, char *argv[])
{
  uint len = NPAGES * PGSIZE;
  char *p = mmap_or_exit("mmap of 64 pages", 0, len, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("64 fresh pages read as zeros", all_zero(p, len));

  for (uint i = 0; i < len; i++)
    p[i] = pat(i);
  int back = 1;
  for (uint i = 0; i < len; i++)
    if (p[i] != pat(i)) {
      printf(1, "byte %d reads %d\n", i, p[i]);
      back = 0;
      break;
    }
  report("every byte of 64 pages reads back what was written", back);

  // Word-sized stores at the very end of each page too.
  for (uint pg = 0; pg < NPAGES; pg++)
    *(uint *)(p + pg * PGSIZE + PGSIZE - 4) = 0xdead0000 + pg;
  int words = 1;
  for (uint pg = 0; pg < NPAGES; pg++)
    if (*(uint *)(p + pg * PGSIZE + PGSIZE - 4) != 0xdead0000 + pg ||
        p[pg * PGSIZE] != pat(pg * PGSIZE))
      words = 0;
  report("pages are distinct (word at each page end kept)", words);

  report("munmap of all 64 pages", munmap(p, len) == 0);
  char *q = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("a new mapping after munmap reads as zeros", q != MAP_FAILED && all_zero(q, len));
  exit();
}
