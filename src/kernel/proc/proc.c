// Processes: the process table, creation (fork), exit and wait, sleeping
// and waking, and the per-CPU scheduler loop.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "procinfo.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "arch/trap.h"
#include "lock/spinlock.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "mm/vmspace.h"
#include "mm/kmuser.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "fs/log.h"
#include "dev/console.h"
#include "lib/klib.h"

static struct {
  struct spinlock lock;
  struct proc proc[NPROC];
} ptable;

static struct proc *initproc;
static int nextpid = 1;

extern void trapret(void);
static void forkret(void);
static void wakeup_locked(void *chan);

void pinit(void) {
  initlock(&ptable.lock, "ptable");
}

// Index of this CPU in cpus[]. Interrupts must be off.
int cpuid(void) {
  return mycpu() - cpus;
}

struct proc *myproc(void) {
  pushcli();
  struct proc *p = mycpu()->proc;
  popcli();
  return p;
}

// Find an UNUSED slot, give it a pid and a kernel stack prepared so that
// the first swtch() to it runs forkret() and then returns to user space
// through trapret. Returns 0 if the table or memory is full.
static struct proc *allocproc(void) {
  struct proc *p;
  acquire(&ptable.lock);
  for (p = ptable.proc; p < &ptable.proc[NPROC]; p++)
    if (p->state == UNUSED)
      goto found;
  release(&ptable.lock);
  return 0;

found:
  p->state = EMBRYO;
  p->pid = nextpid++;
  release(&ptable.lock);

  if ((p->kstack = kalloc()) == 0) {
    p->state = UNUSED;
    return 0;
  }
  // Stack layout, top down: trap frame, trapret's address (forkret
  // returns there), then the context swtch() pops.
  char *sp = p->kstack + KSTACKSIZE;
  sp -= sizeof(*p->tf);
  p->tf = (struct trapframe *)sp;
  sp -= 4;
  *(uint *)sp = (uint)trapret;
  sp -= sizeof(*p->context);
  p->context = (struct context *)sp;
  memset(p->context, 0, sizeof(*p->context));
  p->context->eip = (uint)forkret;

  p->vm = 0;
  p->kmuser = 0;
  return p;
}

// A user-mode trap frame that starts initcode at USERBASE with the stack
// at the top of that page.
static void set_user_entry(struct trapframe *tf) {
  memset(tf, 0, sizeof(*tf));
  tf->cs = (SEG_UCODE << 3) | DPL_USER;
  tf->ds = (SEG_UDATA << 3) | DPL_USER;
  tf->es = tf->ds;
  tf->ss = tf->ds;
  tf->eflags = FL_IF;
  tf->esp = USERBASE + PGSIZE;
  tf->eip = USERBASE;
}

void userinit(void) {
  extern char _binary_initcode_start[], _binary_initcode_size[];
  struct proc *p = allocproc();
  if (p == 0)
    panic("userinit: no process slot");
  initproc = p;
  if ((p->vm = vmspace_create()) == 0)
    panic("userinit: out of memory");
  vmspace_load_initcode(p->vm, _binary_initcode_start, (uint)_binary_initcode_size);
  set_user_entry(p->tf);
  safestrcpy(p->name, "initcode", sizeof(p->name));
  p->cwd = namei("/");

  acquire(&ptable.lock);
  p->state = RUNNABLE;
  release(&ptable.lock);
}

// sbrk: grow or shrink the heap by n bytes. The heap may not run into a
// mapped region or the kernel.
int growproc(int n) {
  struct proc *p = myproc();
  if (vmspace_grow(p->vm, n) < 0)
    return -1;
  switchuvm(p);   // reload %cr3 so dropped pages leave the TLB
  return 0;
}

int fork(void) {
  struct proc *cur = myproc();
  struct proc *np = allocproc();
  if (np == 0)
    return -1;

  // np is an EMBRYO, which pmap does not look at: no lock needed to set vm.
  if ((np->vm = vmspace_fork(cur->vm, cur->tf->esp)) == 0) {
    kfree(np->kstack);
    np->kstack = 0;
    np->state = UNUSED;
    return -1;
  }
  np->parent = cur;
  *np->tf = *cur->tf;
  np->tf->eax = 0;   // the child sees fork() return 0

  for (int i = 0; i < NOFILE; i++)
    if (cur->ofile[i])
      np->ofile[i] = filedup(cur->ofile[i]);
  np->cwd = idup(cur->cwd);
  safestrcpy(np->name, cur->name, sizeof(cur->name));

  int pid = np->pid;
  acquire(&ptable.lock);
  np->state = RUNNABLE;
  release(&ptable.lock);
  return pid;
}

