// Interrupt descriptor table and the C half of every trap: system calls,
// device interrupts, page faults and fatal exceptions.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "traps.h"
#include "procinfo.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "arch/trap.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "mm/pagefault.h"
#include "dev/console.h"
#include "dev/ide.h"

static struct gatedesc idt[256];
extern char vector_stubs[];     // vectors.S: 16-byte stub per vector
#define STUB_SIZE 16

struct spinlock tickslock;
uint ticks;

void tvinit(void) {
  for (int i = 0; i < 256; i++)
    SETGATE(idt[i], 0, SEG_KCODE << 3, vector_stubs + STUB_SIZE * i, DPL_KERNEL);
  // User code may use `int $T_SYSCALL`. A trap gate leaves interrupts on
  // during system calls.
  SETGATE(idt[T_SYSCALL], 1, SEG_KCODE << 3, vector_stubs + STUB_SIZE * T_SYSCALL, DPL_USER);
  initlock(&tickslock, "time");
}

void idtinit(void) {
  lidt(idt, sizeof(idt));
}

static const char *trap_name(uint trapno) {
  static const char *names[] = {
    [T_DIVIDE] = "divide error", [T_DEBUG] = "debug", [T_NMI] = "NMI",
    [T_BRKPT] = "breakpoint", [T_OFLOW] = "overflow", [T_BOUND] = "bound range",
    [T_ILLOP] = "invalid opcode", [T_DEVICE] = "device not available",
    [T_DBLFLT] = "double fault", [T_TSS] = "invalid TSS",
    [T_SEGNP] = "segment not present", [T_STACK] = "stack fault",
    [T_GPFLT] = "general protection fault", [T_PGFLT] = "page fault",
    [T_FPERR] = "x87 floating point error", [T_ALIGN] = "alignment check",
    [T_MCHK] = "machine check", [T_SIMDERR] = "SIMD floating point error",
  };
  if (trapno < sizeof(names) / sizeof(names[0]) && names[trapno])
    return names[trapno];
  return "unexpected trap";
}

// "PROT_READ", "PROT_READ|PROT_EXEC", ... for a kill message.
static const char *prot_name(int prot) {
  static const char *names[] = {
    "PROT_NONE", "PROT_READ", "PROT_WRITE", "PROT_READ|PROT_WRITE",
    "PROT_EXEC", "PROT_READ|PROT_EXEC", "PROT_WRITE|PROT_EXEC",
    "PROT_READ|PROT_WRITE|PROT_EXEC",
  };
  return names[prot & 7];
}

// A user process did something fatal: say so in one line and kill it.
// A page fault's message says what is at the address (`why`, from
// mm/pagefault.c), not which error bits the CPU pushed. Every line has
// the form "pid N name: killed: ... eip 0x..." (scripts/symbolize turns
// the eip into a source line; test/robust.py counts "killed: out of memory").
static void kill_faulting(struct proc *p, struct trapframe *tf, uint addr,
                          enum fault_result why) {
  const char *access = (tf->err & PF_WRITE) ? "store" : "read";
  uint start = 0, end = 0;
  int prot = 0;
  int reason;
  if (tf->trapno != T_PGFLT)
    why = FAULT_FIXED;   // (not a page fault: no address to explain)
  switch (why) {
  case FAULT_FIXED:
    cprintf("pid %d %s: killed: %s (trap %d, err 0x%x), eip 0x%x\n",
            p->pid, p->name, trap_name(tf->trapno), tf->trapno, tf->err, tf->eip);
    reason = KILL_TRAP;
    break;
  case FAULT_NULL:
    cprintf("pid %d %s: killed: NULL pointer (%s at addr 0x%x), eip 0x%x\n",
            p->pid, p->name, access, addr, tf->eip);
    reason = KILL_NULL;
    break;
  case FAULT_KERNEL:
    cprintf("pid %d %s: killed: kernel address 0x%x (%s), eip 0x%x\n",
            p->pid, p->name, addr, access, tf->eip);
    reason = KILL_KERNEL;
    break;
  case FAULT_GUARD:
    cprintf("pid %d %s: killed: stack guard page (%s at addr 0x%x: stack overflow), "
            "eip 0x%x\n", p->pid, p->name, access, addr, tf->eip);
    reason = KILL_GUARD;
    break;
  case FAULT_READ_ONLY:
    fault_region(p->vm, addr, &start, &end, &prot);
    cprintf("pid %d %s: killed: store into read-only mapping 0x%x-0x%x (%s) "
            "at addr 0x%x, eip 0x%x\n", p->pid, p->name, start, end,
            prot_name(prot), addr, tf->eip);
    reason = KILL_READ_ONLY;
    break;
  case FAULT_PROT_NONE:
    fault_region(p->vm, addr, &start, &end, &prot);
    cprintf("pid %d %s: killed: PROT_NONE mapping 0x%x-0x%x (%s at addr 0x%x), "
            "eip 0x%x\n", p->pid, p->name, start, end, access, addr, tf->eip);
    reason = KILL_PROT_NONE;
    break;
  case FAULT_NO_MEMORY:
    cprintf("pid %d %s: killed: out of memory on a page fault at addr 0x%x, eip 0x%x\n",
            p->pid, p->name, addr, tf->eip);
    reason = KILL_NO_MEMORY;
    break;
  case FAULT_PAST_EOF:
    cprintf("pid %d %s: killed: page fault past the end of a mapped file at addr 0x%x, "
            "eip 0x%x\n", p->pid, p->name, addr, tf->eip);
    reason = KILL_PAST_EOF;
    break;
  case FAULT_NO_MAPPING:
  default:
    cprintf("pid %d %s: killed: no mapping at 0x%x (%s), eip 0x%x\n",
            p->pid, p->name, addr, access, tf->eip);
    reason = KILL_NO_MAPPING;
    break;
  }
  proc_mark_killed(p, reason);
}

