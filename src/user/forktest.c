// forktest: fork until the process table is full, then make sure every
// child can be waited for and that wait() then reports no children.

#include "types.h"
#include "stat.h"
#include "user.h"

#define TRIES 1000  // far more than NPROC: fork has to fail at some point

int main(void) {
  int n;

  printf(1, "fork test\n");
  for (n = 0; n < TRIES; n++) {
    int pid = fork();
    if (pid < 0)
      break;
    if (pid == 0)
      exit();
  }
  if (n == TRIES) {
    printf(1, "forktest: fork never failed in %d tries\n", TRIES);
    exit();
  }
  for (int i = 0; i < n; i++) {
    if (wait() < 0) {
      printf(1, "forktest: too few children to wait for\n");
      exit();
    }
  }
  if (wait() != -1) {
    printf(1, "forktest: wait found an unexpected child\n");
    exit();
  }
  printf(1, "fork test OK\n");
  exit();
}
