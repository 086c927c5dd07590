// A big file through every path: written with write(), mapped shared and
// read back, modified through the mapping (one word a page), written back
// by munmap, and read() again. KB KiB: past 69 KiB the file's blocks
// hang off a doubly-indirect block. The quick form: test 60 does the
// same at the largest file size (16 MiB, about 20 s under TCG).
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define FILE "mm56.dat"
#include "mmtest.h"

#ifndef KB
#define KB 128
#endif
#define FSIZE (KB * 1024)
#define FPAGES (FSIZE / PGSIZE)
#define CHUNK (16 * PGSIZE)

static uint buf[CHUNK / 4];

// The word at byte offset off, as written (gen 0) or after the store
// through the mapping into the first word of each page (gen 1).
static uint word(uint off, int gen) {
  if (gen && off % PGSIZE == 0)
    return ~off;
  return off * 2654435761u;
}

static int check_read(int gen) {
  int fd = open(FILE, O_RDONLY);
  if (fd < 0)
    return 0;
  int ok = 1;
  for (uint off = 0; off < FSIZE && ok; off += CHUNK) {
    ok = read(fd, buf, CHUNK) == CHUNK;
    for (uint i = 0; i < CHUNK / 4 && ok; i++)
      ok = buf[i] == word(off + 4 * i, gen);
  }
  close(fd);
  return ok;
}

int
main(int argc, char *argv[])
{
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  int ok = fd >= 0;
  for (uint off = 0; off < FSIZE && ok; off += CHUNK) {
    for (uint i = 0; i < CHUNK / 4; i++)
      buf[i] = word(off + 4 * i, 0);
    ok = write(fd, buf, CHUNK) == CHUNK;
  }
  report("write() a big file", ok);
  uint *m = (uint *)mmap_or_exit("mmap it shared", 0, FSIZE, RW, MAP_SHARED, fd, 0);
  close(fd);
  ok = 1;
  for (uint i = 0; i < FSIZE / 4 && ok; i++)
    ok = m[i] == word(4 * i, 0);
  report("the mapping reads every word", ok);
  for (uint p = 0; p < FPAGES; p++)
    m[p * PGSIZE / 4] = ~(p * PGSIZE);
  report("read() sees the stores at once", check_read(1));
  report("munmap", munmap(m, FSIZE) == 0);
  report("read() after munmap", check_read(1));
  unlink(FILE);
  exit();
}
