// mmap hints: a page-aligned hint is used when the range is free, below
// KERNBASE and at least 16 MiB above the heap's end; otherwise (text, an
// existing mapping, too close to the heap, unaligned, crossing KERNBASE)
// it is ignored and the kernel picks a free range at or above MMAP_BASE.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

#define ROOM (16 * 1024 * 1024)

// A mapping the kernel chose: aligned, at or above MMAP_BASE, below KERNBASE.
int kernel_placed(char *p, uint len) {
  uint a = (uint)p;
  return p != MAP_FAILED && a % PGSIZE == 0 && a >= MMAP_BASE && a + len <= KERNBASE &&
         a + len > a;
}

int
main(int argc, char *argv[])
{
  uint heap_end = PGROUNDUP(sbrk(0));

  // Exactly 16 MiB above the heap: honoured.
  uint h1 = heap_end + ROOM;
  char *p1 = mmap((void *)h1, 2 * PGSIZE, RW, ANON, -1, 0);
  int ok1 = (uint)p1 == h1;
  if (ok1) {
    p1[0] = 1;
    p1[2 * PGSIZE - 1] = 2;
    ok1 = p1[0] == 1 && p1[2 * PGSIZE - 1] == 2;
  }
  report("hint exactly 16 MiB above the heap end is honoured", ok1);

  // One page short of that: ignored.
  uint h2 = heap_end + ROOM - 2 * PGSIZE;
  char *p2 = mmap((void *)h2, PGSIZE, RW, ANON, -1, 0);
  report("hint within 16 MiB of the heap end is ignored",
         (uint)p2 != h2 && kernel_placed(p2, PGSIZE));

  // A hint high in the mmap area: honoured.
  uint h3 = 0x50000000;
  char *p3 = mmap((void *)h3, 4 * PGSIZE, RW, ANON, -1, 0);
  report("free hint 0x50000000 is honoured", (uint)p3 == h3);

  // Colliding with an existing mapping: ignored, no overlap.
  char *p4 = mmap((void *)(h3 + PGSIZE), 2 * PGSIZE, RW, ANON, -1, 0);
  report("hint inside an existing mapping is ignored, no overlap",
         kernel_placed(p4, 2 * PGSIZE) && !overlaps((uint)p4, 2 * PGSIZE, h3, 4 * PGSIZE));

  // Colliding with the program's text: ignored.
  char *p5 = mmap((void *)0x1000, 2 * PGSIZE, RW, ANON, -1, 0);
  int ok5 = kernel_placed(p5, 2 * PGSIZE);
  // And main's code is intact and runnable (we are still here); its page reads
  // the same as before.
  report("hint colliding with the text is ignored", ok5 && (uint)p5 != 0x1000);
  char *p5b = mmap((void *)((uint)main & ~(PGSIZE - 1)), PGSIZE, RW, ANON, -1, 0);
  report("hint at main's page is ignored", kernel_placed(p5b, PGSIZE));

  // Unaligned hint: not used as given; the result is aligned and free.
  char *p6 = mmap((void *)(0x60000000 + 123), PGSIZE, RW, ANON, -1, 0);
  report("unaligned hint gives an aligned, kernel-placed mapping",
         kernel_placed(p6, PGSIZE) && (uint)p6 != 0x60000000 + 123);

  // The last page of user space can be hinted; two pages from there cannot.
  char *p7 = mmap((void *)(KERNBASE - PGSIZE), PGSIZE, RW, ANON, -1, 0);
  int ok7 = (uint)p7 == KERNBASE - PGSIZE;
  if (ok7) {
    p7[PGSIZE - 1] = 7;
    ok7 = p7[PGSIZE - 1] == 7;
  }
  report("hint of the last user page is honoured", ok7);
  char *p8 = mmap((void *)(KERNBASE - 2 * PGSIZE), 3 * PGSIZE, RW, ANON, -1, 0);
  report("hint whose range crosses KERNBASE is ignored", kernel_placed(p8, 3 * PGSIZE));
  char *p9 = mmap((void *)(KERNBASE + 0x100000), PGSIZE, RW, ANON, -1, 0);
  report("hint in kernel space is ignored", kernel_placed(p9, PGSIZE));

  // None of the placed ranges overlap each other.
  uint a[] = { (uint)p1, (uint)p2, (uint)p3, (uint)p4, (uint)p5, (uint)p5b, (uint)p6,
               (uint)p7, (uint)p8, (uint)p9 };
  uint l[] = { 2, 1, 4, 2, 2, 1, 1, 1, 3, 1 };
  int distinct = 1;
  for (int i = 0; i < 10; i++)
    for (int j = i + 1; j < 10; j++)
      if (a[i] != (uint)MAP_FAILED && a[j] != (uint)MAP_FAILED &&
          overlaps(a[i], l[i] * PGSIZE, a[j], l[j] * PGSIZE))
        distinct = 0;
  report("no two mappings overlap", distinct);
  exit();
}
