// exec's path and argument strings are read from user memory once. As in
// test 1, each string ends on the last byte of a shared page with nothing
// mapped after it, and a second process flips its NUL while exec runs: a
// kernel that measures the string again while building the new stack runs
// off the page ("page fault in kernel"). exec must either start the
// program with the strings as they were copied or return -1.
#include "hostile.h"

#define ROUNDS 200
#define ARGLEN 30

static void try_exec(char *path, char **argv) {
  int pid = fork();
  if (pid == 0) {
    exec(path, argv);
    exit();
  }
  if (pid > 0)
    wait();
}

static void attack(void) {
  char *page = shared_page_before_hole();
  if (page == 0) {
    report("map a shared page before a hole", 0);
    return;
  }
  // The argument string fills the end of the page; the path sits before it
  // in the same page, and the flipper switches between the two by
  // flipping the NUL of the one at the end.
  volatile int *beat = (int *)page;   // the strings are at the other end
  char *arg = page + PGSIZE - 1 - ARGLEN;
  memset(arg, 'q', ARGLEN);
  arg[ARGLEN] = 0;
  char *path = page + PGSIZE - 1 - ARGLEN - 16;
  strcpy(path, "/test_2");
  char *argv[] = { "test_2", arg, 0 };

  int fds[2];
  if (pipe(fds) < 0) {
    report("pipe", 0);
    return;
  }
  if (start_flipper(&arg[ARGLEN], 'q', beat) < 0) {
    report("fork the flipper", 0);
    return;
  }
  for (int i = 0; i < ROUNDS; i++, (*beat)++)
    try_exec(path, argv);            // the argument string flips
  stop_children();

  // Now the path itself ends on the page's last byte.
  path = page + PGSIZE - 8;
  strcpy(path, "/test_2");
  char *argv2[] = { "test_2", "x", 0 };
  if (start_flipper(&path[7], '2', beat) < 0) {
    report("fork the flipper", 0);
    return;
  }
  for (int i = 0; i < ROUNDS; i++, (*beat)++)
    try_exec(path, argv2);
  stop_children();
  report("exec with its path and argv strings changing under it", 1);
}

int main(int argc, char *argv[]) {
  if (argc > 1)
    exit();     // started by the attacker: nothing to do
  struct baseline b;
  baseline_take(&b);
  attacker(attack);
  report("kernel counters back where they were", baseline_back(&b));
  exit();
}
