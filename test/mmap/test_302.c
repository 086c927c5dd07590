// Running off the bottom of the user stack hits the guard page below it,
// and the kill says "stack guard page", for a direct touch and for a
// runaway recursion.
#include "types.h"
#include "user.h"
#include "killwhy.h"

#define PGSIZE 4096

// One page below the page this frame is on: the guard page (the stack is
// one page, and main's frame sits on it).
static void touch_guard(volatile char *unused) {
  volatile char here;
  volatile char *guard = (char *)(((uint)&here & ~(PGSIZE - 1)) - 1);
  *guard = 1;
}

// Far deeper than the one-page stack allows: the guard page stops it.
static int deep(int n) {
  volatile char frame[256];
  frame[0] = n;
  if (n > 100000)
    return 0;
  return deep(n + 1) + frame[0];
}

static void recurse(volatile char *unused) {
  deep(0);
}

int main(int argc, char *argv[]) {
  report_kill("store into the stack guard page: stack guard page",
              why_killed(touch_guard, 0), KILL_GUARD);
  report_kill("runaway recursion: stack guard page", why_killed(recurse, 0), KILL_GUARD);
  exit();
}
