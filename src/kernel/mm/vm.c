// Page tables: the kernel's mappings, walking and freeing user page
// tables, and copying into a user address space that is not loaded
// (exec). Which user pages exist is the regions' business (mm/mmap.c,
// mm/vmspace.c); nothing here knows the program image.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "proc/proc.h"
#include "mm/kalloc.h"
#include "mm/vm.h"
#include "mm/vmspace.h"
#include "dev/console.h"
#include "lib/klib.h"

extern char data[];   // start of the kernel's writable data (kernel.ld)
static pde_t *kpgdir; // the kernel-only page table used by schedulers

// Each CPU's GDT: flat kernel and user segments, the TSS (filled in by
// switchuvm) and a small segment whose base is the CPU's struct cpu, so
// that mycpu() is a single %gs-relative load.
void seginit(void) {
  int id = lapicid();
  struct cpu *c = 0;
  for (int i = 0; i < ncpu; i++)
    if (cpus[i].apicid == id)
      c = &cpus[i];
  if (c == 0)
    panic("seginit: this CPU is not in the MP table");

  c->self = c;
  c->gdt[SEG_KCODE] = SEG(STA_X | STA_R, 0, 0xffffffff, DPL_KERNEL);
  c->gdt[SEG_KDATA] = SEG(STA_W, 0, 0xffffffff, DPL_KERNEL);
  c->gdt[SEG_UCODE] = SEG(STA_X | STA_R, 0, 0xffffffff, DPL_USER);
  c->gdt[SEG_UDATA] = SEG(STA_W, 0, 0xffffffff, DPL_USER);
  c->gdt[SEG_KCPU]  = SEG(STA_W, (uint)c, 0xffffffff, DPL_KERNEL);
  lgdt(c->gdt, sizeof(c->gdt));
  loadgs(SEG_KCPU << 3);
}

pte_t *walkpgdir(pde_t *pgdir, const void *va, int alloc) {
  pde_t *pde = &pgdir[PDX(va)];
  pte_t *table;
  if (*pde & PTE_P) {
    table = (pte_t *)P2V(PTE_ADDR(*pde));
  } else {
    if (!alloc || (table = (pte_t *)kalloc()) == 0)
      return 0;
    memset(table, 0, PGSIZE);
    // Directory entries are permissive; the PTEs decide.
    *pde = V2P(table) | PTE_P | PTE_W | PTE_U;
  }
  return &table[PTX(va)];
}

// Map [va, va+size) to physical [pa, pa+size). va and size need not be
// page-aligned. Fails (-1) only when a page table cannot be allocated.
int mappages(pde_t *pgdir, void *va, uint size, uint pa, int perm) {
  char *a = (char *)PGROUNDDOWN((uint)va);
  char *last = (char *)PGROUNDDOWN(((uint)va) + size - 1);
  for (;;) {
    pte_t *pte = walkpgdir(pgdir, a, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_P)
      panic("mappages: page already mapped");
    *pte = pa | perm | PTE_P;
    if (a == last)
      break;
    a += PGSIZE;
    pa += PGSIZE;
  }
  return 0;
}

// The kernel half of every address space.
static struct kernel_mapping {
  void *virt;
  uint phys_start;
  uint phys_end;
  int perm;
} kmap[] = {
  { (void *)KERNBASE, 0,             EXTMEM,    PTE_W },  // I/O space
  { (void *)KERNLINK, V2P(KERNLINK), V2P(data), 0 },      // text, rodata
  { (void *)data,     V2P(data),     PHYSTOP,   PTE_W },  // data, free memory
  { (void *)DEVSPACE, DEVSPACE,      0,         PTE_W },  // devices
};

// The kernel half is the same in every address space, so its page
// tables are built once (kvmalloc) and every directory points at them:
// a new address space costs one page, not 65.
static pde_t *build_kernel_pgdir(void) {
  pde_t *pgdir = (pde_t *)kalloc();
  if (pgdir == 0)
    return 0;
  memset(pgdir, 0, PGSIZE);
  for (struct kernel_mapping *k = kmap; k < &kmap[NELEM(kmap)]; k++)
    if (mappages(pgdir, k->virt, k->phys_end - k->phys_start, k->phys_start, k->perm) < 0)
      return 0;
  return pgdir;
}

