// Kill messages name what is at the address, not the CPU's error bits: a
// store into a read-only mapping is "read-only" whether or not the page
// was touched before; PROT_NONE, unmapped and kernel addresses each get
// their own reason, and other CPU exceptions another. (The console line
// is printed from the same reason.)
#include "types.h"
#include "user.h"
#include "mman.h"
#include "killwhy.h"

#define PGSIZE 4096

// Not a page fault: an invalid instruction is reported as a CPU exception.
static void do_ud2(volatile char *unused) {
  asm volatile("ud2");
}

int main(int argc, char *argv[]) {
  volatile char *ro = mmap(0, 2 * PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ro == MAP_FAILED) {
    printf(1, "XV6_TEST_OUTPUT mmap: FAIL\n");
    exit();
  }
  report_kill("store into an untouched read-only page: read-only",
              why_killed(do_write, ro + PGSIZE + 5), KILL_READ_ONLY);
  (void)ro[10];
  report_kill("store into an already-read read-only page: read-only",
              why_killed(do_write, ro + 10), KILL_READ_ONLY);
  report_kill("read of a read-only page: not killed", why_killed(do_read, ro + 10), KILL_NONE);

  volatile char *none = mmap(0, PGSIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report_kill("read of a PROT_NONE page: PROT_NONE",
              none == MAP_FAILED ? -2 : why_killed(do_read, none), KILL_PROT_NONE);

  // Far above anything this program maps, below the kernel.
  report_kill("store where nothing is mapped: no mapping",
              why_killed(do_write, (char *)0x7f000000), KILL_NO_MAPPING);
  report_kill("read of a kernel address: kernel address",
              why_killed(do_read, (char *)0x80100000), KILL_KERNEL);
  report_kill("invalid instruction: CPU exception", why_killed(do_ud2, 0), KILL_TRAP);
  exit();
}
