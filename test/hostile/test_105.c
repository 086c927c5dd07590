// The kernel must not trust the direction flag: a program sets it (std)
// and then makes system calls whose kernel code copies with rep movs
// (fork copies region records and the trap frame; read and write copy
// buffers). With DF set those copies would run backwards over kernel
// memory. The child checks it got its parent's memory and mappings.
#include "hostile_mm.h"
#include "syscall.h"

// munmap and mprotect made with the direction flag set: the stubs take
// their arguments on the stack as usys.S's do.
asm(".text\n"
    ".globl munmap_df\n"
    "munmap_df:\n"
    "  movl $" "25" ", %eax\n"
    "  std\n"
    "  int $64\n"
    "  cld\n"
    "  ret\n"
    ".globl mprotect_df\n"
    "mprotect_df:\n"
    "  movl $" "27" ", %eax\n"
    "  std\n"
    "  int $64\n"
    "  cld\n"
    "  ret\n");
int munmap_df(void *addr, uint len);
int mprotect_df(void *addr, uint len, int prot);
_Static_assert(SYS_munmap == 25 && SYS_mprotect == 27, "stub numbers");

// A system call without arguments made with the direction flag set.
static int call_with_df(int num) {
  int ret;
  asm volatile("std; int $64; cld" : "=a"(ret) : "a"(num) : "memory", "cc");
  return ret;
}

int
main(int argc, char *argv[])
{
  baseline();
  char *shared = mmap(0, 4 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  char *priv = mmap(0, 4 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED || priv == MAP_FAILED) {
    report("mmap", 0);
    exit();
  }
  for (int i = 0; i < 4 * PGSIZE; i++) {
    shared[i] = (char)i;
    priv[i] = (char)(i * 3);
  }

  int rounds_ok = 1;
  for (int round = 0; round < 4; round++) {
    int pid = call_with_df(SYS_fork);
    if (pid == 0) {
      int bad = 0;
      for (int i = 0; i < 4 * PGSIZE; i++)
        if (shared[i] != (char)i || priv[i] != (char)(i * 3))
          bad = 1;
      shared[round] = bad ? 'x' : 'k';     // the parent sees this
      priv[0] = 'c';                       // copy-on-write: the parent does not
      exit();
    }
    if (pid < 0 || wait() != pid || shared[round] != 'k' || priv[0] != 0)
      rounds_ok = 0;
    shared[round] = (char)round;
    call_with_df(SYS_getpid);
  }
  report("fork with the direction flag set", rounds_ok);

  // Splits: mprotect of a middle page, munmap of another (region records
  // are copied), while a second process spins with the flag set (timer
  // interrupts enter the kernel from it).
  int spinner = fork();
  if (spinner == 0) {
    asm volatile("std");
    for (volatile int i = 0; i < 20000000; i++)
      ;
    asm volatile("cld");
    exit();
  }
  int split_ok = 1;
  for (int round = 0; round < 200; round++) {
    char *q = mmap(0, 8 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) {
      split_ok = 0;
      break;
    }
    q[0] = 1;
    q[7 * PGSIZE] = 2;
    if (mprotect_df(q + 2 * PGSIZE, PGSIZE, PROT_READ) != 0 ||
        munmap_df(q + 5 * PGSIZE, PGSIZE) != 0 || q[0] != 1 || q[7 * PGSIZE] != 2 ||
        munmap(q, 8 * PGSIZE) != 0)
      split_ok = 0;
  }
  kill(spinner);
  wait();
  report("splits with the direction flag set", split_ok);
  report("munmap", munmap(shared, 4 * PGSIZE) == 0 && munmap(priv, 4 * PGSIZE) == 0);
  report("counters back at baseline", back_to_baseline());
  exit();
}