pde_t *setupkvm(void) {
  pde_t *pgdir = (pde_t *)kalloc();
  if (pgdir == 0)
    return 0;
  memset(pgdir, 0, PDX(KERNBASE) * sizeof(pde_t));
  memmove(&pgdir[PDX(KERNBASE)], &kpgdir[PDX(KERNBASE)],
          (NPDENTRIES - PDX(KERNBASE)) * sizeof(pde_t));
  return pgdir;
}

void kvmalloc(void) {
  kpgdir = build_kernel_pgdir();
  if (kpgdir == 0)
    panic("kvmalloc: out of memory");
  switchkvm();
}

void switchkvm(void) {
  lcr3(V2P(kpgdir));
}

// Load p's address space and point the TSS at p's kernel stack.
void switchuvm(struct proc *p) {
  if (p == 0 || p->kstack == 0 || p->vm == 0)
    panic("switchuvm: incomplete process");
  pushcli();
  struct cpu *c = mycpu();
  c->gdt[SEG_TSS] = SEG16(STS_T32A, &c->ts, sizeof(c->ts) - 1, 0);
  c->ts.ss0 = SEG_KDATA << 3;
  c->ts.esp0 = (uint)p->kstack + KSTACKSIZE;
  // An I/O bitmap offset past the TSS limit: user code may not use in/out.
  c->ts.iomb = (ushort)0xFFFF;
  ltr(SEG_TSS << 3);
  lcr3(V2P(p->vm->pgdir));
  popcli();
}

// The next present PTE for an address in [*va, end), skipping missing
// page tables whole; *va is set to that PTE's address. 0 when none is left.
pte_t *next_present_pte(pde_t *pgdir, uint *va, uint end) {
  uint a = PGROUNDDOWN(*va);
  while (a < end) {
    pde_t *pde = &pgdir[PDX(a)];
    if (!(*pde & PTE_P)) {
      uint next = PGADDR(PDX(a) + 1, 0, 0);
      if (next == 0)   // wrapped past 4 GiB
        break;
      a = next;
      continue;
    }
    pte_t *pte = &((pte_t *)P2V(PTE_ADDR(*pde)))[PTX(a)];
    if (*pte & PTE_P) {
      *va = a;
      return pte;
    }
    a += PGSIZE;
  }
  return 0;
}

// Unmap and free every user page from PGROUNDUP(start) up to end. Walks
// each 4 MiB span's page table directly (exit frees thousands of pages).
void unmap_user_range(pde_t *pgdir, uint start, uint end) {
  uint a = PGROUNDUP(start);
  while (a < end && a >= PGROUNDUP(start)) {
    pde_t pde = pgdir[PDX(a)];
    uint span_end = PGADDR(PDX(a) + 1, 0, 0);   // 0 after the last span
    uint stop = (span_end == 0 || span_end > end) ? end : span_end;
    if (pde & PTE_P) {
      pte_t *table = (pte_t *)P2V(PTE_ADDR(pde));
      for (uint b = a; b < stop && b >= a; b += PGSIZE) {
        pte_t *pte = &table[PTX(b)];
        if (*pte & PTE_P) {
          kfree(P2V(PTE_ADDR(*pte)));
          *pte = 0;
        }
      }
    }
    if (span_end == 0)
      break;
    a = span_end;
  }
}

