// An exec argument that ends at KERNBASE must not pull kernel memory into
// the new program. The attacker maps the last user page (just below
// KERNBASE) shared, puts an argument string at its end whose NUL is the
// last user byte, and a second process flips that NUL while exec runs. A
// kernel that measures the string a second time reads on into the kernel
// (which is mapped there) and copies kernel bytes into the new program's
// argv. The started program checks its argument: exactly ARGLEN 'k's.
#include "hostile.h"

#define ROUNDS 400
#define ARGLEN 24

static int fds[2];
static int started, leaked;

static void try_exec(char **argv) {
  int pid = fork();
  if (pid == 0) {
    exec("/test_3", argv);
    exit();
  }
  if (pid > 0)
    wait();
}

// Count what the started programs wrote: 'k' for a clean argument, 'L' for
// one longer than what the attacker wrote.
static void collect(void) {
  char c;
  close(fds[1]);
  while (read(fds[0], &c, 1) == 1) {
    started++;
    if (c != 'k')
      leaked++;
  }
  close(fds[0]);
}

static void attack(void) {
  if (pipe(fds) < 0 || fds[1] > 9) {
    report("pipe", 0);
    return;
  }
  char *top = mmap((void *)(KERNBASE - PGSIZE), PGSIZE, PROT_READ | PROT_WRITE,
                   SHARED_ANON | MAP_FIXED, -1, 0);
  if (top == MAP_FAILED) {
    report("map the last user page", 0);
    return;
  }
  volatile int *beat = (int *)top;    // the argument is at the other end
  char *arg = top + PGSIZE - 1 - ARGLEN;
  memset(arg, 'k', ARGLEN);
  arg[ARGLEN] = 0;                   // the byte at KERNBASE - 1
  char fdarg[4] = { '0' + fds[1], 0 };
  char *argv[] = { "test_3", arg, fdarg, 0 };

  try_exec(argv);                    // nobody flipping: must start
  int clean_start = 0;
  char c;
  // The pipe's write end stays open in the attacker, so an end of file
  // never comes: a marker ends what this start wrote. (Under fault
  // injection the fork or the exec may fail and write nothing; reading
  // without the marker would then wait for ever.)
  write(fds[1], "x", 1);
  while (read(fds[0], &c, 1) == 1 && c != 'x')
    clean_start = c == 'k';
  report("an argument ending at KERNBASE - 1 reaches the program", clean_start);

  if (start_flipper(&arg[ARGLEN], 'k', beat) < 0) {
    report("fork the flipper", 0);
    return;
  }
  for (int i = 0; i < ROUNDS; i++, (*beat)++)
    try_exec(argv);
  stop_children();
  collect();
  printf(1, "test_3: %d of %d started programs got kernel bytes in argv[1]\n", leaked,
           started);
  report("no kernel byte in a started program's argv", leaked == 0);
}

int main(int argc, char *argv[]) {
  if (argc == 3) {
    // Started by the attacker: say whether argv[1] is what it wrote.
    int ok = strlen(argv[1]) == ARGLEN;
    for (int i = 0; i < ARGLEN && ok; i++)
      ok = argv[1][i] == 'k';
    write(atoi(argv[2]), ok ? "k" : "L", 1);
    exit();
  }
  struct baseline b;
  baseline_take(&b);
  attacker(attack);
  report("kernel counters back where they were", baseline_back(&b));
  exit();
}
