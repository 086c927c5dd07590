// crashload: file-system workload for the power-cut tests (test/crash.py).
//
//   crashload nproc seed [rounds]     (rounds 0 or absent: until killed)
//
// Forks nproc workers; worker p works in its own directory /wP. Before
// each call that changes the file system it prints one line
//   @B p seq op args...
// and after the call returns, one line
//   @E p seq
// so whoever kills the machine knows which calls finished (their effect
// must be on disk) and which one was in flight (it may have left old or
// new bytes, nothing else). Each line is a single write(), so lines of two
// workers never mix. A call that fails prints "@F p seq" and stops the
// worker: nothing here should fail on a healthy system.
//
// Operations (names relative to /wP):
//   K name               mkdir
//   C name               open(name, O_CREATE|O_RDWR) of a new file
//   W name off n tag     write n bytes at off (pattern below)
//   M name off n tag     store into a MAP_SHARED mapping, msync(MS_SYNC)
//   U name off n tag     store into the mapping, munmap (writes it back)
//   L old new            link
//   D name               unlink (also while the file is still open)
// The byte at file offset x written with tag t is
//   (t * 29 + x * 7 + (x >> 8) * 3 + 1) & 0xff
// which test/crash.py computes the same way.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

#define MAX_WRITE 5000     // largest single write (several transactions)
#define MAX_FILE 8192      // files stay below this size

static int me;             // worker number
static int seq;            // calls announced so far
static uint rng;
static char data[MAX_FILE];

static uint next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

// A random number in [lo, hi] (hi - lo small: no 64-bit division).
static int between(int lo, int hi) {
  return lo + (int)(next_random() % (uint)(hi - lo + 1));
}

static void fill(char *dst, int off, int n, int tag) {
  for (int i = 0; i < n; i++) {
    int x = off + i;
    dst[i] = (char)((tag * 29 + x * 7 + (x >> 8) * 3 + 1) & 0xff);
  }
}

static int tag_of(int s) {
  return me * 100000 + s;
}

// Announce call number ++seq; returns it.
static int begin(const char *op, const char *name, const char *name2, int off, int n) {
  seq++;
  if (name2)
    printf(1, "@B %d %d %s %s %s\n", me, seq, op, name, name2);
  else if (n >= 0)
    printf(1, "@B %d %d %s %s %d %d %d\n", me, seq, op, name, off, n, tag_of(seq));
  else
    printf(1, "@B %d %d %s %s\n", me, seq, op, name);
  return seq;
}

static void end(int s, int ok) {
  if (ok) {
    printf(1, "@E %d %d\n", me, s);
    return;
  }
  printf(1, "@F %d %d\n", me, s);
  exit();
}

static void name(char *dst, char kind, int i) {
  dst[0] = kind;
  int len = 1;
  char digits[12];
  int nd = 0;
  do {
    digits[nd++] = '0' + i % 10;
    i /= 10;
  } while (i > 0);
  while (nd > 0)
    dst[len++] = digits[--nd];
  dst[len] = 0;
}

static int do_write(int fd, const char *path, int off, int n) {
  if (lseek(fd, off, SEEK_SET) != off)
    return 0;
  int s = begin("W", path, 0, off, n);
  fill(data, off, n, tag_of(s));
  end(s, write(fd, data, n) == n);
  return 1;
}

static void do_mapped(const char *path, int size) {
  int fd = open(path, O_RDWR);
  if (fd < 0)
    end(begin("M", path, 0, 0, 0), 0);
  char *map = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED)
    end(begin("M", path, 0, 0, 0), 0);
  int off = between(0, size - 1);
  int n = between(1, size - off);
  int s = begin("M", path, 0, off, n);
  fill(map + off, off, n, tag_of(s));
  end(s, msync(map, size, MS_SYNC) == 0);
  off = between(0, size - 1);
  n = between(1, size - off);
  s = begin("U", path, 0, off, n);
  fill(map + off, off, n, tag_of(s));
  end(s, munmap(map, size) == 0);
}

static void worker(int rounds) {
  char dir[8], f[16], l[16], o[16], d[16], g[24];
  name(dir, 'w', me);
  end(begin("K", dir, 0, 0, -1), mkdir(dir) == 0);
  if (chdir(dir) < 0)
    end(begin("K", dir, 0, 0, -1), 0);
  for (int i = 0; rounds == 0 || i < rounds; i++) {
    // A new file in two writes: one from the start, one overlapping it.
    name(f, 'f', i);
    int s = begin("C", f, 0, 0, -1);
    int fd = open(f, O_CREATE | O_RDWR);
    end(s, fd >= 0);
    int n1 = between(1, MAX_WRITE);
    do_write(fd, f, 0, n1);
    int off2 = between(0, n1);
    int n2 = between(1, MAX_FILE - 1 - MAX_WRITE);
    do_write(fd, f, off2, n2);
    close(fd);
    int size = off2 + n2 > n1 ? off2 + n2 : n1;
    if (i % 2 == 0)
      do_mapped(f, size);
    name(l, 'l', i);
    end(begin("L", f, l, 0, -1), link(f, l) == 0);
    if (i >= 2) {
      name(f, 'f', i - 2);
      name(l, 'l', i - 2);
      end(begin("D", f, 0, 0, -1), unlink(f) == 0);
      end(begin("D", l, 0, 0, -1), unlink(l) == 0);
    }
    if (i % 3 == 0) {
      // A file that loses its name while open: a crash now leaves an
      // orphan for the next boot to free.
      name(o, 'o', i);
      s = begin("C", o, 0, 0, -1);
      fd = open(o, O_CREATE | O_RDWR);
      end(s, fd >= 0);
      do_write(fd, o, 0, between(1, 3000));
      end(begin("D", o, 0, 0, -1), unlink(o) == 0);
      do_write(fd, o, 0, between(1, 3000));
      close(fd);
    }
    if (i % 4 == 1) {
      name(d, 'd', i);
      end(begin("K", d, 0, 0, -1), mkdir(d) == 0);
      strcpy(g, d);
      strcpy(g + strlen(g), "/g");
      s = begin("C", g, 0, 0, -1);
      fd = open(g, O_CREATE | O_RDWR);
      end(s, fd >= 0);
      do_write(fd, g, 0, between(1, 1000));
      close(fd);
      if (i >= 5) {
        name(d, 'd', i - 4);
        strcpy(g, d);
        strcpy(g + strlen(g), "/g");
        end(begin("D", g, 0, 0, -1), unlink(g) == 0);
        end(begin("D", d, 0, 0, -1), unlink(d) == 0);
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    printf(2, "usage: crashload nproc seed [rounds]\n");
    exit();
  }
  int nproc = atoi(argv[1]);
  int seed = atoi(argv[2]);
  int rounds = argc > 3 ? atoi(argv[3]) : 0;
  for (int p = 0; p < nproc; p++) {
    if (fork() == 0) {
      me = p;
      rng = (uint)seed * 2654435761u + (uint)p * 40503u + 1;
      worker(rounds);
      exit();
    }
  }
  for (int p = 0; p < nproc; p++)
    wait();
  printf(1, "@done\n");
  exit();
}
