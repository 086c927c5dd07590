// Remembered children: see children.h.
#include "types.h"
#include "param.h"
#include "user.h"
#include "children.h"

// Enough for a process table full of children. Pids are never reused, so
// killing a child that has already been reaped only gets -1.
static int tracked[2 * NPROC];
static int ntracked;

int
fork_tracked(void)
{
  int pid = fork();
  if (pid == 0)
    ntracked = 0;
  else if (pid > 0 && ntracked < (int)(sizeof tracked / sizeof tracked[0]))
    tracked[ntracked++] = pid;
  return pid;
}

void
end_children(void)
{
  for (int i = 0; i < ntracked; i++)
    kill(tracked[i]);
  ntracked = 0;
  while (wait() >= 0)
    ;
}
