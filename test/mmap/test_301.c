// Page 0 is never mapped: reading or writing through a NULL pointer (or a
// small offset from one) kills with "NULL pointer", and a system call
// given NULL fails with -1 instead. The program itself starts above it.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "killwhy.h"

int main(int argc, char *argv[]) {
  report_kill("NULL read: NULL pointer", why_killed(do_read, (char *)0), KILL_NULL);
  report_kill("NULL write: NULL pointer", why_killed(do_write, (char *)0), KILL_NULL);
  report_kill("write through a NULL struct pointer's member: NULL pointer",
              why_killed(do_write, (char *)0x7fc), KILL_NULL);
  printf(1, "XV6_TEST_OUTPUT the program's code lies above page 0: %s\n",
         (uint)main >= 4096 ? "ok" : "FAIL");
  int fd = open("null301", O_CREATE | O_RDWR);
  printf(1, "XV6_TEST_OUTPUT write(fd, NULL, 10) fails: %s\n",
         fd >= 0 && write(fd, (char *)0, 10) == -1 ? "ok" : "FAIL");
  printf(1, "XV6_TEST_OUTPUT read(fd, NULL, 10) fails: %s\n",
         fd >= 0 && read(fd, (char *)0, 10) == -1 ? "ok" : "FAIL");
  close(fd);
  unlink("null301");
  printf(1, "XV6_TEST_OUTPUT open(NULL) fails: %s\n", open((char *)0, O_RDONLY) == -1 ? "ok" : "FAIL");
  exit();
}
