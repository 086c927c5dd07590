// sysbench: the cost of common system calls, in guest instructions.
//
// Written against the plain xv6 user API only (types.h, stat.h, user.h,
// fcntl.h, printf(1, ...) with %d and %s), so the same file builds and runs
// on any x86 xv6, for side-by-side comparisons. Times are differences of the
// time-stamp counter: under QEMU with -icount shift=0 it advances by one per
// guest instruction (user and kernel together), plus idle time while the CPU
// waits for the disk. bench/sysbench/sysbench.py runs it and counts the disk
// sectors each test writes (QEMU's ide_sector_write trace).
//
//   sysbench                 every test, in the order below
//   sysbench TEST...         the named tests; one of
//     getpid                 a null system call
//     sbrk                   sbrk(4096), a store to the page, sbrk(-4096)
//     fork0 fork1 fork4      fork + child exit + wait, with 0, 1 or 4 MiB of
//                            touched heap
//     exec                   fork + exec of a program that just exits + wait
//                            (this program, as "sysbench exit")
//     execsmall execbig      the same for tinyexit and bigexit: one code
//                            page, but bigexit's file is ten times larger
//                            (data it never touches)
//     pipe1                  1-byte round trip between two processes
//     pipe512 pipe4k         64 KiB from one process to another in 512-byte
//                            or 4 KiB writes (and reads), until the reader
//                            has it all; then one untimed transfer in odd
//                            sizes whose bytes are all checked
//     create                 open(O_CREATE) + write 8 KiB + close, new files
//     read                   open + read 8 KiB + close of those files
//     open                   open + close of one of them
//     unlink                 unlink of those files
//     mkdir                  mkdir of new directories
//     clean                  remove what the tests above left (untimed)
//
// The file tests make what they need first when it is missing, untimed;
// run in the order above they find it there, so a test's disk writes are
// its own. Output: "B TEST reps=R med=M min=M max=M" (instructions per
// operation; pipe512/pipe4k per 64 KiB), or "B error what=..." on failure.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"

#define KIB 1024
#define MIB (1024 * 1024)
#define PAGE 4096

enum {
  REPS_FAST = 101,     // repetitions of cheap, deterministic operations
  REPS_SLOW = 21,      // of fork, exec, pipe transfers
  REPS_BIG = 9,        // of forks of a large heap
  REPS_FILE = 21,      // files/directories the file tests make
  PIPE_TOTAL = 64 * KIB,
  FILE_BYTES = 8 * KIB,
  MAXREPS = 101,
};

// ---- timing -------------------------------------------------------------------------

// Low half of the time-stamp counter; differences modulo 2^32 are enough.
static inline uint tsc(void) {
  uint lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
  return lo;
}

static uint overhead;   // two back-to-back tsc() reads differ by this much

static uint since(uint t0) {
  uint d = tsc() - t0;
  return d > overhead ? d - overhead : 0;
}

static void sort(uint *a, int n) {
  for (int i = 1; i < n; i++) {
    uint v = a[i];
    int j = i - 1;
    for (; j >= 0 && a[j] > v; j--)
      a[j + 1] = a[j];
    a[j + 1] = v;
  }
}

static void measure_overhead(void) {
  uint a[31];
  for (int i = 0; i < 31; i++) {
    uint t0 = tsc();
    a[i] = tsc() - t0;
  }
  sort(a, 31);
  overhead = a[0];
}

static uint t[MAXREPS];   // one test's measurements

static void report(const char *name, int reps) {
  sort(t, reps);
  printf(1, "B %s reps=%d med=%d min=%d max=%d\n", name, reps, (int)t[reps / 2],
         (int)t[0], (int)t[reps - 1]);
}

static void fail(const char *what) {
  printf(1, "B error what=%s\n", what);
  exit();
}

// ---- processes and memory -------------------------------------------------------------

static void b_getpid(void) {
  for (int r = 0; r < REPS_FAST; r++) {
    uint t0 = tsc();
    getpid();
    t[r] = since(t0);
  }
  report("getpid", REPS_FAST);
}

static void b_sbrk(void) {
  for (int r = 0; r < REPS_FAST; r++) {
    uint t0 = tsc();
    char *p = sbrk(PAGE);
    if (p == (char *)-1)
      fail("sbrk");
    *p = 1;
    sbrk(-PAGE);
    t[r] = since(t0);
  }
  report("sbrk", REPS_FAST);
}

static void b_fork(const char *name, int heap) {
  int reps = heap > MIB ? REPS_BIG : REPS_SLOW;
  char *p = 0;
  if (heap > 0) {
    p = sbrk(heap);
    if (p == (char *)-1)
      fail("sbrk");
    for (int off = 0; off < heap; off += PAGE)
      p[off] = 1;
  }
  for (int r = 0; r < reps; r++) {
    uint t0 = tsc();
    int pid = fork();
    if (pid == 0)
      exit();
    if (pid < 0 || wait() != pid)
      fail("fork");
    t[r] = since(t0);
  }
  if (heap > 0)
    sbrk(-heap);
  report(name, reps);
}

