// Processes, CPUs and the scheduler.
#ifndef KERNEL_PROC_PROC_H
#define KERNEL_PROC_PROC_H

#include "types.h"
#include "param.h"
#include "mmu.h"
#include "arch/x86.h"
#include "lock/spinlock.h"

struct file;
struct inode;
struct spinlock;
struct kmuser;
struct vmspace;

// Callee-saved registers swtch() keeps for a kernel thread that is not
// running. The saved %esp is the address of this structure itself.
struct context {
  uint edi;
  uint esi;
  uint ebx;
  uint ebp;
  uint eip;
};

// Per-CPU state. %gs:0 holds `self`, so mycpu() is one load.
struct cpu {
  struct cpu *self;
  uchar apicid;                // local APIC id
  struct context *scheduler;   // swtch() here to enter the scheduler
  struct taskstate ts;         // gives the CPU the kernel stack for traps
  struct segdesc gdt[NSEGS];
  volatile uint started;       // set once the CPU has booted
  int ncli;                    // depth of pushcli nesting
  int intena;                  // were interrupts on before the first pushcli?
  struct proc *proc;           // running process, or 0
  void *kmcache;               // kmalloc's per-CPU block cache
};

extern struct cpu cpus[NCPU];
extern int ncpu;

// The running CPU. Callers must keep interrupts off (or not care which
// CPU they were on a moment ago).
static inline struct cpu *mycpu(void) {
  struct cpu *c;
  asm volatile("movl %%gs:0, %0" : "=r"(c));
  return c;
}
int cpuid(void);

enum procstate { UNUSED, EMBRYO, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
  struct vmspace *vm;          // user memory (mm/vmspace.h); changes under ptable.lock
  char *kstack;                // bottom of the kernel stack
  enum procstate state;
  int pid;
  struct proc *parent;
  struct trapframe *tf;        // trap frame of the current system call
  struct context *context;     // swtch() here to run the process
  void *chan;                  // sleeping on this, if non-zero
  int killed;
  int kill_reason;             // enum kill_reason (procinfo.h), set with killed
  struct file *ofile[NOFILE];
  struct inode *cwd;
  char name[16];               // for debugging and kill messages
  struct kmuser *kmuser;       // kmalloc blocks obtained through the test call
};

struct proc *myproc(void);
void pinit(void);
void userinit(void);
void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
int  fork(void);
void exit(void) __attribute__((noreturn));
int  wait(void);
int  kill(int pid);          // -1 if there is no such process, or it is init
int  growproc(int n);
void procdump(void);
int  nprocs_in_use(void);
// Mark p killed for `reason` (enum kill_reason); the first reason stays.
void proc_mark_killed(struct proc *p, int reason);
struct procinfo;
// Fill out[0..max) with the processes in use; returns how many there are.
int  proc_list(struct procinfo *out, int max);
// A reference to the address space of live process pid, for pmap (drop it
// with vmspace_release), or 0 if there is no such process.
struct vmspace *proc_vmspace_get(int pid);
// Make vm p's address space; returns the old one (see mm/vmspace.c).
struct vmspace *proc_set_vmspace(struct proc *p, struct vmspace *vm);

// swtch.S: save current callee-saved registers in *old, load new.
void swtch(struct context **old, struct context *new);

#endif