// share_user_range without the hot page: [start, end) of src mapped into
// dst too, dst's entries with cperm, src's losing the bits in clear.
static int share_pages(pde_t *src, pde_t *dst, uint start, uint end, uint cperm,
                       uint clear) {
  uint a = start;
  while (a < end) {
    uint span_end = PGADDR(PDX(a) + 1, 0, 0);   // end <= KERNBASE: never wraps
    uint stop = span_end > end ? end : span_end;
    pde_t pde = src[PDX(a)];
    // One walk of each directory per 4 MiB span, not one per page: this
    // loop is most of what fork costs.
    if (pde & PTE_P) {
      pte_t *table = (pte_t *)P2V(PTE_ADDR(pde)), *ctable = 0;
      for (uint i = PTX(a), last = PTX(stop - 1); i <= last; i++) {
        pte_t e = table[i];
        if (!(e & PTE_P))
          continue;
        if (ctable == 0) {
          pte_t *first = walkpgdir(dst, (void *)PGADDR(PDX(a), i, 0), 1);
          if (first == 0)
            return -1;
          ctable = first - i;
        }
        if (kref_get(P2V(PTE_ADDR(e))) < 0)
          return -1;
        table[i] = e & ~clear;
        ctable[i] = PTE_ADDR(e) | PTE_P | cperm;
      }
    }
    a = stop;
  }
  return 0;
}

int share_user_range(pde_t *src, pde_t *dst, uint start, uint end, uint perm,
                     int cow, uint hot) {
  uint cperm = cow ? perm & ~PTE_W : perm;   // what both sides map a shared page with
  uint clear = cow ? PTE_W : 0;              // and what the source's entries lose
  if (!cow || hot < start || hot >= end)
    return share_pages(src, dst, start, end, cperm, clear);
  // The hot page splits the range: the pages on either side are shared,
  // it is copied (if it is there).
  if (share_pages(src, dst, start, hot, cperm, clear) < 0 ||
      share_pages(src, dst, hot + PGSIZE, end, cperm, clear) < 0)
    return -1;
  pte_t *pte = walkpgdir(src, (void *)hot, 0);
  if (pte == 0 || !(*pte & PTE_P))
    return 0;
  pte_t *cpte = walkpgdir(dst, (void *)hot, 1);
  char *mem = cpte ? kalloc() : 0;
  if (mem == 0)
    return -1;
  memmove(mem, P2V(PTE_ADDR(*pte)), PGSIZE);
  *cpte = V2P(mem) | PTE_P | perm;
  return 0;
}

// Free the page table behind directory entry d (below KERNBASE) if there
// is one. The caller knows it maps nothing any more.
void free_page_table(pde_t *pgdir, uint d) {
  if (d >= PDX(KERNBASE) || !(pgdir[d] & PTE_P))
    return;
  char *table = P2V(PTE_ADDR(pgdir[d]));
  pgdir[d] = 0;
  if (rcr3() == V2P(pgdir))
    lcr3(V2P(pgdir));   // no cached walk may use the table once it is free
  kfree(table);
}

// Free the page tables and the directory. Every user page lies in a
// region, and the caller has unmapped them all (mmap_release_all), so
// no entry is present any more: only the tables go, without a walk of
// their 1,024 entries each.
void freevm(pde_t *pgdir) {
  if (pgdir == 0)
    panic("freevm: no pgdir");
  // User page tables are this directory's own; the kernel's are shared.
  for (int i = 0; i < PDX(KERNBASE); i++)
    if (pgdir[i] & PTE_P)
      kfree(P2V(PTE_ADDR(pgdir[i])));
  kfree((char *)pgdir);
}

// Kernel address of a user page, or 0 if not a present user page.
char *uva2ka(pde_t *pgdir, char *uva) {
  pte_t *pte = walkpgdir(pgdir, uva, 0);
  if (pte == 0 || (*pte & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
    return 0;
  return (char *)P2V(PTE_ADDR(*pte));
}

// Copy len bytes from p to user address va in pgdir (which need not be
// the current page table: exec uses it for the new image).
int copyout(pde_t *pgdir, uint va, void *p, uint len) {
  char *src = (char *)p;
  while (len > 0) {
    uint page = PGROUNDDOWN(va);
    char *ka = uva2ka(pgdir, (char *)page);
    if (ka == 0)
      return -1;
    uint n = PGSIZE - (va - page);
    if (n > len)
      n = len;
    memmove(ka + (va - page), src, n);
    len -= n;
    src += n;
    va = page + PGSIZE;
  }
  return 0;
}
