// munmap gives back the page tables it empties on every path: a split of
// one region (the hole inside it), the removal of whole regions, and a
// munmap of a range that holds no region any more.
#include "hostile_mm.h"

#define MB (1024 * 1024)
#define SPAN (4 * MB)           // one page table maps this much

static int free_now(void) {
  struct memstat st;
  memstat(&st);
  return st.free_pages;
}

// Map len bytes anonymous and touch one page per page table's span.
static char *map_touched(int len) {
  char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return 0;
  for (int off = 0; off < len; off += SPAN)
    p[off] = 1;
  return p;
}

int
main(int argc, char *argv[])
{
  baseline();
  int before = free_now();

  // The case: 64 MiB, unmap the middle 48 MiB, then the two ends.
  char *p = map_touched(64 * MB);
  int ok = p != 0 && munmap(p + 8 * MB, 48 * MB) == 0 &&
           munmap(p, 8 * MB) == 0 && munmap(p + 56 * MB, 8 * MB) == 0;
  report("split, then both ends", ok && free_now() == before);

  // A split frees the 12 spans wholly inside the hole at once: a touched
  // page and a page table each (kmalloc may take one page for the record
  // of the split-off tail).
  p = map_touched(64 * MB);
  int whole = p != 0 ? free_now() : 0;
  ok = p != 0 && munmap(p + 8 * MB, 48 * MB) == 0;
  report("a split frees the hole's page tables and pages", ok && free_now() >= whole + 12 * 2 - 1);
  ok = ok && munmap(p, 64 * MB) == 0;
  report("unmapping the rest", ok && free_now() == before);

  // Unaligned: a hole that starts and ends inside spans.
  p = map_touched(32 * MB);
  ok = p != 0 && munmap(p + 3 * MB, 20 * MB) == 0 && munmap(p, 32 * MB) == 0;
  report("unaligned split, then everything", ok && free_now() == before);

  // munmap of a range with no region in it succeeds and holds nothing.
  ok = munmap(p, 32 * MB) == 0 && munmap((void *)0x50000000, 64 * MB) == 0;
  report("munmap of an empty range", ok && free_now() == before);

  report("counters back at baseline", back_to_baseline());
  exit();
}
