// ps: list the processes (pid, parent, state, memory, mmap regions, name),
// from the procs() system call. A killed process shows why it was killed.
#include "types.h"
#include "user.h"
#include "procinfo.h"

static const char *state_name(int s) {
  static const char *names[] = {
    [PS_EMBRYO] = "embryo", [PS_SLEEPING] = "sleep", [PS_RUNNABLE] = "runble",
    [PS_RUNNING] = "run", [PS_ZOMBIE] = "zombie",
  };
  if (s > 0 && s <= PS_ZOMBIE && names[s])
    return names[s];
  return "?";
}

// The short form of each kill message (see arch/trap.c for the long one).
static const char *kill_name(int k) {
  static const char *names[] = {
    [KILL_SIGNAL] = "kill()", [KILL_NULL] = "NULL pointer",
    [KILL_NO_MAPPING] = "no mapping", [KILL_KERNEL] = "kernel address",
    [KILL_GUARD] = "stack guard page", [KILL_READ_ONLY] = "read-only mapping",
    [KILL_PROT_NONE] = "PROT_NONE mapping", [KILL_NO_MEMORY] = "out of memory",
    [KILL_PAST_EOF] = "past end of file", [KILL_TRAP] = "CPU exception",
  };
  if (k > 0 && k <= KILL_TRAP && names[k])
    return names[k];
  return "?";
}

int main(int argc, char *argv[]) {
  static struct procinfo ps[PROCS_MAX];
  int n = procs(ps, PROCS_MAX);
  if (n < 0) {
    printf(2, "ps: procs failed\n");
    exit();
  }
  printf(1, "PID\tPPID\tSTATE\tSIZE\tREGIONS\tNAME\n");
  for (int i = 0; i < n && i < PROCS_MAX; i++) {
    struct procinfo *p = &ps[i];
    printf(1, "%d\t%d\t%s\t%d\t%d\t%s", p->pid, p->ppid, state_name(p->state),
           p->sz, p->regions, p->name);
    if (p->kill_reason != KILL_NONE)
      printf(1, "\t(killed: %s)", kill_name(p->kill_reason));
    printf(1, "\n");
  }
  exit();
}
