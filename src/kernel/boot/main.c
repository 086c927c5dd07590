// Kernel start-up: main() runs on the boot CPU, mpenter() on the others.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "arch/trap.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "mm/kmalloc.h"
#include "mm/pageset.h"
#include "mm/filemap.h"
#include "mm/mmap.h"
#include "mm/faultinject.h"
#include "dev/console.h"
#include "dev/ide.h"
#include "fs/buf.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "arch/fwcfg.h"
#include "lib/klib.h"

extern char end[];   // first address after the kernel image (kernel.ld)

static void start_other_cpus(void);
static uint memory_top(void);
static void cpu_ready(void) __attribute__((noreturn));

int main(void) {
  kinit1(end, P2V(4 * 1024 * 1024));   // pages the boot mapping already covers
  mpinit();                             // find the CPUs (uses the boot page table)
  kvmalloc();                           // the real kernel page table
  lapicinit();
  seginit();                            // per-CPU GDT, %gs
  picinit();                            // silence the legacy PIC
  ioapicinit();
  consoleinit();
  uartinit();
  cprintf("\nxv6-mm: booting on %d cpu%s\n", ncpu, ncpu == 1 ? "" : "s");
  faultinject_init();                   // the FAULTS boot flag, if any
  pinit();
  tvinit();
  binit();
  iinit(ROOTDEV);
  fileinit();
  ideinit();
  start_other_cpus();
  kinit2(P2V(4 * 1024 * 1024), P2V(memory_top()));
  kmalloc_init();
  pageset_init();
  filemap_init();
  mmap_init();
  userinit();
  cpu_ready();
}

// APs arrive here from entryother.S once paging is on.
static void mpenter(void) {
  switchkvm();
  seginit();
  lapicinit();
  cpu_ready();
}

// Last step for every CPU: load the IDT and enter the scheduler.
static void cpu_ready(void) {
  cprintf("cpu%d: starting\n", cpuid());
  idtinit();
  xchg(&mycpu()->started, 1);
  scheduler();
}

extern pde_t entrypgdir[];

static void start_other_cpus(void) {
  extern uchar _binary_entryother_start[], _binary_entryother_size[];
  uchar *code = P2V(0x7000);
  memmove(code, _binary_entryother_start, (uint)_binary_entryother_size);

  for (struct cpu *c = cpus; c < cpus + ncpu; c++) {
    if (c == mycpu())
      continue;
    char *stack = kalloc();
    if (stack == 0)
      panic("start_other_cpus: no memory for a stack");
    *(void **)(code - 4) = stack + KSTACKSIZE;
    *(void (**)(void))(code - 8) = mpenter;
    *(uint *)(code - 12) = V2P(entrypgdir);
    lapicstartap(c->apicid, V2P(code));
    while (c->started == 0)   // wait until it is in the scheduler
      ;
  }
}

// The boot page directory: 4 MiB pages mapping virtual [0, 4M) and
// [KERNBASE, KERNBASE+4M) both to physical [0, 4M). entry.S and
// entryother.S use it until kvmalloc() installs the real one.
__attribute__((aligned(PGSIZE)))
pde_t entrypgdir[NPDENTRIES] = {
  [0] = (0) | PTE_P | PTE_W | PTE_PS,
  [KERNBASE >> PDXSHIFT] = (0) | PTE_P | PTE_W | PTE_PS,
};

// Where free pages end: PHYSTOP, or less when QEMU was given less memory
// (make qemu-nox MEM=64). The firmware keeps its tables (ACPI, which
// power-off reads) at the top of RAM, so the last MiB is left alone.
#define FIRMWARE_RESERVE (1024 * 1024)
static uint memory_top(void) {
  uint ram = fwcfg_ram_bytes();
  if (ram == 0 || ram >= PHYSTOP + FIRMWARE_RESERVE)
    return PHYSTOP;
  if (ram < 16 * 1024 * 1024)
    panic("less than 16 MiB of memory");
  return PGROUNDDOWN(ram - FIRMWARE_RESERVE);
}
