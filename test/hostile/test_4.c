// init cannot be killed. kill(1) from a program, and `kill 1` as a command,
// must fail, and init must go on doing its work: reaping orphans. A kernel
// that lets init be killed panics ("init exiting") as soon as init
// returns to user space.
#include "hostile.h"

static void orphan(void) {
  // The child exits at once, leaving its own child to init.
  if (fork() == 0) {
    sleep(2);
    exit();
  }
}

static void attack(void) {
  report("kill(1) returns -1", kill(1) == -1);
  int pid = fork();
  if (pid == 0) {
    char *argv[] = { "kill", "1", 0 };
    exec("/kill", argv);
    printf(1, "test_4: exec kill failed\n");
    exit();
  }
  if (pid > 0)
    wait();
  // init is alive if it still reaps orphans: the observer sees the
  // process count come back.
  orphan();
}

int main(int argc, char *argv[]) {
  struct baseline b;
  baseline_take(&b);
  attacker(attack);
  report("init reaps an orphan afterwards", baseline_back(&b));
  exit();
}
