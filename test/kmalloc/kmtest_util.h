// What the kmalloc tests in this folder share: the result line of one
// check, and the closing line that says whether the free-page count came
// back.
#ifndef KMTEST_UTIL_H
#define KMTEST_UTIL_H

#include "types.h"
#include "user.h"

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

#endif
