// Multiprocessor discovery from the BIOS's MP configuration tables
// (Intel MultiProcessor Specification 1.4): which CPUs exist, their local
// APIC ids, and where the local and I/O APICs are.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "proc/proc.h"
#include "dev/console.h"
#include "lib/klib.h"

struct cpu cpus[NCPU];
int ncpu;
int ismp;
uchar ioapicid;

// "_MP_" floating pointer structure.
struct mp_float {
  uchar signature[4];
  uint config_pa;        // physical address of the configuration table
  uchar length;          // in 16-byte units
  uchar revision;
  uchar checksum;
  uchar type;            // non-zero: a default configuration, unsupported
  uchar imcrp;           // IMCR present: PIC mode must be switched off
  uchar reserved[3];
};

// "PCMP" configuration table header; entries follow it.
struct mp_config {
  uchar signature[4];
  ushort length;
  uchar version;
  uchar checksum;
  uchar product[20];
  uint oem_table;
  ushort oem_length;
  ushort entry_count;
  uint lapic_pa;         // local APIC address
  ushort xlength;
  uchar xchecksum;
  uchar reserved;
};

struct mp_processor {    // entry type 0
  uchar type;
  uchar apicid;
  uchar version;
  uchar flags;
  uchar signature[4];
  uint feature;
  uchar reserved[8];
};

struct mp_ioapic {       // entry type 2
  uchar type;
  uchar apicno;
  uchar version;
  uchar flags;
  uint addr;
};

enum { MP_PROC = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_IOINTR = 3, MP_LINTR = 4 };

static uchar byte_sum(void *addr, int len) {
  uchar sum = 0;
  for (int i = 0; i < len; i++)
    sum += ((uchar *)addr)[i];
  return sum;
}

// Look for the floating pointer in [pa, pa+len).
static struct mp_float *search_range(uint pa, int len) {
  uchar *p = P2V(pa), *stop = p + len;
  for (; p < stop; p += sizeof(struct mp_float))
    if (memcmp(p, "_MP_", 4) == 0 && byte_sum(p, sizeof(struct mp_float)) == 0)
      return (struct mp_float *)p;
  return 0;
}

// The spec lists three places: the first KiB of the extended BIOS data
// area, the last KiB of base memory, and the BIOS ROM.
static struct mp_float *find_float(void) {
  uchar *bda = (uchar *)P2V(0x400);
  struct mp_float *mp;
  uint ebda = ((bda[0x0F] << 8) | bda[0x0E]) << 4;
  if (ebda && (mp = search_range(ebda, 1024)))
    return mp;
  uint basemem = ((bda[0x14] << 8) | bda[0x13]) * 1024;
  if ((mp = search_range(basemem - 1024, 1024)))
    return mp;
  return search_range(0xF0000, 0x10000);
}

static struct mp_config *find_config(struct mp_float **out) {
  struct mp_float *mp = find_float();
  if (mp == 0 || mp->config_pa == 0 || mp->type != 0)
    return 0;
  struct mp_config *conf = (struct mp_config *)P2V(mp->config_pa);
  if (memcmp(conf, "PCMP", 4) != 0)
    return 0;
  if (conf->version != 1 && conf->version != 4)
    return 0;
  if (byte_sum(conf, conf->length) != 0)
    return 0;
  *out = mp;
  return conf;
}

// Find the CPUs: ACPI's MADT when there is one (it lists them all), the
// MP table otherwise. The MP table is still read for its IMCR flag.
void mpinit(void) {
  struct mp_float *mp;
  struct mp_config *conf = find_config(&mp);
  int from_acpi = acpiinit() == 0;
  if (conf == 0 && !from_acpi)
    panic("mpinit: no ACPI MADT or MP table (this kernel needs an SMP-capable PC)");

  ismp = 1;
  if (!from_acpi)
    lapic = (uint *)conf->lapic_pa;
  uchar *p = conf ? (uchar *)(conf + 1) : 0;
  uchar *stop = conf ? (uchar *)conf + conf->length : 0;
  while (p < stop) {
    switch (*p) {
    case MP_PROC: {
      struct mp_processor *proc = (struct mp_processor *)p;
      if (!from_acpi && ncpu < NCPU)
        cpus[ncpu++].apicid = proc->apicid;
      p += sizeof(*proc);
      break;
    }
    case MP_IOAPIC:
      if (!from_acpi)
        ioapicid = ((struct mp_ioapic *)p)->apicno;
      p += sizeof(struct mp_ioapic);
      break;
    case MP_BUS:
    case MP_IOINTR:
    case MP_LINTR:
      p += 8;
      break;
    default:
      panic("mpinit: unknown MP table entry");
    }
  }

  if (conf && mp->imcrp) {
    // The board starts in PIC mode: route interrupts through the APICs.
    outb(0x22, 0x70);
    outb(0x23, inb(0x23) | 1);
  }
}
