// What the hostile tests share. Each test is an observer and one or more
// attackers: the observer (the test's first process) takes the kernel's
// counters, forks the attackers, reaps them and checks that the counters
// came back, so that an attacker's leak shows even when the page tables or
// mappings of the attacker itself would hide it.
//
// Everything is static (inline, so that a test need not use all of it).
#ifndef HOSTILE_H
#define HOSTILE_H

#include "types.h"
#include "param.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"
#include "leakcheck.h"
#include "children.h"

#define PGSIZE 4096
#define KERNBASE 0x80000000u
#define SHARED_ANON (MAP_SHARED | MAP_ANONYMOUS)

// One result line, compared with N.out.
static inline void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

// ---- the kernel's counters -------------------------------------------------------

// The kernel's counters (leakcheck.h: memleak compares the same).
struct baseline {
  struct leak_counters c;
};

static inline void baseline_take(struct baseline *b) {
  leak_take(&b->c);
}

// Are the counters back at b? Orphans are reaped by init a little later,
// so a difference is looked at again for a while before it counts; then
// the differences are printed (not compared with N.out) to help.
static inline int baseline_back(struct baseline *b) {
  struct leak_counters now;
  if (leak_settle(&b->c, &now, 200, 1))
    return 1;
  leak_report(1, "hostile", &b->c, &now);
  return 0;
}

// ---- on-disk inodes ----------------------------------------------------------------

// Free on-disk inodes, counted by creating files until the disk has none
// left (the kernel prints "ialloc: no inodes" then), and removing them.
static inline int free_inodes(void) {
  char name[16];
  int n = 0;
  for (;; n++) {
    strcpy(name, "/hi.");
    name[4] = 'a' + n / 26 / 26 % 26;
    name[5] = 'a' + n / 26 % 26;
    name[6] = 'a' + n % 26;
    name[7] = 0;
    int fd = open(name, O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    close(fd);
  }
  for (int i = 0; i < n; i++) {
    name[4] = 'a' + i / 26 / 26 % 26;
    name[5] = 'a' + i / 26 % 26;
    name[6] = 'a' + i % 26;
    unlink(name);
  }
  return n;
}

// ---- memory an attacker shares with a second process ----------------------------

// A page of MAP_SHARED anonymous memory with an unmapped page right after
// it, or 0. A string that ends on its last byte has nothing readable after.
static inline char *shared_page_before_hole(void) {
  char *p = mmap(0, 2 * PGSIZE, PROT_READ | PROT_WRITE, SHARED_ANON, -1, 0);
  if (p == MAP_FAILED)
    return 0;
  if (munmap(p + PGSIZE, PGSIZE) < 0) {
    munmap(p, 2 * PGSIZE);
    return 0;
  }
  return p;
}

// Fork a child that flips *byte between 0 and c until killed, or until
// *beat (shared memory the attacker bumps as it works) has not moved for a
// long while: an attacker killed before it could kill its flipper (fault
// injection's out-of-memory kills) leaves no process spinning for ever.
// Returns the flipper's pid, or -1.
static inline int start_flipper(volatile char *byte, char c, volatile int *beat) {
  int pid = fork_tracked();
  if (pid == 0) {
    int seen = *beat, still = 0;
    while (still < 1024) {
      for (int i = 0; i < 65536; i++) {
        *byte = c;
        *byte = 0;
      }
      if (*beat == seen) {
        still++;
      } else {
        seen = *beat;
        still = 0;
      }
    }
    exit();
  }
  return pid;
}

// Kill every child and wait for them all.
static inline void stop_children(void) {
  end_children();
}

// Fork an attacker running fn(); the caller waits for it. Returns its pid
// or -1 (reported).
static inline int attacker(void (*fn)(void)) {
  int pid = fork();
  if (pid < 0) {
    report("fork an attacker", 0);
    return -1;
  }
  if (pid == 0) {
    fn();
    exit();
  }
  while (wait() >= 0)
    ;
  return pid;
}

// The usual test: take the kernel's counters, run fn in an attacker and
// wait for it (and its children), then report whether the counters came
// back.
static inline void attack_and_check(void (*fn)(void)) {
  struct baseline b;
  baseline_take(&b);
  attacker(fn);
  report("kernel counters back where they were", baseline_back(&b));
}

#endif