static void b_exec(char *name, char **args) {
  for (int r = 0; r < REPS_SLOW; r++) {
    uint t0 = tsc();
    int pid = fork();
    if (pid == 0) {
      exec(args[0], args);
      printf(1, "B error what=exec\n");
      exit();
    }
    if (pid < 0 || wait() != pid)
      fail("fork");
    t[r] = since(t0);
  }
  report(name, REPS_SLOW);
}

// ---- pipes ------------------------------------------------------------------------------

static char pbuf[4 * KIB];

// A child that runs `body(in, out)` with the reading end of one pipe and
// the writing end of another; the parent gets the other two ends.
static int helper(void (*body)(int, int), int *to, int *from) {
  int a[2], b[2];
  if (pipe(a) < 0 || pipe(b) < 0)
    fail("pipe");
  int pid = fork();
  if (pid < 0)
    fail("fork");
  if (pid == 0) {
    close(a[1]);
    close(b[0]);
    body(a[0], b[1]);
    exit();
  }
  close(a[0]);
  close(b[1]);
  *to = a[1];
  *from = b[0];
  return pid;
}

static void echo_body(int in, int out) {
  char c;
  while (read(in, &c, 1) == 1)
    if (write(out, &c, 1) != 1)
      break;
}

static void b_pipe1(void) {
  int to, from;
  int pid = helper(echo_body, &to, &from);
  char c = 'x';
  for (int r = 0; r < REPS_FAST; r++) {
    uint t0 = tsc();
    if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
      fail("pipe round trip");
    t[r] = since(t0);
  }
  close(to);
  close(from);
  if (wait() != pid)
    fail("wait");
  report("pipe1", REPS_FAST);
}

static int chunk;   // read size of the sink (the parent's write size)

// Reads PIPE_TOTAL bytes, then answers with one byte; until end of file.
static void sink_body(int in, int out) {
  for (;;) {
    int got = 0, n;
    while (got < PIPE_TOTAL && (n = read(in, pbuf, chunk)) > 0)
      got += n;
    if (got < PIPE_TOTAL || write(out, "k", 1) != 1)
      return;
  }
}

// Sends PIPE_TOTAL bytes in `len`-byte writes, reads `len` at a time,
// checks every byte. Untimed: it is the pipe's correctness check.
static void checked_body(int in, int out) {
  static char want[4 * KIB];
  uchar seq = 0;
  int got = 0, n;
  while ((n = read(in, want, 333)) > 0) {
    for (int i = 0; i < n; i++)
      if ((uchar)want[i] != seq++) {
        printf(1, "B error what=pipe-byte-%d-wrong\n", got + i);
        return;
      }
    got += n;
  }
  if (got != PIPE_TOTAL) {
    printf(1, "B error what=pipe-got-%d-bytes\n", got);
    return;
  }
  write(out, "k", 1);
}

static void b_pipebulk(const char *name, int len) {
  int to, from;
  chunk = len;
  int pid = helper(sink_body, &to, &from);
  char ack;
  for (int r = 0; r < REPS_SLOW; r++) {
    uint t0 = tsc();
    for (int sent = 0; sent < PIPE_TOTAL; sent += len)
      if (write(to, pbuf, len) != len)
        fail("pipe write");
    if (read(from, &ack, 1) != 1)
      fail("pipe sink");
    t[r] = since(t0);
  }
  close(to);
  close(from);
  if (wait() != pid)
    fail("wait");

  // Odd-sized writes (1000 bytes and a tail) against 333-byte reads, so
  // chunks start and end everywhere in the pipe's buffer.
  pid = helper(checked_body, &to, &from);
  uchar seq = 0;
  for (int sent = 0; sent < PIPE_TOTAL;) {
    int n = PIPE_TOTAL - sent < 1000 ? PIPE_TOTAL - sent : 1000;
    for (int i = 0; i < n; i++)
      pbuf[i] = (char)seq++;
    if (write(to, pbuf, n) != n)
      fail("pipe write (checked)");
    sent += n;
  }
  close(to);
  if (read(from, &ack, 1) != 1)
    fail("pipe check");
  close(from);
  if (wait() != pid)
    fail("wait");
  report(name, REPS_SLOW);
}

// ---- files ------------------------------------------------------------------------------

static char fbuf[FILE_BYTES];

// "sbf.N" / "sbd.N" for the N-th file / directory.
static char *name_of(char kind, int n) {
  static char s[16];
  strcpy(s, "sbf.");
  s[2] = kind;
  int i = 4;
  if (n >= 10)
    s[i++] = '0' + n / 10;
  s[i++] = '0' + n % 10;
  s[i] = 0;
  return s;
}