// Leave for good. The process stays a ZOMBIE until its parent's wait()
// frees its kernel stack and page table.
void exit(void) {
  struct proc *cur = myproc();
  if (cur == initproc)
    panic("init exiting");

  // Write back and drop mappings while the process can still sleep for
  // disk I/O; the rest of the address space goes in wait().
  vmspace_unmap_all(cur->vm);
  kmuser_release(cur);

  for (int fd = 0; fd < NOFILE; fd++) {
    if (cur->ofile[fd]) {
      fileclose(cur->ofile[fd]);
      cur->ofile[fd] = 0;
    }
  }
  begin_op();
  iput(cur->cwd);
  end_op();
  cur->cwd = 0;

  acquire(&ptable.lock);
  wakeup_locked(cur->parent);   // the parent may be sleeping in wait()

  // Children go to init, which reaps them.
  for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++) {
    if (p->parent == cur) {
      p->parent = initproc;
      if (p->state == ZOMBIE)
        wakeup_locked(initproc);
    }
  }

  cur->state = ZOMBIE;
  sched();
  panic("zombie exit");
}

// Wait for a child to exit; return its pid, or -1 with no children.
int wait(void) {
  struct proc *cur = myproc();
  acquire(&ptable.lock);
  for (;;) {
    int have_kids = 0;
    for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++) {
      if (p->parent != cur)
        continue;
      have_kids = 1;
      if (p->state == ZOMBIE) {
        int pid = p->pid;
        kfree(p->kstack);
        p->kstack = 0;
        vmspace_release(p->vm);   // the last reference, unless a pmap holds one
        p->vm = 0;
        p->pid = 0;
        p->parent = 0;
        p->name[0] = 0;
        p->killed = 0;
        p->kill_reason = KILL_NONE;
        p->state = UNUSED;
        release(&ptable.lock);
        return pid;
      }
    }
    if (!have_kids || cur->killed) {
      release(&ptable.lock);
      return -1;
    }
    sleep(cur, &ptable.lock);   // exit() wakes us with chan == cur
  }
}

// Each CPU runs this loop forever: pick a RUNNABLE process, switch to
// it, and come back here when it gives up the CPU.
void scheduler(void) {
  struct cpu *c = mycpu();
  c->proc = 0;
  for (;;) {
    sti();   // let devices interrupt an idle CPU
    int ran = 0;
    acquire(&ptable.lock);
    for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++) {
      if (p->state != RUNNABLE)
        continue;
      c->proc = p;
      switchuvm(p);
      p->state = RUNNING;
      swtch(&c->scheduler, p->context);
      switchkvm();
      c->proc = 0;
      ran = 1;
    }
    release(&ptable.lock);
    if (!ran)
      hlt();   // nothing to do until the next interrupt
  }
}

// Switch to the scheduler. The caller holds only ptable.lock and has
// already changed its state.
void sched(void) {
  struct proc *p = myproc();
  if (!holding(&ptable.lock))
    panic("sched: ptable.lock not held");
  if (mycpu()->ncli != 1)
    panic("sched: other locks held");
  if (p->state == RUNNING)
    panic("sched: process still RUNNING");
  if (readeflags() & FL_IF)
    panic("sched: interrupts enabled");
  // intena belongs to this kernel thread, not to the CPU.
  int intena = mycpu()->intena;
  swtch(&p->context, mycpu()->scheduler);
  mycpu()->intena = intena;
}

void yield(void) {
  acquire(&ptable.lock);
  myproc()->state = RUNNABLE;
  sched();
  release(&ptable.lock);
}

// A new process's first scheduling lands here, still holding ptable.lock
// from the scheduler; it then "returns" to trapret and user space.
static void forkret(void) {
  static int first = 1;
  release(&ptable.lock);
  if (first) {
    // The file system needs a process context (it sleeps on disk I/O).
    first = 0;
    fsinit(ROOTDEV);
    fs_free_orphans(ROOTDEV);
  }
}

