// For the kill-message tests (300 and up): run an access in a child and
// learn why the kernel killed it, from procs() (procinfo.h). The reason is
// the same classification the console kill message is printed from.
#ifndef KILLWHY_H
#define KILLWHY_H

#include "types.h"
#include "user.h"
#include "procinfo.h"

// The kill reason of process pid as procs() shows it now, or -1.
static inline int kill_reason_of(int pid) {
  static struct procinfo ps[PROCS_MAX];
  int n = procs(ps, PROCS_MAX);
  for (int i = 0; i < n && i < PROCS_MAX; i++)
    if (ps[i].pid == pid)
      return ps[i].kill_reason;
  return -1;
}

// Fork a child that calls touch(a). Returns the child's kill reason
// (KILL_NONE if it survived), read while it is still unreaped: its end
// of the pipe closes only when it exits, after the reason is set.
static inline int why_killed(void (*touch)(volatile char *), volatile char *a) {
  int fds[2];
  if (pipe(fds) < 0)
    return -1;
  int pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    close(fds[0]);
    touch(a);
    write(fds[1], "s", 1);
    exit();
  }
  close(fds[1]);
  char c;
  int survived = read(fds[0], &c, 1) == 1;
  close(fds[0]);
  if (survived) {   // it may still be on its way out: let it finish
    wait();
    return KILL_NONE;
  }
  int why = kill_reason_of(pid);
  wait();
  return why;
}

static inline void do_read(volatile char *a) { (void)*a; }
static inline void do_write(volatile char *a) { *a = 'x'; }

static inline void report_kill(char *what, int got, int want) {
  if (got == want)
    printf(1, "XV6_TEST_OUTPUT %s: ok\n", what);
  else
    printf(1, "XV6_TEST_OUTPUT %s: FAIL (kill reason %d, expected %d)\n", what, got, want);
}

#endif
