// writebench: concurrent file writers, for bench/fs/fsbench.py.
//
//   writebench nwriters kbytes chunk
//
// Forks nwriters processes; each creates its own file /wbN and writes
// kbytes KiB to it in write() calls of `chunk` bytes. Times are guest TSC
// ticks (one tick per instruction under -icount shift=0; idle time spent
// waiting for the disk passes at host speed, see bench/RESULTS.md).
// Prints one line:
//   B writers n=N bytes=B ticks_hi=H ticks_lo=L lat_med=M lat_max=X writes=W
//     lat_sum_hi=SH lat_sum_lo=SL
// ticks (H * 2^32 + L): from before the first fork to after the last writer ended; lat_med
// and lat_max: median and worst single write() over all writers (each
// writer reports its own median and worst through a pipe; the figure
// printed is the median of the medians and the worst of the worsts);
// lat_sum (SH * 2^32 + SL) over W writes: the mean is lat_sum / W (the
// host divides: no 64-bit division here).
#include "types.h"
#include "user.h"
#include "fcntl.h"

#define MAX_WRITES 512
#define MAX_WRITERS 8

static inline uint64 tsc64(void) {
  uint lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
  return (uint64)hi << 32 | lo;
}

static inline uint tsc(void) {
  return (uint)tsc64();
}

static char buf[8192];
static uint lat[MAX_WRITES];

static void sort(uint *v, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
      uint t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
}

static void writer(int id, int bytes, int chunk, int out) {
  char name[8] = "wb0";
  name[2] = '0' + id;
  unlink(name);
  int fd = open(name, O_CREATE | O_WRONLY);
  if (fd < 0) {
    printf(1, "B error what=open\n");
    exit();
  }
  for (int i = 0; i < chunk; i++)
    buf[i] = 'a' + (id + i) % 26;
  int n = 0;
  uint64 sum = 0;
  for (int done = 0; done < bytes && n < MAX_WRITES; done += chunk) {
    uint t0 = tsc();
    if (write(fd, buf, chunk) != chunk) {
      printf(1, "B error what=write\n");
      exit();
    }
    lat[n] = tsc() - t0;
    sum += lat[n++];
  }
  close(fd);
  sort(lat, n);
  uint result[5] = {lat[n / 2], lat[n - 1], (uint)sum, (uint)(sum >> 32), (uint)n};
  write(out, result, sizeof(result));
  exit();
}

int main(int argc, char **argv) {
  if (argc != 4) {
    printf(2, "usage: writebench nwriters kbytes chunk\n");
    exit();
  }
  int nw = atoi(argv[1]), bytes = atoi(argv[2]) * 1024, chunk = atoi(argv[3]);
  if (nw < 1 || nw > MAX_WRITERS || chunk < 1 || chunk > (int)sizeof(buf)) {
    printf(1, "B error what=arguments\n");
    exit();
  }
  int p[2];
  if (pipe(p) < 0) {
    printf(1, "B error what=pipe\n");
    exit();
  }
  uint64 t0 = tsc64();
  for (int i = 0; i < nw; i++)
    if (fork() == 0)
      writer(i, bytes, chunk, p[1]);
  for (int i = 0; i < nw; i++)
    wait();
  uint64 ticks = tsc64() - t0;   // may pass 2^32: printed as two halves
  close(p[1]);
  uint med[MAX_WRITERS], worst = 0, writes = 0;
  uint64 sum = 0;
  for (int i = 0; i < nw; i++) {
    uint r[5];
    if (read(p[0], r, sizeof(r)) != sizeof(r)) {
      printf(1, "B error what=results\n");
      exit();
    }
    med[i] = r[0];
    if (r[1] > worst)
      worst = r[1];
    sum += (uint64)r[3] << 32 | r[2];
    writes += r[4];
  }
  sort(med, nw);
  printf(1, "B writers n=%d bytes=%d ticks_hi=%u ticks_lo=%u lat_med=%u lat_max=%u writes=%u "
         "lat_sum_hi=%u lat_sum_lo=%u\n", nw, nw * bytes, (uint)(ticks >> 32), (uint)ticks,
         med[nw / 2], worst, writes, (uint)(sum >> 32), (uint)sum);
  exit();
}
