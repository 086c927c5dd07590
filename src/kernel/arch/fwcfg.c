// QEMU fw_cfg over I/O ports: write a 16-bit selector, then read the
// selected item byte by byte. Item 0x0000 is the signature "QEMU"; item
// 0x0019 is the directory of named files (big-endian fields).
#include "types.h"
#include "arch/x86.h"
#include "arch/fwcfg.h"
#include "lib/klib.h"

#define FWCFG_SELECTOR 0x510
#define FWCFG_DATA     0x511
#define FWCFG_SIGNATURE 0x0000
#define FWCFG_FILE_DIR  0x0019
#define FWCFG_RAM_SIZE  0x0003   // 64-bit little-endian, like the other numbered items

struct fwcfg_file {     // one directory entry, as the device sends it
  uint size;            // big-endian
  ushort select;        // big-endian
  ushort reserved;
  char name[56];
};

static void read_bytes(void *dst, int n) {
  uchar *d = dst;
  while (n-- > 0)
    *d++ = inb(FWCFG_DATA);
}

static uint be32(uint x) {
  return (x >> 24) | ((x >> 8) & 0xFF00) | ((x << 8) & 0xFF0000) | (x << 24);
}

static ushort be16(ushort x) {
  return (x >> 8) | (x << 8);
}

static int have_fwcfg(void) {
  char sig[4];
  outw(FWCFG_SELECTOR, FWCFG_SIGNATURE);
  read_bytes(sig, 4);
  return memcmp(sig, "QEMU", 4) == 0;
}

uint fwcfg_ram_bytes(void) {
  if (!have_fwcfg())
    return 0;
  uint size[2];
  outw(FWCFG_SELECTOR, FWCFG_RAM_SIZE);
  read_bytes(size, sizeof(size));
  return size[1] ? 0xFFFFFFFF : size[0];
}

int fwcfg_read_file(const char *name, char *buf, int size) {
  if (!have_fwcfg())
    return -1;

  uint count;
  outw(FWCFG_SELECTOR, FWCFG_FILE_DIR);
  read_bytes(&count, 4);
  count = be32(count);
  for (uint i = 0; i < count; i++) {
    struct fwcfg_file f;
    read_bytes(&f, sizeof(f));
    f.name[sizeof(f.name) - 1] = 0;
    if (strncmp(f.name, name, sizeof(f.name)) != 0)
      continue;
    int n = be32(f.size);
    if (n > size - 1)
      n = size - 1;
    outw(FWCFG_SELECTOR, be16(f.select));
    read_bytes(buf, n);
    buf[n] = 0;
    return n;
  }
  return -1;
}