// Atomically release lk and sleep on chan; reacquire lk when woken.
void sleep(void *chan, struct spinlock *lk) {
  struct proc *p = myproc();
  if (p == 0)
    panic("sleep: no process");
  if (lk == 0)
    panic("sleep: no lock");
  // Holding ptable.lock means no wakeup can slip in between releasing
  // lk and going to sleep.
  if (lk != &ptable.lock) {
    acquire(&ptable.lock);
    release(lk);
  }
  p->chan = chan;
  p->state = SLEEPING;
  sched();
  p->chan = 0;
  if (lk != &ptable.lock) {
    release(&ptable.lock);
    acquire(lk);
  }
}

static void wakeup_locked(void *chan) {
  for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++)
    if (p->state == SLEEPING && p->chan == chan)
      p->state = RUNNABLE;
}

void wakeup(void *chan) {
  acquire(&ptable.lock);
  wakeup_locked(chan);
  release(&ptable.lock);
}

// Mark pid killed; it exits when it next returns to user space. init
// cannot be killed (it must never exit): -1, as for a pid that is not
// there.
int kill(int pid) {
  acquire(&ptable.lock);
  for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++) {
    if (p->pid == pid && p->state != UNUSED) {
      if (p == initproc)
        break;
      proc_mark_killed(p, KILL_SIGNAL);
      if (p->state == SLEEPING)
        p->state = RUNNABLE;
      release(&ptable.lock);
      return 0;
    }
  }
  release(&ptable.lock);
  return -1;
}

struct vmspace *proc_vmspace_get(int pid) {
  struct vmspace *vm = 0;
  acquire(&ptable.lock);
  for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++) {
    if (p->pid == pid && (p->state == RUNNABLE || p->state == RUNNING || p->state == SLEEPING)) {
      vm = p->vm;
      vmspace_hold(vm);
      break;
    }
  }
  release(&ptable.lock);
  return vm;
}

// Under ptable.lock, where proc_vmspace_get takes its reference: it then
// never takes one on the old vmspace after the caller has dropped p's.
struct vmspace *proc_set_vmspace(struct proc *p, struct vmspace *vm) {
  acquire(&ptable.lock);
  struct vmspace *old = p->vm;
  p->vm = vm;
  release(&ptable.lock);
  return old;
}

void proc_mark_killed(struct proc *p, int reason) {
  if (!p->killed)
    p->kill_reason = reason;
  p->killed = 1;
}

int proc_list(struct procinfo *out, int max) {
  static const int states[] = {
    [EMBRYO] = PS_EMBRYO, [SLEEPING] = PS_SLEEPING, [RUNNABLE] = PS_RUNNABLE,
    [RUNNING] = PS_RUNNING, [ZOMBIE] = PS_ZOMBIE,
  };
  int n = 0;
  acquire(&ptable.lock);
  for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    if (n < max) {
      // p->vm stays while ptable.lock is held; an EMBRYO may have none yet.
      struct vmspace *vm = p->vm;
      out[n].pid = p->pid;
      out[n].ppid = p->parent ? p->parent->pid : 0;
      out[n].state = states[p->state];
      out[n].sz = vm ? vmspace_heap_end(vm) : 0;
      out[n].regions = vm ? vmspace_region_count(vm) : 0;
      out[n].kill_reason = p->kill_reason;
      safestrcpy(out[n].name, p->name, sizeof(out[n].name));
    }
    n++;
  }
  release(&ptable.lock);
  return n;
}

int nprocs_in_use(void) {
  int n = 0;
  acquire(&ptable.lock);
  for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++)
    if (p->state != UNUSED)
      n++;
  release(&ptable.lock);
  return n;
}

// Print the process table (Ctrl-P on the console). Takes no locks, so
// it works even when the kernel is wedged.
void procdump(void) {
  static const char *names[] = {
    [UNUSED] = "unused", [EMBRYO] = "embryo", [SLEEPING] = "sleep ",
    [RUNNABLE] = "runble", [RUNNING] = "run   ", [ZOMBIE] = "zombie",
  };
  for (struct proc *p = ptable.proc; p < &ptable.proc[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    const char *state = (p->state < NELEM(names) && names[p->state]) ? names[p->state] : "???";
    cprintf("%d %s %s", p->pid, state, p->name);
    if (p->state == SLEEPING) {
      uint pcs[10];
      getcallerpcs((uint *)p->context->ebp + 2, pcs);
      for (int i = 0; i < 10 && pcs[i]; i++)
        cprintf(" 0x%x", pcs[i]);
    }
    cprintf("\n");
  }
}
