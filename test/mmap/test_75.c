// The fault handler remembers the region it found last (faults come in
// runs on one region), so what it remembers must never outlive the
// region. In a child: fault a page in, then munmap the whole region (or
// its first page) and touch the page again: the child is killed with "no
// mapping", exactly as if the region had never been looked up. The
// trimmed region's other page still works.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "killwhy.h"

#define PG 4096

static int trim_head;   // munmap only the first page instead of both

// Map two pages, store into the first (the fault finds the region),
// unmap, then load from the first page again: this must fault for good.
static void touch_after_munmap(volatile char *unused) {
  (void)unused;
  char *p = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    exit();                 // survives: reported as a failure
  p[0] = 1;
  if (trim_head) {
    p[PG] = 2;
    if (munmap(p, PG) < 0)
      exit();
    if (((volatile char *)p)[PG] != 2)   // the region's rest still works
      exit();
  } else if (munmap(p, 2 * PG) < 0) {
    exit();
  }
  (void)((volatile char *)p)[0];
}

int
main(int argc, char *argv[])
{
  trim_head = 0;
  report_kill("a page of an unmapped region faults after a fault found it",
              why_killed(touch_after_munmap, 0), KILL_NO_MAPPING);
  trim_head = 1;
  report_kill("a page trimmed off a region faults after a fault found it",
              why_killed(touch_after_munmap, 0), KILL_NO_MAPPING);
  exit();
}