static int exists(char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static int make_file(char *path) {
  int fd = open(path, O_CREATE | O_RDWR);
  if (fd < 0)
    return -1;
  int n = write(fd, fbuf, FILE_BYTES);
  close(fd);
  return n == FILE_BYTES ? 0 : -1;
}

// Files the read/open/unlink tests use, made (untimed) if missing.
static void need_files(void) {
  for (int r = 0; r < REPS_FILE; r++)
    if (!exists(name_of('f', r)) && make_file(name_of('f', r)) < 0)
      fail("create (setup)");
}

static void b_create(void) {
  for (int r = 0; r < REPS_FILE; r++)
    unlink(name_of('f', r));   // leftovers of an earlier run (untimed)
  for (int r = 0; r < REPS_FILE; r++) {
    char *path = name_of('f', r);
    uint t0 = tsc();
    int rc = make_file(path);
    t[r] = since(t0);
    if (rc < 0)
      fail("create");
  }
  report("create", REPS_FILE);
}

static void b_read(void) {
  need_files();
  for (int r = 0; r < REPS_FILE; r++) {
    char *path = name_of('f', r);
    uint t0 = tsc();
    int fd = open(path, O_RDONLY);
    int n = fd < 0 ? -1 : read(fd, fbuf, FILE_BYTES);
    close(fd);
    t[r] = since(t0);
    if (n != FILE_BYTES)
      fail("read");
  }
  report("read", REPS_FILE);
}

static void b_open(void) {
  need_files();
  char *path = name_of('f', 0);
  for (int r = 0; r < REPS_FAST; r++) {
    uint t0 = tsc();
    int fd = open(path, O_RDONLY);
    close(fd);
    t[r] = since(t0);
    if (fd < 0)
      fail("open");
  }
  report("open", REPS_FAST);
}

static void b_unlink(void) {
  need_files();
  for (int r = 0; r < REPS_FILE; r++) {
    char *path = name_of('f', r);
    uint t0 = tsc();
    int rc = unlink(path);
    t[r] = since(t0);
    if (rc < 0)
      fail("unlink");
  }
  report("unlink", REPS_FILE);
}

static void b_mkdir(void) {
  for (int r = 0; r < REPS_FILE; r++)
    unlink(name_of('d', r));   // leftovers of an earlier run (untimed)
  for (int r = 0; r < REPS_FILE; r++) {
    char *path = name_of('d', r);
    uint t0 = tsc();
    int rc = mkdir(path);
    t[r] = since(t0);
    if (rc < 0)
      fail("mkdir");
  }
  report("mkdir", REPS_FILE);
}

static void b_clean(void) {
  for (int r = 0; r < REPS_FILE; r++) {
    unlink(name_of('f', r));
    unlink(name_of('d', r));
  }
  printf(1, "B clean\n");
}

// ---------------------------------------------------------------------------------------

static char *exec_self[] = {"sysbench", "exit", 0};
static char *exec_small[] = {"tinyexit", 0};   // src/user/tinyexit.c
static char *exec_big[] = {"bigexit", 0};      // the same, in a file ten times larger

static void run(char *name) {
  if (strcmp(name, "getpid") == 0) b_getpid();
  else if (strcmp(name, "sbrk") == 0) b_sbrk();
  else if (strcmp(name, "fork0") == 0) b_fork("fork0", 0);
  else if (strcmp(name, "fork1") == 0) b_fork("fork1", MIB);
  else if (strcmp(name, "fork4") == 0) b_fork("fork4", 4 * MIB);
  else if (strcmp(name, "exec") == 0) b_exec("exec", exec_self);
  else if (strcmp(name, "execsmall") == 0) b_exec("execsmall", exec_small);
  else if (strcmp(name, "execbig") == 0) b_exec("execbig", exec_big);
  else if (strcmp(name, "pipe1") == 0) b_pipe1();
  else if (strcmp(name, "pipe512") == 0) b_pipebulk("pipe512", 512);
  else if (strcmp(name, "pipe4k") == 0) b_pipebulk("pipe4k", 4 * KIB);
  else if (strcmp(name, "create") == 0) b_create();
  else if (strcmp(name, "read") == 0) b_read();
  else if (strcmp(name, "open") == 0) b_open();
  else if (strcmp(name, "unlink") == 0) b_unlink();
  else if (strcmp(name, "mkdir") == 0) b_mkdir();
  else if (strcmp(name, "clean") == 0) b_clean();
  else {
    printf(1, "B error what=unknown-test-%s\n", name);
    printf(1, "usage: sysbench [getpid|sbrk|fork0|fork1|fork4|exec|execsmall|execbig|pipe1|pipe512|pipe4k|"
              "create|read|open|unlink|mkdir|clean]...\n");
  }
}

int main(int argc, char *argv[]) {
  static char *all[] = {"getpid", "sbrk", "fork0", "fork1", "fork4", "exec", "execsmall",
                        "execbig", "pipe1",
                        "pipe512", "pipe4k", "create", "read", "open", "unlink", "mkdir",
                        "clean", 0};
  if (argc == 2 && strcmp(argv[1], "exit") == 0)
    exit();   // the program exec runs
  measure_overhead();
  if (argc < 2)
    for (int i = 0; all[i]; i++)
      run(all[i]);
  for (int i = 1; i < argc; i++)
    run(argv[i]);
  exit();
}