void trap(struct trapframe *tf) {
  struct proc *p;

  if (tf->trapno == T_SYSCALL) {
    p = myproc();
    if (p->killed)
      exit();
    p->tf = tf;
    syscall();
    if (p->killed)
      exit();
    return;
  }

  // The process this CPU runs (0 in the scheduler), looked up once: it is
  // the same after every case below, yield() included.
  p = myproc();
  switch (tf->trapno) {
  case T_IRQ0 + IRQ_TIMER:
    if (cpuid() == 0) {
      acquire(&tickslock);
      ticks++;
      wakeup(&ticks);
      release(&tickslock);
    }
    lapiceoi();
    break;
  case T_IRQ0 + IRQ_IDE:
    ideintr();
    lapiceoi();
    break;
  case T_IRQ0 + IRQ_IDE + 1:
    // Secondary IDE channel: nothing of ours lives there.
    lapiceoi();
    break;
  case T_IRQ0 + IRQ_KBD:
    kbdintr();
    lapiceoi();
    break;
  case T_IRQ0 + IRQ_COM1:
    uartintr();
    lapiceoi();
    break;
  case T_IRQ0 + 7:
  case T_IRQ0 + IRQ_SPURIOUS:
    // Spurious interrupts need no acknowledgement beyond the EOI.
    lapiceoi();
    break;

  case T_PGFLT: {
    uint addr = rcr2();
    enum fault_result why = FAULT_KERNEL;
    if (p && addr < KERNBASE) {
      // A fault on a user address, from user code or from the kernel
      // touching a user buffer: lazily-mapped pages are filled here.
      if ((why = handle_page_fault(p->vm, addr, tf->err)) == FAULT_FIXED)
        break;
    }
    if ((tf->cs & 3) == DPL_USER && p) {
      kill_faulting(p, tf, addr, why);
      break;
    }
    cprintf("kernel page fault at addr 0x%x, eip 0x%x, err 0x%x, cpu %d\n",
            addr, tf->eip, tf->err, cpuid());
    panic("page fault in kernel");
  }

  default:
    if (p == 0 || (tf->cs & 3) == DPL_KERNEL) {
      cprintf("unexpected trap %d (%s) from cpu %d eip 0x%x cr2 0x%x\n",
              tf->trapno, trap_name(tf->trapno), cpuid(), tf->eip, rcr2());
      panic("trap");
    }
    kill_faulting(p, tf, rcr2(), FAULT_FIXED);   // not a page fault: no reason to give
  }

  // A killed process leaves once it is about to return to user space
  // (never while it holds kernel resources).
  if (p && p->killed && (tf->cs & 3) == DPL_USER)
    exit();

  // The timer forces a process off the CPU.
  if (p && p->state == RUNNING && tf->trapno == T_IRQ0 + IRQ_TIMER)
    yield();

  if (p && p->killed && (tf->cs & 3) == DPL_USER)
    exit();
}
