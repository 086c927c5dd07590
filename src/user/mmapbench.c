// mmapbench: micro-benchmarks for mmap, page faults, msync and fork.
//
// Run by bench/mmap/mmbench.py (and bench/boot/bootbench.py) under QEMU with -icount shift=0, where the
// time-stamp counter advances by exactly one per guest instruction while a
// CPU is busy (idle time, e.g. waiting for the disk, still moves it: QEMU
// then advances virtual time without executing instructions). Every figure
// printed is a TSC difference, i.e. guest instructions (user + kernel,
// interrupts included) unless noted.
//
//   mmapbench calib            TSC ticks per instruction, rdtsc overhead, a null system call
//   mmapbench tsc              print the TSC now (boot-time measurement)
//   mmapbench len [pt]         mmap+munmap of 1..4096 untouched pages ("pt": over
//                              page tables left behind by an earlier touch)
//   mmapbench fault            first-touch fault cost vs sbrk(4096)+touch
//   mmapbench regions N        mmap placement, fault and munmap with N other regions
//   mmapbench sparse           1 GiB (or the largest that fits) mapping, every 64th page touched
//   mmapbench mkfile           create the 16-page file msync works on
//   mmapbench msync K          dirty K of its 16 pages through MAP_SHARED, msync
//   mmapbench write K|all      the same data written with write() instead
//   mmapbench fork cow|eager|none
//                              fork with 4 MiB touched private mmap (copy-on-write),
//                              4 MiB of sbrk heap (copied eagerly), or nothing
//   mmapbench filefault        faults on file pages already in the page cache
//                              (shared, private, private store) vs anonymous ones
//   mmapbench bigread          read() of a 16 MiB file: first (disk) and second (cache);
//                              ticks as hi/lo halves (they pass 2^32)
//
// Output: one line per result, "B <test> key=value ...", all integers.
// Summaries over repetitions are "<name>_med", "<name>_min", "<name>_max".
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define PG 4096

// ---- timing ------------------------------------------------------------------

// Low 32 bits of the time-stamp counter; differences are taken modulo
// 2^32, which is plenty for everything measured here.
static inline uint tsc(void) {
  uint lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
  return lo;
}

static uint overhead;   // ticks between two back-to-back tsc() calls

// Spin for exactly 2*n instructions (dec + jnz per round).
static void spin(uint n) {
  asm volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
}

static uint since(uint t0) {
  uint d = tsc() - t0;
  return d > overhead ? d - overhead : 0;
}

// ---- small statistics ----------------------------------------------------------

