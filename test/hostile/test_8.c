// sleep(n) with n < 0 returns -1 at once. A kernel that compares ticks as
// unsigned numbers sleeps for about 2^32 ticks instead (the test never
// comes back).
#include "hostile.h"

int main(int argc, char *argv[]) {
  report("sleep(-1) returns -1", sleep(-1) == -1);
  report("sleep(-2147483648) returns -1", sleep(-2147483647 - 1) == -1);
  report("sleep(0) returns 0", sleep(0) == 0);
  report("sleep(1) returns 0", sleep(1) == 0);
  exit();
}
