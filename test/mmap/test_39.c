// Running on a stack in never-touched mmap'd memory (as a user-level
// thread library would): the stack pages fault in on the way down, system
// calls find their arguments and buffers there, and fork from that stack
// works for parent and child (the stack pages are copy-on-write). Calls and
// system calls also work on a MAP_SHARED stack (no fork there: parent and
// child would share one stack).
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define STACK_PAGES 16

uint saved_esp;
int results[8];
int do_fork;

// Recursion that uses about 6 KiB of stack per level.
int deep(int n) {
  char pad[6000];
  memset(pad, n, sizeof(pad));      // a real frame: the array escapes
  if (n == 0)
    return 0;
  return deep(n - 1) + pad[0] + pad[5999];
}

void work(void) {
  char buf[64];
  // Stack usage across pages.
  results[0] = deep(4) == 2 * (4 + 3 + 2 + 1);
  // System call arguments and buffers on this stack.
  int fd = open("sample.txt", O_RDONLY);
  int n = read(fd, buf, sizeof(buf));
  close(fd);
  results[1] = n == 13 && buf[0] == 'H' && buf[12] == '!';
  if (!do_fork)
    return;
  // fork from this stack.
  int fds[2];
  pipe_or_exit(fds);
  char mine = 'm';
  int pid = fork();
  if (pid == 0) {
    close(fds[0]);
    char ok = mine == 'm' && deep(2) == 2 * (2 + 1) ? 'y' : 'n';
    mine = 'c';
    write(fds[1], &ok, 1);
    exit();
  }
  close(fds[1]);
  char c = 0;
  results[2] = pid > 0 && read(fds[0], &c, 1) == 1 && c == 'y';
  results[3] = wait() == pid && mine == 'm';
  close(fds[0]);
}

void run_on(char *stack_top) {
  asm volatile("movl %%esp, saved_esp\n\t"
               "movl %0, %%esp\n\t"
               "call *%1\n\t"
               "movl saved_esp, %%esp"
               : : "r"(stack_top), "r"(work) : "memory", "eax", "ecx", "edx");
}

int
main(int argc, char *argv[])
{
  char *st = mmap_or_exit("mmap", 0, STACK_PAGES * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  do_fork = 1;
  run_on(st + STACK_PAGES * PGSIZE);
  report("private stack: calls across several untouched pages", results[0]);
  report("private stack: system call arguments and buffers on it", results[1]);
  report("private stack: fork from it, the child runs on its copy", results[2]);
  report("private stack: the parent's stack is its own after fork", results[3]);
  int n = pmap(0, ents, 146);
  if (n != 1 || ents[0].resident < 5)
    printf(1, "%d regions, %d resident\n", n, ents[0].resident);
  report("private stack: its pages became resident", n == 1 && ents[0].resident >= 5);

  char *sh = mmap_or_exit("mmap shared", 0, STACK_PAGES * PGSIZE, RW,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset(results, 0, sizeof(results));
  do_fork = 0;
  run_on(sh + STACK_PAGES * PGSIZE);
  report("shared stack: calls and system calls work", results[0] && results[1]);
  exit();
}
