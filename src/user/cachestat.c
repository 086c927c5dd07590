// cachestat: print the file page cache's counters (memstat()).
//
//   cachestat    one line: pages cached, of them dirty (stored into
//                through a mapping, not yet written back), pages reclaim
//                has freed since boot, free pages, disk blocks read and
//                written since boot
//   cachestat bench
//                write a 64 KiB file, push its blocks out of the buffer
//                cache (by reading usertests, 50 KiB), read it with read(),
//                then again REPS times; prints "B" lines with the guest
//                instructions (TSC ticks; one per instruction under QEMU's
//                -icount shift=0, bench/fs/cachebench.py) and the disk
//                blocks each read cost. Removes the file at the end.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "memstat.h"

#define BENCH_BYTES (64 * 1024)
#define REPS 15

static char buf[BENCH_BYTES];

static inline uint tsc(void) {
  uint lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
  return lo;
}

static uint disk_reads(void) {
  struct memstat m;
  memset(&m, 0, sizeof(m));
  memstat(&m);
  return m.disk_reads;
}

// One timed read of the first BENCH_BYTES of path (the file is opened
// before the clock starts). Returns the ticks; *reads gets the disk
// blocks read meanwhile.
static uint timed_read(char *path, uint *reads) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf(1, "B error what=open\n");
    exit();
  }
  uint r0 = disk_reads();
  uint t0 = tsc();
  int n = read(fd, buf, BENCH_BYTES);
  uint t = tsc() - t0;
  *reads = disk_reads() - r0;
  close(fd);
  if (n != BENCH_BYTES) {
    printf(1, "B error what=short-read\n");
    exit();
  }
  return t;
}

#define BENCH_FILE "cachebench.dat"
#define EVICT_FILE "usertests"

static void bench(void) {
  char *path = BENCH_FILE;
  unlink(path);
  int fd = open(path, O_CREATE | O_RDWR);
  for (int i = 0; i < BENCH_BYTES; i++)
    buf[i] = i * 7;
  if (fd < 0 || write(fd, buf, BENCH_BYTES) != BENCH_BYTES) {
    printf(1, "B error what=write\n");
    exit();
  }
  close(fd);
  // The buffer cache holds about 65 blocks: reading 100 others empties
  // it of ours, so the first read below goes to the disk.
  fd = open(EVICT_FILE, O_RDONLY);
  while (fd >= 0 && read(fd, buf, BENCH_BYTES) > 0)
    ;
  close(fd);
  uint reads;
  uint first = timed_read(path, &reads);
  printf(1, "B reread1 reps=1 med=%d min=%d max=%d reads=%d\n", first, first, first, reads);
  uint t[REPS], most = 0;
  for (int i = 0; i < REPS; i++) {
    uint r;
    t[i] = timed_read(path, &r);
    if (r > most)
      most = r;
  }
  for (int i = 1; i < REPS; i++)      // insertion sort: 15 values
    for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
      uint x = t[j];
      t[j] = t[j - 1];
      t[j - 1] = x;
    }
  printf(1, "B reread2 reps=%d med=%d min=%d max=%d reads=%d\n", REPS, t[REPS / 2], t[0],
         t[REPS - 1], most);
  unlink(path);
}

int main(int argc, char *argv[]) {
  if (argc >= 2 && strcmp(argv[1], "bench") == 0) {
    bench();
    exit();
  }
  struct memstat m;
  memset(&m, 0, sizeof(m));
  if (memstat(&m) < 0) {
    printf(2, "cachestat: memstat failed\n");
    exit();
  }
  printf(1, "cached %d dirty %d reclaimed %d free %d disk_reads %d disk_writes %d\n",
         m.cached_pages, m.dirty_pages, m.reclaimed_pages, m.free_pages, m.disk_reads,
         m.disk_writes);
  exit();
}
