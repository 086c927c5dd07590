// The kmalloc self-test (kmtest) judges only its own blocks and pages.
// Four processes run it at once (with four CPUs, truly in parallel), and
// all must pass: a self-test that compares the whole system's free-page
// count before and after reports another test's blocks as its own leak
// (-6).
#include "hostile.h"

#define NPROCS 4
#define RUNS 3
#define ROUNDS 2000

static int *result;   // shared: the first non-zero result of each process

static void attack(void) {
  result = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, SHARED_ANON, -1, 0);
  if (result == MAP_FAILED) {
    report("map a shared page", 0);
    return;
  }
  for (int k = 0; k < NPROCS; k++) {
    int pid = fork();
    if (pid < 0)
      result[k] = 1;
    if (pid == 0) {
      for (int r = 0; r < RUNS && result[k] == 0; r++)
        result[k] = kmtest(100 * k + r + 1, ROUNDS);
      exit();
    }
  }
  while (wait() >= 0)
    ;
  int ok = 1;
  for (int k = 0; k < NPROCS; k++)
    if (result[k] != 0) {
      printf(1, "test_9: process %d: kmtest returned %d\n", k, result[k]);
      ok = 0;
    }
  report("four kmtest calls at once all pass", ok);
}

int main(int argc, char *argv[]) {
  attack_and_check(attack);
  exit();
}
