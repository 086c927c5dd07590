// What the memory-management hostile tests (test_101..199) share: result
// lines and a check that the kernel holds what it held before the attack.
// Everything is static inline, so a test need not use all of it.
#ifndef HOSTILE_MM_H
#define HOSTILE_MM_H

#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"
#include "leakcheck.h"

#define PGSIZE 4096

// One result line, compared with N.out.
static inline void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

static struct leak_counters hm_base;

// Remember the kernel's counters (call before the attack, with nothing of
// the test's own allocated yet).
static inline void baseline(void) {
  leak_take(&hm_base);
}

// Are the leak counters back where baseline() found them? Children that
// exited are reaped by wait(), but give the kernel a moment anyway; on a
// difference the counters are printed (not compared with N.out) to help.
static inline int back_to_baseline(void) {
  struct leak_counters now;
  if (leak_settle(&hm_base, &now, 50, 2))
    return 1;
  leak_report(1, "hostile", &hm_base, &now);
  return 0;
}

// Make (or empty) file name and fill it with n bytes of c. Returns 0 or -1.
static inline int make_file(char *name, int n, char c) {
  char buf[512];
  memset(buf, c, sizeof(buf));
  int fd = open(name, O_CREATE | O_RDWR);
  if (fd < 0)
    return -1;
  while (n > 0) {
    int k = n < (int)sizeof(buf) ? n : (int)sizeof(buf);
    if (write(fd, buf, k) != k) {
      close(fd);
      return -1;
    }
    n -= k;
  }
  close(fd);
  return 0;
}

#endif
