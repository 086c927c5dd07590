// CPU and I/O APIC discovery from ACPI's MADT ("APIC" table). QEMU's
// firmware lists every CPU there, while its legacy MP table may list only
// the first, so this is tried before the MP table.
//
// The tables live near the top of RAM, which the kernel may not map, so
// they are read through a temporary 4 MiB window in the boot page table.
// mpinit() calls this before kvmalloc(), while that table is in use.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "memlayout.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "proc/proc.h"
#include "lib/klib.h"

extern pde_t entrypgdir[];

#define WINDOW 0xF0000000      // unused kernel virtual addresses
#define BIGPAGE (4 * 1024 * 1024)

struct rsdp {                  // root system description pointer
  char signature[8];           // "RSD PTR "
  uchar checksum;
  char oemid[6];
  uchar revision;
  uint rsdt_pa;
};

struct sdt_header {            // common header of every ACPI table
  char signature[4];
  uint length;
  uchar revision;
  uchar checksum;
  char oemid[6];
  char oemtable[8];
  uint oemrevision;
  uint creator;
  uint creatorrevision;
};

struct madt {
  struct sdt_header h;
  uint lapic_pa;
  uint flags;
  // variable-length entries follow
};

#define MADT_LAPIC  0
#define MADT_IOAPIC 1

static uchar sum_bytes(void *p, uint n) {
  uchar s = 0;
  for (uint i = 0; i < n; i++)
    s += ((uchar *)p)[i];
  return s;
}

// Map physical [pa, pa + 8 MiB) at WINDOW; return pa's virtual address.
static void *map_window(uint pa) {
  uint base = pa & ~(BIGPAGE - 1);
  for (uint i = 0; i < 2; i++) {
    entrypgdir[PDX(WINDOW) + i] = (base + i * BIGPAGE) | PTE_P | PTE_PS;
    invlpg((void *)(WINDOW + i * BIGPAGE));
  }
  return (void *)(WINDOW + (pa - base));
}

static void unmap_window(void) {
  for (uint i = 0; i < 2; i++) {
    entrypgdir[PDX(WINDOW) + i] = 0;
    invlpg((void *)(WINDOW + i * BIGPAGE));
  }
}

static struct rsdp *find_rsdp_in(uint pa, uint len) {
  for (uint a = pa; a + sizeof(struct rsdp) <= pa + len; a += 16) {
    struct rsdp *r = P2V(a);
    if (memcmp(r->signature, "RSD PTR ", 8) == 0 && sum_bytes(r, sizeof(*r)) == 0)
      return r;
  }
  return 0;
}

// Read a table header at pa into *out and check its signature; the whole
// table stays mapped through the window (tables are small).
static struct sdt_header *map_table(uint pa, const char *sig) {
  struct sdt_header *h = map_window(pa);
  if (memcmp(h->signature, sig, 4) != 0 || h->length > BIGPAGE ||
      sum_bytes(h, h->length) != 0)
    return 0;
  return h;
}

int acpiinit(void) {
  uchar *bda = P2V(0x400);
  uint ebda = ((bda[0x0F] << 8) | bda[0x0E]) << 4;
  struct rsdp *rsdp = 0;
  if (ebda)
    rsdp = find_rsdp_in(ebda, 1024);
  if (rsdp == 0)
    rsdp = find_rsdp_in(0xE0000, 0x20000);
  if (rsdp == 0)
    return -1;

  struct sdt_header *rsdt = map_table(rsdp->rsdt_pa, "RSDT");
  if (rsdt == 0) {
    unmap_window();
    return -1;
  }
  // Copy the table pointers out: mapping the MADT may move the window.
  uint nptr = (rsdt->length - sizeof(*rsdt)) / 4;
  uint ptrs[32];
  if (nptr > NELEM(ptrs))
    nptr = NELEM(ptrs);
  memmove(ptrs, rsdt + 1, nptr * 4);

  int found = -1;
  for (uint i = 0; i < nptr && found < 0; i++) {
    struct madt *m = (struct madt *)map_table(ptrs[i], "APIC");
    if (m == 0)
      continue;
    lapic = (uint *)m->lapic_pa;
    uchar *e = (uchar *)(m + 1), *stop = (uchar *)m + m->h.length;
    ncpu = 0;
    for (; e + 2 <= stop && e[1] >= 2; e += e[1]) {
      if (e[0] == MADT_LAPIC && (*(uint *)(e + 4) & 1) && ncpu < NCPU)
        cpus[ncpu++].apicid = e[3];
      else if (e[0] == MADT_IOAPIC)
        ioapicid = e[2];
    }
    found = ncpu > 0 ? 0 : -1;
  }
  unmap_window();
  return found;
}
