// The largest file (MAXFILE blocks: 16 MiB and 69 KiB, its last page a
// quarter full) through every path: written with write(), mapped shared
// and every word of every page checked, a spread of pages rewritten
// through the mapping (the first, the last, those straddling the
// direct/indirect and both doubly-indirect boundaries, every 97th) and
// read() at once, before any msync; then munmap, close, memory run out so
// reclaim drops the now clean cache, and the file read again from the
// disk. Unlinked, it leaves memstat (free pages and disk blocks included)
// as it found them. About 20 s under TCG (40 s with KMDEBUG on a busy
// host), most of it in write(): a log commit per 4 KiB of new blocks.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "fs.h"

#define FILE "mm60.dat"
#include "mmtest.h"

#define FSIZE ((uint)MAXFILE * BSIZE)
#define FPAGES ((FSIZE + PGSIZE - 1) / PGSIZE)
#define LASTLEN (FSIZE - (FPAGES - 1) * PGSIZE)   // file bytes in the last page
#define CHUNK (16 * PGSIZE)
#define EVERY 97                                   // and every EVERY'th page

static uint buf[CHUNK / 4];

// Pages holding file block bn.
#define PAGE_OF(bn) ((bn) * BSIZE / PGSIZE)

// Is page p one of those rewritten through the mapping?
static int modified(uint p) {
  return p == 0 || p == FPAGES - 1 || p == PAGE_OF(NDIRECT) ||
         p == PAGE_OF(NDIRECT + NINDIRECT) || p == PAGE_OF(NDIRECT + NINDIRECT + NDINDIRECT) ||
         p % EVERY == 50;
}

static uint nmodified(void) {
  uint n = 0;
  for (uint p = 0; p < FPAGES; p++)
    n += modified(p);
  return n;
}

// The word at byte offset off: as written (gen 0) or as rewritten (gen 1).
// Different at every offset (an odd multiplier), so a page read from the
// wrong place, or a stale one, never matches.
static uint word(uint off, int gen) {
  return off * 2654435761u ^ (gen ? 0x5a5a5a5au : 0);
}

// The word at off as the file should hold it after the stores.
static uint now(uint off) {
  return word(off, modified(off / PGSIZE));
}

static struct memstat stat_now(void) {
  struct memstat m;
  memset(&m, 0, sizeof(m));
  memstat(&m);
  return m;
}

// Read the whole file with read() through a descriptor of its own and
// check every word: gen 0 everywhere (stored 0) or the stores' bytes where
// they went (stored 1). Also wants read() to stop at the end of the file.
static int check_read(int stored) {
  int fd = open(FILE, O_RDONLY);
  if (fd < 0)
    return 0;
  int ok = 1;
  for (uint off = 0; off < FSIZE && ok; off += CHUNK) {
    uint want = FSIZE - off < CHUNK ? FSIZE - off : CHUNK;
    ok = read(fd, buf, CHUNK) == (int)want;
    for (uint i = 0; i < want / 4 && ok; i++)
      ok = buf[i] == (stored ? now(off + 4 * i) : word(off + 4 * i, 0));
  }
  ok = ok && read(fd, buf, 1) == 0;
  close(fd);
  return ok;
}

int
main(int argc, char *argv[])
{
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  close(fd);
  struct memstat m0 = stat_now();          // an empty file: no blocks, no pages

  fd = open(FILE, O_RDWR);
  int ok = fd >= 0;
  for (uint off = 0; off < FSIZE && ok; off += CHUNK) {
    uint n = FSIZE - off < CHUNK ? FSIZE - off : CHUNK;
    for (uint i = 0; i < n / 4; i++)
      buf[i] = word(off + 4 * i, 0);
    ok = write(fd, buf, n) == (int)n;
  }
  struct stat st;
  report("write() the largest file", ok && fstat(fd, &st) == 0 && st.size == FSIZE);

  uint *m = (uint *)mmap_or_exit("mmap it shared", 0, FSIZE, RW, MAP_SHARED, fd, 0);
  ok = 1;
  for (uint i = 0; i < FSIZE / 4 && ok; i++)
    ok = m[i] == word(4 * i, 0);
  report("the mapping reads every word of every page", ok);

  for (uint p = 0; p < FPAGES; p++) {
    if (!modified(p))
      continue;
    uint end = p == FPAGES - 1 ? FSIZE : (p + 1) * PGSIZE;
    for (uint off = p * PGSIZE; off < end; off += 4)
      m[off / 4] = word(off, 1);
  }
  // The last page's bytes past the end of the file take stores too; they
  // must never reach the file.
  m[FSIZE / 4] = 0xdeadbeef;
  m[(FPAGES * PGSIZE) / 4 - 1] = 0xdeadbeef;
  report("read() sees the stores at once, before msync", check_read(1));
  report("memstat counts the pages stored into as dirty",
         stat_now().dirty_pages == m0.dirty_pages + nmodified());

  uint w0 = disk_writes();
  report("munmap", munmap(m, FSIZE) == 0);
  report("... writes the stores back",
         disk_writes() - w0 >= nmodified() * (PGSIZE / BSIZE) &&
         stat_now().dirty_pages == m0.dirty_pages);
  report("close", close(fd) == 0);
  report("the size did not change", stat(FILE, &st) == 0 && st.size == FSIZE);

  // Nothing maps the file now, so its cache is clean and reclaimable:
  // running out of memory drops it, and the next read() is from the disk.
  uint r0 = stat_now().reclaimed_pages;
  exhaust_memory();
  struct memstat m1 = stat_now();
  report("running out of memory reclaims the cache", m1.reclaimed_pages - r0 >= FPAGES / 2);
  report("reopened, read() sees every store", check_read(1));
  report("... read from the disk", stat_now().disk_reads - m1.disk_reads >= FPAGES / 2 * (PGSIZE / BSIZE));

  report("unlink", unlink(FILE) == 0);
  struct memstat m2 = stat_now();
  // (Other files' cache pages went with the reclaim: cached may be lower.)
  report("memstat back at its baseline",
         m2.free_pages == m0.free_pages && m2.kalloc_free == m0.kalloc_free &&
         m2.disk_free == m0.disk_free && m2.cached_pages <= m0.cached_pages &&
         m2.dirty_pages == m0.dirty_pages && m2.regions == m0.regions &&
         m2.pagesets == m0.pagesets && m2.open_files == m0.open_files &&
         m2.procs == m0.procs);
  exit();
}
