// What the kmalloc tests in this folder share: the result line of one
// check, the closing line that says whether the free-page count came
// back, and pipe and fork for tests that cannot go on without them.
#ifndef KMTEST_UTIL_H
#define KMTEST_UTIL_H

#include "types.h"
#include "user.h"
#include "children.h"

// One result line, compared with N.out: "what: ok" or "what: WRONG".
static inline void
check(char *what, int ok)
{
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "WRONG");
}

// The closing line on the free-page count: "free pages unchanged" if
// freepages() is back at before; otherwise "free pages changed", or with
// show_counts "free pages <before> before, <after> after".
static inline void
say_free_pages(int before, int show_counts)
{
  int after = freepages();
  if(after == before)
    printf(1, "XV6_TEST_OUTPUT free pages unchanged\n");
  else if(show_counts)
    printf(1, "XV6_TEST_OUTPUT free pages %d before, %d after\n", before, after);
  else
    printf(1, "XV6_TEST_OUTPUT free pages changed\n");
}

// pipe(), or report the failure and exit (a fault-injection run makes it
// fail; going on with unset descriptors could read the console forever).
static inline void
pipe_or_exit(int fds[2])
{
  if(pipe(fds) < 0){
    check("pipe", 0);
    end_children();
    exit();
  }
}

// fork() that remembers the child; if it fails, report it, kill and reap
// the children forked so far (which may be waiting for a go signal that
// would never come) and exit.
static inline int
fork_or_exit(void)
{
  int pid = fork_tracked();
  if(pid < 0){
    check("fork", 0);
    end_children();
    exit();
  }
  return pid;
}

#endif
