// The stack is a one-page region with an unmapped guard page below it: a
// child recursing past its stack is killed at the guard (the kill reason
// says so; the console shows the kernel's one-line kill message), the
// parent sees it through wait() and goes on, recursing within its own
// page; after the heap has grown and after fork the guard is still there.
#include "types.h"
#include "user.h"
#include "killwhy.h"

#define PGSIZE 4096

// About depth * 300 bytes of stack.
static int deep(int depth) {
  volatile char frame[256];
  frame[0] = depth;
  if (depth == 0)
    return frame[0];
  return deep(depth - 1) + frame[0];
}

static void overflow(volatile char *unused) {
  deep(100000);
}

static void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

int
main(int argc, char *argv[])
{
  report_kill("a child recursing past its stack is killed at the guard page",
              why_killed(overflow, 0), KILL_GUARD);
  report("the parent goes on and recurses within its stack page", deep(4) == 4 * 5 / 2);

  char *heap = sbrk(16 * PGSIZE);
  report("the heap grows above the stack", heap != (char *)-1 && (uint)heap > (uint)&heap);
  report_kill("after the heap grew: still killed at the guard page",
              why_killed(overflow, 0), KILL_GUARD);

  int pid = fork();
  if (pid == 0) {
    // A grandchild of the test, from a forked (not exec'd) image.
    int why = why_killed(overflow, 0);
    printf(1, "XV6_TEST_OUTPUT in a forked child: killed at the guard page: %s\n",
           why == KILL_GUARD ? "ok" : "FAIL");
    exit();
  }
  wait();
  exit();
}
