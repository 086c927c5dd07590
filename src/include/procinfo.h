// procs(): one line of the process table for user space (the `ps`
// program), and why a process was killed. Shared by kernel and user code.
#ifndef XV6_PROCINFO_H
#define XV6_PROCINFO_H

// How many entries one procs() call fills at most (the process table).
#define PROCS_MAX 64

// Process states as procs() reports them.
enum procinfo_state {
  PS_EMBRYO = 1,     // being created by fork
  PS_SLEEPING = 2,   // waiting (for a child, a pipe, the disk, a tick)
  PS_RUNNABLE = 3,   // ready for a CPU
  PS_RUNNING = 4,    // on a CPU now
  PS_ZOMBIE = 5,     // exited, not yet reaped by wait()
};

// Why a process was killed: the same cases as its console kill message.
// Set once, when it is first marked killed; it keeps it until reaped, so
// a parent can read it with procs() before wait().
enum kill_reason {
  KILL_NONE = 0,       // not killed
  KILL_SIGNAL = 1,     // kill(pid)
  KILL_NULL = 2,       // touched page 0: "NULL pointer"
  KILL_NO_MAPPING = 3, // "no mapping at 0x..."
  KILL_KERNEL = 4,     // "kernel address 0x..."
  KILL_GUARD = 5,      // "stack guard page"
  KILL_READ_ONLY = 6,  // "store into read-only mapping ..."
  KILL_PROT_NONE = 7,  // "access to PROT_NONE mapping ..."
  KILL_NO_MEMORY = 8,  // "out of memory on a page fault ..."
  KILL_PAST_EOF = 9,   // "page fault past the end of a mapped file ..."
  KILL_TRAP = 10,      // another CPU exception (divide error, ...)
};

struct procinfo {
  int pid;
  int ppid;            // 0 for init (no parent)
  int state;           // enum procinfo_state
  uint sz;             // end of text, data, stack and heap (sbrk)
  int regions;         // mmap regions
  int kill_reason;     // enum kill_reason
  char name[16];
};

#endif
