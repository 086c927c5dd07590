// Text is mapped read-only from the program's file: reading code and
// string constants works, a store into either kills the child (a store
// into a read-only mapping), and the parent's text is unchanged.
#include "types.h"
#include "user.h"
#include "killwhy.h"

static char *greeting = "read-only";

static void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

int
main(int argc, char *argv[])
{
  volatile char *code = (volatile char *)main;
  char first = *code;
  report("code and string constants can be read", greeting[0] == 'r' && first == *code);
  report_kill("a store into the code kills", why_killed(do_write, code), KILL_READ_ONLY);
  report_kill("a store into a string constant kills", why_killed(do_write, greeting),
              KILL_READ_ONLY);
  report("the parent's text is unchanged", *code == first && greeting[0] == 'r');
  exit();
}
