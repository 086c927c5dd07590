// init: the first user process. Sets up the console as fds 0, 1 and 2,
// keeps a shell running, and collects every orphan that exits.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

#define CONSOLE_MAJOR 1
#define CONSOLE_MINOR 1

static char *sh_argv[] = {"sh", 0};

int main(void) {
  // The console device node may not exist on a fresh disk image.
  if (open("console", O_RDWR) < 0) {
    mknod("console", CONSOLE_MAJOR, CONSOLE_MINOR);
    if (open("console", O_RDWR) < 0)
      exit();  // nowhere to even report the problem
  }
  dup(0);  // fd 1: stdout
  dup(0);  // fd 2: stderr

  for (;;) {
    printf(1, "init: starting sh\n");
    int sh = fork();
    if (sh < 0) {
      // init must never exit; wait a little for a free process slot.
      printf(1, "init: cannot fork a shell\n");
      sleep(100);
      continue;
    }
    if (sh == 0) {
      exec("sh", sh_argv);
      printf(1, "init: cannot run sh\n");
      exit();
    }
    // Orphans are re-parented to us; reap them quietly until the shell
    // itself exits, then start a new one.
    int pid;
    while ((pid = wait()) >= 0 && pid != sh)
      ;
    if (pid < 0) {
      // wait() says we have no children, yet the shell never reported
      // its exit: should not happen, but do not spin creating shells.
      printf(1, "init: lost track of sh\n");
      sleep(100);
    }
  }
}