static void sort(uint *a, int n) {
  for (int i = 1; i < n; i++) {
    uint v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

// Sorts a in place; prints " name_med=.. name_min=.. name_max=..".
static void summary(const char *name, uint *a, int n) {
  sort(a, n);
  printf(1, " %s_med=%u %s_min=%u %s_max=%u", name, a[n / 2], name, a[0], name, a[n - 1]);
}

static void fail(const char *what) {
  printf(1, "B error what=%s\n", what);
  exit();
}

static void *map_anon(uint len) {
  void *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    fail("mmap");
  return p;
}

static int resident(void *addr) {
  static struct pmap_entry e[64];
  int n = pmap(0, e, 64);
  for (int i = 0; i < n && i < 64; i++)
    if (e[i].start == (uint)addr)
      return e[i].resident;
  return -1;
}

// ---- calib / tsc -----------------------------------------------------------------

static void measure_overhead(void) {
  uint a[31];
  for (int i = 0; i < 31; i++) {
    uint t0 = tsc();
    a[i] = tsc() - t0;
  }
  sort(a, 31);
  overhead = a[0];
}

static void cmd_calib(void) {
  enum { N = 500000, R = 9 };
  uint loop[R], nul[R * 4];
  uint over[31];
  for (int i = 0; i < 31; i++) {
    uint t0 = tsc();
    over[i] = tsc() - t0;
  }
  for (int i = 0; i < R; i++) {
    uint t0 = tsc();
    spin(N);
    loop[i] = since(t0);
  }
  for (int i = 0; i < R * 4; i++) {
    uint t0 = tsc();
    getpid();
    nul[i] = since(t0);
  }
  printf(1, "B calib insns=%u", 2 * N);
  summary("ticks", loop, R);
  // Ticks per 1000 instructions, from the median (integer arithmetic only).
  printf(1, " per1000=%u", loop[R / 2] / (2 * N / 1000));
  summary("overhead", over, 31);
  summary("getpid", nul, R * 4);
  printf(1, "\n");
}

static void cmd_tsc(void) {
  uint lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  printf(1, "B tsc hi=%u lo=%u\n", hi, lo);
}

// ---- len: mmap+munmap of untouched ranges ------------------------------------------

static void cmd_len(int with_tables) {
  enum { R = 15, MAXPAGES = 4096 };
  if (with_tables) {
    // Touch one page in each 4 MiB of the range the loop below will use,
    // then unmap: the page tables stay behind (they are not freed on munmap).
    char *p = map_anon(MAXPAGES * PG);
    for (uint off = 0; off < MAXPAGES * PG; off += 1024 * PG)
      p[off] = 1;
    if (munmap(p, MAXPAGES * PG) < 0)
      fail("munmap");
  }
  for (int pages = 1; pages <= MAXPAGES; pages *= 2) {
    uint tm[R], tu[R], tb[R];
    for (int r = 0; r < R; r++) {
      uint t0 = tsc();
      char *p = mmap(0, pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      uint t1 = tsc();
      if (p == MAP_FAILED)
        fail("mmap");
      int rc = munmap(p, pages * PG);
      uint t2 = tsc();
      if (rc < 0)
        fail("munmap");
      tm[r] = t1 - t0 - overhead;
      tu[r] = t2 - t1 - overhead;
      tb[r] = t2 - t0 - overhead;
    }
    printf(1, "B len%s pages=%d", with_tables ? "pt" : "", pages);
    summary("mmap", tm, R);
    summary("munmap", tu, R);
    summary("both", tb, R);
    printf(1, "\n");
  }
}

// ---- fault: first touch vs sbrk ------------------------------------------------------

static void cmd_fault(void) {
  enum { N = 256 };   // pages; they share one page table
  static uint wr[N], rd[N], again[N], sb[N], sbt[N];

  // Write faults on a fresh private anonymous mapping. Page 0 also
  // allocates the page table: the max shows it.
  char *p = map_anon(N * PG);
  int before = freepages();
  for (int i = 0; i < N; i++) {
    uint t0 = tsc();
    p[i * PG] = 1;
    wr[i] = since(t0);
  }
  int used = before - freepages();
  // The same stores again: no fault (the measurement's own cost).
  for (int i = 0; i < N; i++) {
    uint t0 = tsc();
    p[i * PG] = 2;
    again[i] = since(t0);
  }
  int res = resident(p);
  uint t0 = tsc();
  munmap(p, N * PG);
  uint unm = since(t0);

  // Read faults (a zeroed page is allocated too).
  char *q = map_anon(N * PG);
  volatile char sink = 0;
  for (int i = 0; i < N; i++) {
    uint t0 = tsc();
    sink += q[i * PG];
    rd[i] = since(t0);
  }
  (void)sink;
  munmap(q, N * PG);

  // The heap: sbrk(4096) allocates and maps a zeroed page at once; the
  // touch after it does not fault.
  for (int i = 0; i < N; i++) {
    uint t0 = tsc();
    char *h = sbrk(PG);
    uint t1 = tsc();
    h[0] = 1;
    sb[i] = t1 - t0 - overhead;
    sbt[i] = since(t0);
  }
  sbrk(-N * PG);

  printf(1, "B fault pages=%d pages_used=%d resident=%d", N, used, res);
  summary("write", wr, N);
  summary("read", rd, N);
  summary("present", again, N);
  summary("sbrk", sb, N);
  summary("sbrk_touch", sbt, N);
  printf(1, " munmap_touched=%u\n", unm);
}

// ---- regions: cost against the number of regions ---------------------------------------

static void cmd_regions(int n) {
  enum { R = 31 };
  if (n < 0 || n > 8000)
    fail("regions count");
  // n one-page regions at fixed places with a one-page hole after each,
  // so nothing could merge them and a two-page request fits only past
  // the last one.
  uint base = 0x40000000;
  uint t0 = tsc();
  for (int i = 0; i < n; i++) {
    void *want = (void *)(base + 2 * i * PG);
    if (mmap(want, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
        != want)
      fail("mmap fixed");
  }
  uint build = since(t0);
  uint tm[R], tf[R], tf2[R], tu[R];
  for (int r = 0; r < R; r++) {
    uint t0 = tsc();
    char *p = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint t1 = tsc();
    if (p == MAP_FAILED)
      fail("mmap");
    p[0] = 1;                 // fault: region lookup at the high end
    uint t2 = tsc();
    p[PG] = 1;                // second page: the page table now exists
    uint t3 = tsc();
    int rc = munmap(p, 2 * PG);
    uint t4 = tsc();
    if (rc < 0)
      fail("munmap");
    tm[r] = t1 - t0 - overhead;
    tf[r] = t2 - t1 - overhead;
    tf2[r] = t3 - t2 - overhead;
    tu[r] = t4 - t3 - overhead;
  }
  struct pmap_entry e;
  int have = pmap(0, &e, 1);
  printf(1, "B regions n=%d have=%d build=%u", n, have, build);
  summary("mmap", tm, R);
  summary("fault", tf, R);
  summary("fault2", tf2, R);
  summary("munmap", tu, R);
  printf(1, "\n");
}

// ---- sparse: a huge mapping, lightly touched -------------------------------------------

static void cmd_sparse(void) {
  enum { STRIDE = 64 };
  uint *tt = (uint *)sbrk(8192 * sizeof(uint));
  if (tt == (uint *)-1)
    fail("sbrk");
  int f0 = freepages();
  uint len = 0x40000000;     // 1 GiB: all of [MMAP_BASE, KERNBASE)
  char *p = MAP_FAILED;
  uint t0 = 0, tmap = 0;
  for (; len >= 16 * 1024 * 1024; len -= 16 * 1024 * 1024) {
    t0 = tsc();
    p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tmap = since(t0);
    if (p != MAP_FAILED)
      break;
  }
  if (p == MAP_FAILED)
    fail("mmap");
  int f1 = freepages();
  uint pages = len / PG;
  int n = 0;
  uint all0 = tsc();
  for (uint i = 0; i < pages; i += STRIDE) {
    uint t0 = tsc();
    p[i * PG] = 1;
    if (n < 8192)
      tt[n++] = since(t0);
  }
  uint all = since(all0);
  int f2 = freepages();
  int res = resident(p);
  t0 = tsc();
  int rc = munmap(p, len);
  uint tun = since(t0);
  if (rc < 0)
    fail("munmap");
  int f3 = freepages();
  printf(1, "B sparse mib=%u pages=%u touched=%d resident=%d map_cost=%u touch_all=%u "
         "munmap=%u drop_after_mmap=%d drop_after_touch=%d drop_after_munmap=%d",
         len >> 20, pages, n, res, tmap, all, tun, f0 - f1, f0 - f2, f0 - f3);
  summary("touch", tt, n);
  printf(1, "\n");
}

// ---- msync vs write ------------------------------------------------------------------------

#define FILE_PAGES 16          // 64 KiB; a file holds at most 140 blocks (70 KiB)
static char *fname = "mbfile";
static char *pagebuf;        // FILE_PAGES * PG bytes from sbrk (kept out of
                             // the image so fork measurements stay small)

static void get_pagebuf(void) {
  if ((pagebuf = sbrk(FILE_PAGES * PG)) == (char *)-1)
    fail("sbrk");
  for (int i = 0; i < FILE_PAGES * PG; i++)
    pagebuf[i] = 'a' + (i / PG) % 26;
}

static void cmd_mkfile(void) {
  unlink(fname);
  int fd = open(fname, O_CREATE | O_RDWR);
  if (fd < 0)
    fail("create");
  get_pagebuf();
  if (write(fd, pagebuf, FILE_PAGES * PG) != FILE_PAGES * PG)
    fail("write");
  close(fd);
  printf(1, "B mkfile bytes=%d\n", FILE_PAGES * PG);
}

// Which of the 16 pages are dirtied: k pages spread evenly.
static int chosen(int i, int k) {
  return k > 0 && (i * k) % FILE_PAGES < k;
}

static void cmd_msync(int k) {
  int fd = open(fname, O_RDWR);
  if (fd < 0)
    fail("open");
  char *p = mmap(0, FILE_PAGES * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    fail("mmap file");
  volatile char sink = 0;
  uint t0 = tsc();
  for (int i = 0; i < FILE_PAGES; i++)
    sink += p[i * PG];       // read every page in (clean)
  uint tin = since(t0);
  (void)sink;
  int dirty = 0;
  for (int i = 0; i < FILE_PAGES; i++)
    if (chosen(i, k)) {
      p[i * PG + 7]++;
      dirty++;
    }
  t0 = tsc();
  int rc = msync(p, FILE_PAGES * PG, MS_SYNC);
  uint ts = since(t0);
  if (rc < 0)
    fail("msync");
  // A second msync finds nothing dirty.
  t0 = tsc();
  msync(p, FILE_PAGES * PG, MS_SYNC);
  uint ts2 = since(t0);
  munmap(p, FILE_PAGES * PG);
  close(fd);
  printf(1, "B msync pages=%d dirty=%d fault_in=%u time=%u clean_time=%u\n",
         FILE_PAGES, dirty, tin, ts, ts2);
}

static void cmd_write(int k) {
  get_pagebuf();
  int fd = open(fname, O_RDWR);
  if (fd < 0)
    fail("open");
  int n = 0;
  uint t0 = tsc();
  if (k < 0) {               // the whole range in one write()
    if (write(fd, pagebuf, FILE_PAGES * PG) != FILE_PAGES * PG)
      fail("write");
    n = FILE_PAGES;
  } else {                   // only the k chosen pages, one write() each
    for (int i = 0; i < FILE_PAGES; i++)
      if (chosen(i, k)) {
        lseek(fd, i * PG, SEEK_SET);
        if (write(fd, pagebuf + i * PG, PG) != PG)
          fail("write");
        n++;
      }
  }
  uint tw = since(t0);
  close(fd);
  printf(1, "B write pages=%d written=%d time=%u\n", FILE_PAGES, n, tw);
}

// ---- file faults and big reads through the page cache (issue 13) ---------------------

static char onepage[PG];

// Create name holding pages pages of 'a'..'z', one write() a page.
static void make_pages(char *name, int pages) {
  unlink(name);
  int fd = open(name, O_CREATE | O_RDWR);
  if (fd < 0)
    fail("create");
  for (int i = 0; i < pages; i++) {
    memset(onepage, 'a' + i % 26, PG);
    if (write(fd, onepage, PG) != PG)
      fail("write");
  }
  close(fd);
}

// First-touch faults over N pages: an anonymous mapping against file
// pages read into the cache beforehand (so no fault reads the disk).
static void cmd_filefault(void) {
  enum { N = 64 };
  static uint anon[N], shr[N], prv[N], cow[N], prvw[N];
  char *name = "mbcache";
  make_pages(name, N);
  int fd = open(name, O_RDWR);
  if (fd < 0)
    fail("open");
  for (int i = 0; i < N; i++)
    if (read(fd, onepage, PG) != PG)   // every page into the cache
      fail("read");
  volatile char sink = 0;

  char *a = map_anon(N * PG);
  a[0] = 1;                            // the page table, outside the loop
  for (int i = 1; i < N; i++) {
    uint t0 = tsc();
    sink += a[i * PG];
    anon[i] = since(t0);
  }
  munmap(a, N * PG);

  char *m = mmap(0, N * PG, PROT_READ, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED)
    fail("mmap shared");
  sink += m[0];
  for (int i = 1; i < N; i++) {
    uint t0 = tsc();
    sink += m[i * PG];
    shr[i] = since(t0);
  }
  munmap(m, N * PG);

  // Private: a read maps the cache page read-only; the store after it copies.
  m = mmap(0, N * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED)
    fail("mmap private");
  sink += m[0];
  for (int i = 1; i < N; i++) {
    uint t0 = tsc();
    sink += m[i * PG];
    prv[i] = since(t0);
    t0 = tsc();
    m[i * PG] = 1;
    cow[i] = since(t0);
  }
  munmap(m, N * PG);

  // Private, a store as the first touch: copied at once.
  m = mmap(0, N * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED)
    fail("mmap private");
  m[0] = 1;
  for (int i = 1; i < N; i++) {
    uint t0 = tsc();
    m[i * PG] = 1;
    prvw[i] = since(t0);
  }
  munmap(m, N * PG);
  (void)sink;
  close(fd);
  unlink(name);

  printf(1, "B filefault pages=%d", N - 1);
  summary("anon", anon + 1, N - 1);
  summary("shared", shr + 1, N - 1);
  summary("private", prv + 1, N - 1);
  summary("cow", cow + 1, N - 1);
  summary("private_store", prvw + 1, N - 1);
  printf(1, "\n");
}

// The full 64-bit time-stamp counter.
static inline void tsc64(uint *lo, uint *hi) {
  asm volatile("rdtsc" : "=a"(*lo), "=d"(*hi) : : "memory");
}

#define BIG_CHUNK (64 * 1024)
#define BIG_CHUNKS 256              // 16 MiB

// Read the whole file once; prints " name_hi=.. name_lo=.." (ticks).
static void timed_read(char *name, char *buf, const char *label) {
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    fail("open");
  uint lo0, hi0, lo1, hi1;
  tsc64(&lo0, &hi0);
  for (int i = 0; i < BIG_CHUNKS; i++)
    if (read(fd, buf, BIG_CHUNK) != BIG_CHUNK)
      fail("read");
  tsc64(&lo1, &hi1);
  close(fd);
  uint borrow = lo1 < lo0;
  printf(1, " %s_hi=%u %s_lo=%u", label, hi1 - hi0 - borrow, label, lo1 - lo0);
}

static void cmd_bigread(void) {
  char *name = "mbbig";
  char *buf = sbrk(BIG_CHUNK);
  if (buf == (char *)-1)
    fail("sbrk");
  unlink(name);
  int fd = open(name, O_CREATE | O_RDWR);
  if (fd < 0)
    fail("create");
  for (int i = 0; i < BIG_CHUNKS; i++) {
    memset(buf, 'a' + i % 26, BIG_CHUNK);
    if (write(fd, buf, BIG_CHUNK) != BIG_CHUNK)
      fail("write");
  }
  close(fd);
  // write() puts nothing new in the page cache: the first read is from the disk.
  struct memstat m0, m1, m2;
  memstat(&m0);
  printf(1, "B bigread bytes=%d", BIG_CHUNK * BIG_CHUNKS);
  timed_read(name, buf, "first");
  memstat(&m1);
  timed_read(name, buf, "second");
  memstat(&m2);
  printf(1, " first_disk_reads=%u second_disk_reads=%u\n",
         m1.disk_reads - m0.disk_reads, m2.disk_reads - m1.disk_reads);
  unlink(name);
}

// ---- fork: copy-on-write vs eager copy ------------------------------------------------------

static void cmd_fork(char *mode) {
  enum { R = 5, SIZE = 4 * 1024 * 1024 };
  char *p = 0;
  if (strcmp(mode, "cow") == 0) {
    p = map_anon(SIZE);
  } else if (strcmp(mode, "eager") == 0) {
    p = sbrk(SIZE);
    if (p == (char *)-1)
      fail("sbrk");
  } else if (strcmp(mode, "none") != 0) {
    fail("mode");
  }
  if (p)
    for (int i = 0; i < SIZE; i += PG)
      p[i] = 1;
  // tf: fork() as the parent sees it; tw: the child's stores; tc: the two;
  // tx: from fork() until wait() returns (child's stores and exit included).
  uint tf[R], tc[R], tw[R], tx[R];
  int pf[R], pw[R];
  for (int r = 0; r < R; r++) {
    int go[2], back[2];
    if (pipe(go) < 0 || pipe(back) < 0)
      fail("pipe");
    int f0 = freepages();
    uint t0 = tsc();
    int pid = fork();
    if (pid < 0)
      fail("fork");
    if (pid == 0) {
      // Child: wait for the parent's reading, then write every page
      // (copy-on-write faults, or plain stores) and report.
      char c;
      read(go[0], &c, 1);
      uint t1 = tsc();
      if (p)
        for (int i = 0; i < SIZE; i += PG)
          p[i] = 2;
      uint w = since(t1);
      int f = freepages();
      write(back[1], &w, sizeof(w));
      write(back[1], &f, sizeof(f));
      exit();
    }
    tf[r] = since(t0);
    int f1 = freepages();
    pf[r] = f0 - f1;
    write(go[1], "x", 1);
    uint w;
    int f;
    read(back[0], &w, sizeof(w));
    read(back[0], &f, sizeof(f));
    wait();
    tx[r] = since(t0);
    tw[r] = w;
    pw[r] = f0 - f;
    tc[r] = tf[r] + w;
    close(go[0]); close(go[1]); close(back[0]); close(back[1]);
  }
  printf(1, "B fork mode=%s mib=%d image_kib=%d pages_fork=%d pages_after_write=%d",
         mode, p ? SIZE >> 20 : 0, (uint)sbrk(0) >> 10, pf[R / 2], pw[R / 2]);
  summary("fork", tf, R);
  summary("child_write", tw, R);
  summary("fork_write", tc, R);
  summary("total", tx, R);
  printf(1, "\n");
}

// ---------------------------------------------------------------------------------------------

int main(int argc, char *argv[]) {
  measure_overhead();
  if (argc < 2) {
    printf(2, "usage: mmapbench calib|tsc|len [pt]|fault|regions N|sparse|mkfile|"
              "msync K|write K|all|fork cow|eager|none|filefault|bigread\n");
    exit();
  }
  char *c = argv[1];
  if (strcmp(c, "calib") == 0)
    cmd_calib();
  else if (strcmp(c, "tsc") == 0)
    cmd_tsc();
  else if (strcmp(c, "len") == 0)
    cmd_len(argc > 2 && strcmp(argv[2], "pt") == 0);
  else if (strcmp(c, "fault") == 0)
    cmd_fault();
  else if (strcmp(c, "regions") == 0 && argc > 2)
    cmd_regions(atoi(argv[2]));
  else if (strcmp(c, "sparse") == 0)
    cmd_sparse();
  else if (strcmp(c, "mkfile") == 0)
    cmd_mkfile();
  else if (strcmp(c, "msync") == 0 && argc > 2)
    cmd_msync(atoi(argv[2]));
  else if (strcmp(c, "write") == 0 && argc > 2)
    cmd_write(strcmp(argv[2], "all") == 0 ? -1 : atoi(argv[2]));
  else if (strcmp(c, "fork") == 0 && argc > 2)
    cmd_fork(argv[2]);
  else if (strcmp(c, "filefault") == 0)
    cmd_filefault();
  else if (strcmp(c, "bigread") == 0)
    cmd_bigread();
  else
    printf(2, "mmapbench: unknown command %s\n", c);
  exit();
}
