// usertests: exercise the system-call interface from user space.
//
// Usage: usertests [name]   (runs every test, or only the one named;
//                            a few slow ones, e.g. maxfull, run only so)
//
// Each test runs in a process of its own, so a test that crashes, is
// killed, or leaves its working directory somewhere odd cannot upset the
// others. A test process reports success by writing one byte to a status
// pipe just before it exits; no byte means the test failed. When a helper
// process forked by a test finds a problem it kills the test process, so
// the failure is seen there too. Tests clean up the files they make.
//
// The sizes are chosen to keep a full run short under QEMU without KVM.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "param.h"
#include "memlayout.h"
#include "memstat.h"
#include "mmu.h"
#include "user.h"
#include "children.h"

static char buf[8192];

// ---------------------------------------------------------------- framework

static const char *test_name;  // the running test
static int test_pid;           // pid of the process running it
static int status_fd = -1;     // write end of its status pipe

static void give_up(void) __attribute__((noreturn));
static void give_up(void) {
  if (getpid() != test_pid)
    kill(test_pid);  // a helper failed: take the test down with it
  end_children();    // and the helpers this process started
  exit();
}

// Report a failure (fmt must be a string literal) and stop the test.
#define fail(fmt, ...)                                                     \
  do {                                                                     \
    printf(1, "%s: FAILED: " fmt "\n", test_name, ##__VA_ARGS__);          \
    give_up();                                                             \
  } while (0)

#define expect(cond, fmt, ...)                                             \
  do {                                                                     \
    if (!(cond))                                                           \
      fail(fmt, ##__VA_ARGS__);                                            \
  } while (0)

// fork() for tests. The child drops the status pipe, so that a helper
// left running after a failure cannot make the runner wait for it.
static int tfork(void) {
  int pid = fork_tracked();
  if (pid == 0 && status_fd >= 0) {
    close(status_fd);
    status_fd = -1;
  }
  return pid;
}

// Fork, or fail the test if that is impossible.
static int xfork(void) {
  int pid = tfork();
  if (pid < 0)
    fail("fork failed");
  return pid;
}

// Wait for one child, or fail if there is none.
static int xwait(void) {
  int pid = wait();
  if (pid < 0)
    fail("wait found no child");
  return pid;
}

// Run fn() in a child. Returns 1 if the child got to the end of fn and
// 0 if it died on the way (killed by the kernel, say).
static int survives(void (*fn)(void)) {
  int p[2];
  char c;
  expect(pipe(p) == 0, "pipe failed");
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    fn();
    write(p[1], "k", 1);
    exit();
  }
  close(p[1]);
  int n = read(p[0], &c, 1);
  close(p[0]);
  expect(xwait() == pid, "wait returned the wrong pid");
  return n == 1;
}

// Create (or replace) the file path holding n bytes of data.
static void put_file(const char *path, const char *data, int n) {
  unlink(path);
  int fd = open(path, O_CREATE | O_RDWR);
  expect(fd >= 0, "cannot create %s", path);
  expect(write(fd, data, n) == n, "write to %s failed", path);
  close(fd);
}

// Read up to max bytes of path into out; returns the count or -1.
static int get_file(const char *path, char *out, int max) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int total = 0, n;
  while (total < max && (n = read(fd, out + total, max - total)) > 0)
    total += n;
  close(fd);
  return total;
}

static int exists(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 0;
  close(fd);
  return 1;
}

static int same_bytes(const char *a, const char *b, int n) {
  for (int i = 0; i < n; i++)
    if (a[i] != b[i])
      return 0;
  return 1;
}

// Small names like "ab12": prefix followed by the decimal number.
static void numname(char *out, const char *prefix, int n) {
  char digits[12];
  int k = 0;
  strcpy(out, prefix);
  out += strlen(prefix);
  do {
    digits[k++] = (char)('0' + n % 10);
    n /= 10;
  } while (n > 0);
  while (k > 0)
    *out++ = digits[--k];
  *out = '\0';
}

static uint rand_state = 1;
static uint rnd(void) {
  rand_state = rand_state * 1664525u + 1013904223u;
  return rand_state >> 8;
}

// ---------------------------------------------------------------- processes

static void t_forkwait(void) {
  // Every child must be reported back to its parent exactly once.
  for (int i = 0; i < 100; i++) {
    int pid = xfork();
    if (pid == 0)
      exit();
    expect(wait() == pid, "wait returned a different pid (round %d)", i);
  }
  expect(wait() == -1, "wait found a child that should not exist");
}

static void t_getpid(void) {
  int p[2], childpid;
  int me = getpid();
  expect(me > 0, "getpid gave %d", me);
  expect(pipe(p) == 0, "pipe failed");
  int pid = xfork();
  if (pid == 0) {
    int mine = getpid();
    write(p[1], &mine, sizeof mine);
    exit();
  }
  expect(read(p[0], &childpid, sizeof childpid) == sizeof childpid, "no pid from child");
  expect(childpid == pid, "fork returned %d, child says it is %d", pid, childpid);
  expect(childpid != me, "child has the parent's pid");
  expect(getpid() == me, "parent pid changed");
  xwait();
  close(p[0]);
  close(p[1]);
}

static void t_forkfull(void) {
  // Fork until the process table is full, then collect everyone.
  int n;
  for (n = 0; n < 2 * NPROC; n++) {
    int pid = tfork();
    if (pid < 0)
      break;
    if (pid == 0) {
      sleep(1);
      exit();
    }
  }
  expect(n < 2 * NPROC, "fork never failed (%d children)", n);
  expect(n > 0, "no fork succeeded");
  for (int i = 0; i < n; i++)
    expect(wait() >= 0, "only %d of %d children reaped", i, n);
  expect(wait() == -1, "wait found an extra child");
  // And the table must be usable again.
  int pid = xfork();
  if (pid == 0)
    exit();
  expect(wait() == pid, "fork after filling the table broken");
}

static void t_reparent(void) {
  // A grandchild outlives its parent: init must take it, not us.
  for (int i = 0; i < 10; i++) {
    int pid = xfork();
    if (pid == 0) {
      if (tfork() < 0)
        fail("fork in child failed");
      exit();
    }
    expect(wait() == pid, "wait returned the wrong pid");
  }
  expect(wait() == -1, "a grandchild was given to us");
}

static void spin(void) {
  for (;;)
    ;
}

static void t_kill(void) {
  int pid = xfork();
  if (pid == 0)
    spin();
  sleep(1);
  expect(kill(pid) == 0, "kill of a running child failed");
  expect(wait() == pid, "killed child not reaped");
  expect(kill(pid) < 0, "kill of a dead process succeeded");
  expect(kill(-5) < 0, "kill(-5) succeeded");
  expect(kill(1000000) < 0, "kill(1000000) succeeded");
}

static void t_preempt(void) {
  // Two children hog the CPU; a third must still get to run.
  int p[2];
  int a = xfork();
  if (a == 0)
    spin();
  int b = xfork();
  if (b == 0)
    spin();
  expect(pipe(p) == 0, "pipe failed");
  int c = xfork();
  if (c == 0) {
    close(p[0]);
    if (write(p[1], "x", 1) != 1)
      fail("write in child failed");
    close(p[1]);
    spin();
  }
  close(p[1]);
  expect(read(p[0], buf, sizeof buf) == 1, "third child never ran");
  close(p[0]);
  kill(a);
  kill(b);
  kill(c);
  for (int i = 0; i < 3; i++)
    xwait();
}

static void t_sleep(void) {
  int t0 = uptime();
  expect(sleep(0) == 0, "sleep(0) failed");
  expect(sleep(5) == 0, "sleep(5) failed");
  int t1 = uptime();
  expect(t1 - t0 >= 5, "slept %d ticks, wanted 5", t1 - t0);
}

// ---------------------------------------------------------------- pipes

static void t_pipe(void) {
  // Bytes arrive complete and in order, whatever the read sizes.
  enum { ROUNDS = 5, SIZE = 1033 };
  int p[2];
  expect(pipe(p) == 0, "pipe failed");
  int pid = xfork();
  if (pid == 0) {
    uchar seq = 0;
    close(p[0]);
    for (int r = 0; r < ROUNDS; r++) {
      for (int i = 0; i < SIZE; i++)
        buf[i] = (char)seq++;
      if (write(p[1], buf, SIZE) != SIZE)
        fail("pipe write failed");
    }
    exit();
  }
  close(p[1]);
  uchar seq = 0;
  int total = 0, want = 1, n;
  while ((n = read(p[0], buf, want)) > 0) {
    for (int i = 0; i < n; i++)
      expect((uchar)buf[i] == seq++, "wrong byte at offset %d", total + i);
    total += n;
    want = want * 2 > (int)sizeof buf ? (int)sizeof buf : want * 2;
  }
  expect(total == ROUNDS * SIZE, "read %d bytes, wanted %d", total, ROUNDS * SIZE);
  close(p[0]);
  expect(wait() == pid, "wait");
}

static void t_pipeend(void) {
  int p[2];
  // No writers left: read sees end of file.
  expect(pipe(p) == 0, "pipe failed");
  expect(write(p[1], "ab", 2) == 2, "pipe write failed");
  close(p[1]);
  expect(read(p[0], buf, 10) == 2, "data lost");
  expect(read(p[0], buf, 10) == 0, "no end of file");
  close(p[0]);
  // No readers left: write fails rather than block.
  expect(pipe(p) == 0, "pipe failed");
  close(p[0]);
  expect(write(p[1], "ab", 2) < 0, "write with no reader succeeded");
  close(p[1]);
}

static void t_pipebroken(void) {
  // A write that fills the pipe and blocks fails once the reader is gone,
  // although part of it was already taken; what was read arrived intact.
  enum { TAKEN = 100 };
  int p[2];
  expect(pipe(p) == 0, "pipe failed");
  for (int i = 0; i < (int)sizeof buf; i++)
    buf[i] = (char)(i * 7);
  int pid = xfork();
  if (pid == 0) {
    char got[TAKEN];
    close(p[1]);
    for (int n = 0, r; n < TAKEN; n += r)
      if ((r = read(p[0], got + n, TAKEN - n)) <= 0)
        fail("pipe read failed");
    for (int i = 0; i < TAKEN; i++)
      expect(got[i] == (char)(i * 7), "wrong byte at offset %d", i);
    exit();
  }
  close(p[0]);
  int n = write(p[1], buf, sizeof buf);
  expect(n < 0, "write to a pipe whose reader left returned %d", n);
  close(p[1]);
  expect(xwait() == pid, "wait returned the wrong pid");
}

static void t_pipekill(void) {
  // Processes asleep in pipe reads and writes must die when killed.
  int p[2], q[2];
  expect(pipe(p) == 0 && pipe(q) == 0, "pipe failed");
  int reader = xfork();
  if (reader == 0) {
    read(p[0], buf, 1);  // nobody ever writes
    exit();
  }
  int writer = xfork();
  if (writer == 0) {
    for (;;)
      write(q[1], buf, sizeof buf);  // nobody ever reads
  }
  sleep(5);
  expect(kill(reader) == 0 && kill(writer) == 0, "kill failed");
  for (int i = 0; i < 2; i++) {
    int pid = xwait();
    expect(pid == reader || pid == writer, "wait returned a stranger");
  }
  close(p[0]);
  close(p[1]);
  close(q[0]);
  close(q[1]);
}

// ---------------------------------------------------------------- exec

static char *echo_argv[] = {"echo", "hello", "exec", "world", 0};

// Run argv with stdout sent to the file out; returns after it exits.
static void run_to_file(char **argv, const char *out) {
  unlink(out);
  int pid = xfork();
  if (pid == 0) {
    close(1);
    if (open(out, O_CREATE | O_WRONLY) != 1)
      fail("cannot create %s", out);
    exec(argv[0], argv);
    fail("exec %s failed", argv[0]);
  }
  expect(xwait() == pid, "wait");
}

static void t_exec(void) {
  run_to_file(echo_argv, "exec.out");
  int n = get_file("exec.out", buf, sizeof buf);
  expect(n == 17 && same_bytes(buf, "hello exec world\n", 17), "echo printed the wrong thing (%d bytes)", n);
  unlink("exec.out");
}

static void t_execbad(void) {
  char *argv[] = {"x", 0};
  expect(exec("no-such-program", argv) < 0, "exec of a missing file succeeded");
  expect(exec("/", argv) < 0, "exec of a directory succeeded");
  // A file that is not an ELF executable.
  memset(buf, 'z', 600);
  put_file("notelf", buf, 600);
  expect(exec("notelf", argv) < 0, "exec of a non-ELF file succeeded");
  unlink("notelf");
  // Bad pointers for the path, the argv array, or an argument.
  expect(exec((char *)KERNBASE, argv) < 0, "exec with a kernel path pointer succeeded");
  expect(exec("echo", (char **)KERNBASE) < 0, "exec with a kernel argv succeeded");
  char *bad[] = {"echo", (char *)0xffffffff, 0};
  expect(exec("echo", bad) < 0, "exec with a bad argument succeeded");
  // An argv array whose terminating 0 would lie past the end of memory.
  expect(sbrk(PGSIZE) != (char *)-1, "sbrk failed");
  char **top = (char **)sbrk(0);
  top[-1] = "echo";
  expect(exec("echo", top - 1) < 0, "exec with argv running off memory succeeded");
  // We are still here and still working.
  expect(getpid() == test_pid, "process changed after failed exec");
}

static char **huge_args;

static void exec_huge(void) {
  close(1);  // should it run after all, keep the console clean
  exec("echo", huge_args);
}

static void t_bigargs(void) {
  // MAXARG-1 arguments of 100 bytes fit on the stack page: must work.
  static char *args[MAXARG];
  static char arg[101];
  memset(arg, 'a', 100);
  arg[100] = '\0';
  args[0] = "echo";
  for (int i = 1; i < MAXARG - 1; i++)
    args[i] = arg;
  args[MAXARG - 1] = 0;
  run_to_file(args, "bigargs.out");
  int n = get_file("bigargs.out", buf, sizeof buf);
  expect(n == (MAXARG - 2) * 101, "echo of big arguments printed %d bytes", n);
  unlink("bigargs.out");

  // Arguments too big for the one-page stack: exec must fail cleanly
  // and leave the caller running.
  static char huge[301];
  memset(huge, 'b', 300);
  huge[300] = '\0';
  for (int i = 1; i < MAXARG - 1; i++)
    args[i] = huge;
  huge_args = args;
  expect(survives(exec_huge), "exec with 9 KB of arguments did not fail");
}

// ---------------------------------------------------------------- memory

// Not static, and read through a volatile pointer: otherwise the
// compiler knows it is all zero and drops both the array and the test.
char bss_area[20000];

static void t_bss(void) {
  volatile char *b = bss_area;
  for (uint i = 0; i < sizeof bss_area; i++)
    expect(b[i] == 0, "bss byte %d is %d", i, b[i]);
}

static void t_sbrkbasic(void) {
  // Small steps hand out consecutive addresses.
  char *a = sbrk(0);
  for (int i = 0; i < 1000; i++) {
    char *b = sbrk(1);
    expect(b == a, "sbrk(1) returned %p, expected %p", b, a);
    *b = 1;
    a = b + 1;
  }
  // After a fork both copies keep growing from the same place.
  int pid = xfork();
  char *c = sbrk(1);
  c = sbrk(1);
  expect(c == a + 1, "sbrk after fork returned %p, expected %p", c, a + 1);
  if (pid == 0)
    exit();
  xwait();
}

static void t_sbrkmuch(void) {
  enum { GROW = 32 * 1024 * 1024 };
  char *a = sbrk(0);
  char *p = sbrk(GROW);
  expect(p == a, "sbrk(%d) returned %p, expected %p", GROW, p, a);
  // Every page must be there (and start out zero).
  for (char *q = a; q < a + GROW; q += PGSIZE) {
    expect(*q == 0, "new memory at %p is not zero", q);
    *q = 1;
  }
  char *last = a + GROW - 1;
  *last = 99;

  // Give back a page, then get it again: it must come back clean.
  expect(sbrk(-PGSIZE) == a + GROW, "shrinking returned the wrong address");
  expect(sbrk(0) == a + GROW - PGSIZE, "shrinking did not move the break");
  expect(sbrk(PGSIZE) == a + GROW - PGSIZE, "regrowing returned the wrong address");
  expect(*last == 0, "a freed page came back with its old contents");

  expect(sbrk(-GROW) == a + GROW, "shrinking all the way failed");
  expect(sbrk(0) == a, "break not back where it started");
}

static char *freed;

static void touch_freed(void) {
  // Reading what was given back must kill us.
  *(volatile char *)freed;
}

static void t_sbrkfree(void) {
  char *a = sbrk(0);
  uint pad = PGROUNDUP((uint)a) - (uint)a;
  sbrk((int)pad);  // line up on a page boundary
  a = sbrk(2 * PGSIZE);
  expect(a != (char *)-1, "sbrk failed");
  a[0] = 1;
  a[PGSIZE] = 1;
  expect(sbrk(-2 * PGSIZE) == a + 2 * PGSIZE, "shrinking failed");
  freed = a;
  expect(!survives(touch_freed), "reading freed memory did not kill the process");
  freed = a + PGSIZE + 100;
  expect(!survives(touch_freed), "reading freed memory did not kill the process");

  // The kernel must refuse to use it as well.
  int fd = open("sbrkfree", O_CREATE | O_RDWR);
  expect(fd >= 0, "cannot create a file");
  expect(write(fd, a, 10) < 0, "write() from freed memory worked");
  close(fd);
  unlink("sbrkfree");
  int p[2];
  expect(pipe((int *)a) < 0, "pipe() into freed memory worked");
  expect(pipe(p) == 0, "pipe() failed");
  close(p[0]);
  close(p[1]);
}

static void t_sbrkfail(void) {
  char *a = sbrk(0);
  // More than could ever fit below KERNBASE.
  expect(sbrk(0x7ffff000) == (char *)-1, "sbrk of almost 2 GB succeeded");
  expect(sbrk(0x40000000) == (char *)-1, "sbrk of 1 GB succeeded");
  expect(sbrk(0) == a, "failed sbrk moved the break");

  // Grab memory until there is none: sbrk fails, the process lives on.
  int pid = xfork();
  if (pid == 0) {
    char *last = 0, *p;
    for (int i = 0; i < 2048 && (p = sbrk(1024 * 1024)) != (char *)-1; i++)
      last = p;
    if (last == 0)
      fail("could not grow at all");
    last[1024 * 1024 - 1] = 1;
    last[0] = 1;
    if (sbrk(0) != last + 1024 * 1024)
      fail("failed sbrk moved the break");
    exit();
  }
  expect(wait() == pid, "wait");
  // Everything it held must be usable again.
  char *p = sbrk(4 * 1024 * 1024);
  expect(p != (char *)-1, "memory not returned after the hog exited");
  p[0] = 1;
  p[4 * 1024 * 1024 - 1] = 1;
  sbrk(-4 * 1024 * 1024);
}

static void hog(void) {
  // Eat all memory through malloc, give it back, and allocate again.
  char *list = 0, *m;
  int n = 0;
  while ((m = malloc(10001)) != 0) {
    *(char **)m = list;
    list = m;
    n++;
  }
  if (n == 0)
    fail("malloc failed at once");
  while (list != 0) {
    m = list;
    list = *(char **)m;
    free(m);
  }
  m = malloc(20 * 1024);
  if (m == 0)
    fail("malloc after free failed (%d blocks were freed)", n);
  free(m);
}

static void t_mem(void) {
  expect(survives(hog), "the malloc hog died");
  // Sanity of malloc itself: blocks do not overlap, contents survive.
  char *blk[50];
  for (int i = 0; i < 50; i++) {
    blk[i] = malloc((uint)(i * 37 + 1));
    expect(blk[i] != 0, "malloc(%d) failed", i * 37 + 1);
    memset(blk[i], i, (uint)(i * 37 + 1));
  }
  for (int i = 0; i < 50; i += 2)
    free(blk[i]);
  for (int i = 1; i < 50; i += 2)
    for (int j = 0; j < i * 37 + 1; j++)
      expect(blk[i][j] == i, "malloc block %d corrupted", i);
  for (int i = 1; i < 50; i += 2)
    free(blk[i]);
}

static char *probe;

static void touch_probe(void) { *(volatile char *)probe; }

static void t_kernmem(void) {
  // User code must not be able to read kernel memory.
  for (uint off = 0; off < 0x200000; off += 0x19000) {
    probe = (char *)(KERNBASE + off);
    expect(!survives(touch_probe), "read of kernel address %p worked", probe);
  }
  probe = (char *)0xfffff000;
  expect(!survives(touch_probe), "read of address %p worked", probe);
}

static void t_stackguard(void) {
  // Below the one stack page lies a guard page the user cannot touch.
  uint sp;
  asm volatile("movl %%esp, %0" : "=r"(sp));
  probe = (char *)(PGROUNDDOWN(sp) - PGSIZE + 16);
  expect(!survives(touch_probe), "the stack guard page is accessible");
  probe = (char *)(PGROUNDDOWN(sp) - 1);
  expect(!survives(touch_probe), "the stack guard page is accessible");
}

static void port_in(void) {
  uchar v;
  asm volatile("inb %1, %0" : "=a"(v) : "d"((ushort)0x70));
}

static void port_out(void) { asm volatile("outb %0, %1" : : "a"((uchar)0x09), "d"((ushort)0x70)); }

static void t_uio(void) {
  // I/O instructions are privileged: a user process doing one dies.
  expect(!survives(port_in), "user process executed in");
  expect(!survives(port_out), "user process executed out");
}

// ---------------------------------------------------------------- bad pointers

static void t_badptr(void) {
  put_file("badptr", "0123456789", 10);
  int fd = open("badptr", O_RDWR);
  expect(fd >= 0, "cannot open badptr");

  // Give ourselves a heap page so the end of memory is ours to scribble.
  expect(sbrk(PGSIZE) != (char *)-1, "sbrk failed");
  char *top = sbrk(0);

  char *kern[] = {(char *)KERNBASE, (char *)(KERNBASE + 0x100000), (char *)0xfffff000};
  for (int i = 0; i < 3; i++) {
    expect(write(fd, kern[i], 4) < 0, "write from %p worked", kern[i]);
    expect(read(fd, kern[i], 4) < 0, "read into %p worked", kern[i]);
  }
  expect(write(fd, top, 1) < 0, "write from the end of memory worked");
  expect(write(fd, top + 5 * PGSIZE, 1) < 0, "write from beyond memory worked");
  expect(read(fd, top - 5, 10) < 0, "read into a buffer crossing the end worked");
  expect(write(fd, (char *)0xfffffff0, 0x20) < 0, "write from a wrapping buffer worked");
  int r = read(fd, top - 1, -1);
  expect(r <= 0, "read of -1 bytes returned %d", r);
  r = write(fd, buf, -1);
  expect(r <= 0, "write of -1 bytes returned %d", r);

  // Strings and structures.
  top[-3] = 'a';
  top[-2] = 'b';
  top[-1] = 'c';  // no terminator before the end of memory
  expect(open(top - 3, O_RDONLY) < 0, "open of an unterminated path worked");
  expect(open((char *)KERNBASE, O_RDONLY) < 0, "open with a kernel path worked");
  expect(open(top + PGSIZE, O_RDONLY) < 0, "open with a path beyond memory worked");
  expect(mkdir((char *)KERNBASE) < 0, "mkdir with a kernel path worked");
  expect(chdir((char *)0xffffffff) < 0, "chdir with a bad path worked");
  expect(unlink((char *)KERNBASE) < 0, "unlink with a kernel path worked");
  expect(link((char *)KERNBASE, "badptr2") < 0, "link from a kernel path worked");
  expect(link("badptr", (char *)KERNBASE) < 0, "link to a kernel path worked");
  expect(mknod((char *)KERNBASE, 1, 1) < 0, "mknod with a kernel path worked");
  expect(pipe((int *)KERNBASE) < 0, "pipe into the kernel worked");
  expect(pipe((int *)(top - 4)) < 0, "pipe into a buffer crossing the end worked");
  expect(fstat(fd, (struct stat *)KERNBASE) < 0, "fstat into the kernel worked");
  expect(fstat(fd, (struct stat *)(top - 4)) < 0, "fstat into a buffer crossing the end worked");

  // Bad file descriptors.
  expect(read(-1, buf, 1) < 0 && read(NOFILE, buf, 1) < 0 && read(99, buf, 1) < 0, "read of a bad fd worked");
  expect(write(-1, buf, 1) < 0 && write(NOFILE + 3, buf, 1) < 0, "write of a bad fd worked");
  expect(close(-1) < 0 && close(NOFILE) < 0, "close of a bad fd worked");
  expect(dup(-1) < 0 && dup(NOFILE) < 0, "dup of a bad fd worked");
  struct stat st;
  expect(fstat(NOFILE + 1, &st) < 0, "fstat of a bad fd worked");

  close(fd);
  expect(get_file("badptr", buf, 100) == 10 && same_bytes(buf, "0123456789", 10), "badptr contents changed");
  unlink("badptr");
}

static void t_validate(void) {
  // Pointers all over the low address space: the call fails, nothing breaks.
  for (uint p = 0; p <= 1100 * 1024; p += PGSIZE)
    expect(link("validate-nosuchfile", (char *)p) < 0, "link to %p succeeded", p);
}

static void t_argptr(void) {
  // A buffer at the very end of memory with a silly length.
  int fd = open("usertests", O_RDONLY);
  if (fd < 0)
    fd = open("/usertests", O_RDONLY);
  expect(fd >= 0, "cannot open usertests");
  read(fd, sbrk(0) - 1, -1);
  read(fd, sbrk(0) - 1, 0x7fffffff);
  close(fd);
}

// ---------------------------------------------------------------- files

static void t_smallfile(void) {
  unlink("small");
  int fd = open("small", O_CREATE | O_RDWR);
  expect(fd >= 0, "create failed");
  for (int i = 0; i < 100; i++) {
    expect(write(fd, "aaaaaaaaaa", 10) == 10, "write %d of a failed", i);
    expect(write(fd, "bbbbbbbbbb", 10) == 10, "write %d of b failed", i);
  }
  close(fd);
  fd = open("small", O_RDONLY);
  expect(fd >= 0, "reopen failed");
  expect(read(fd, buf, 2000) == 2000, "short read");
  for (int i = 0; i < 2000; i++)
    expect(buf[i] == ((i / 10) % 2 ? 'b' : 'a'), "wrong byte at %d", i);
  expect(read(fd, buf, 10) == 0, "data after the end");
  close(fd);
  expect(unlink("small") == 0, "unlink failed");
  expect(!exists("small"), "file still there after unlink");
}

// Write nblocks stamped blocks to path, then read them back.
static void stamped_file(const char *path, int nblocks) {
  unlink(path);
  int fd = open(path, O_CREATE | O_RDWR);
  expect(fd >= 0, "create %s failed", path);
  for (int b = 0; b < nblocks; b++) {
    for (int i = 0; i < BSIZE / 4; i++)
      ((int *)buf)[i] = b * 1000 + i;
    expect(write(fd, buf, BSIZE) == BSIZE, "write of block %d failed", b);
  }
  close(fd);
  struct stat st;
  expect(stat(path, &st) == 0 && st.size == (uint)(nblocks * BSIZE), "size %d, wanted %d", st.size, nblocks * BSIZE);
  fd = open(path, O_RDONLY);
  expect(fd >= 0, "reopen failed");
  for (int b = 0; b < nblocks; b++) {
    expect(read(fd, buf, BSIZE) == BSIZE, "read of block %d failed", b);
    for (int i = 0; i < BSIZE / 4; i++)
      expect(((int *)buf)[i] == b * 1000 + i, "block %d word %d wrong", b, i);
  }
  expect(read(fd, buf, BSIZE) == 0, "data after the end");
  close(fd);
  expect(unlink(path) == 0, "unlink failed");
}

// Through the indirect block into the first doubly-indirect one, across
// two of its indirect blocks.
static void t_bigfile(void) { stamped_file("big", (int)(NDIRECT + NINDIRECT + NINDIRECT + 2)); }

// Word i of file page p (4 KiB pages): different everywhere in the file.
static int maxfile_word(int page, int i) { return page * 1024 + i; }

// Is page p of fd as maxfile_run wrote it (or, for a hole, zeros)?
static void maxfile_check_page(int fd, int page, int npages, int tail, int hole) {
  int n = page == npages - 1 ? tail : 4096;
  expect(lseek(fd, page * 4096, SEEK_SET) == page * 4096, "lseek to page %d failed", page);
  expect(read(fd, buf, 4096) == n, "read of page %d failed", page);
  for (int i = 0; i < n / 4; i++)
    expect(((int *)buf)[i] == (hole ? 0 : maxfile_word(page, i)), "page %d word %d wrong", page, i);
}

static uint disk_free(void) {
  struct memstat ms;
  expect(memstat(&ms) == 0, "memstat failed");
  return ms.disk_free;
}

// Pages of the sparse file: every SPARSE_STEP'th, the last, and those
// where the indirect and each doubly-indirect block begin (file blocks
// NDIRECT, NDIRECT + NINDIRECT, NDIRECT + NINDIRECT + NDINDIRECT).
#define SPARSE_STEP 61
static int maxfile_sparse_page(int p, int npages) {
  int boundary[] = {NDIRECT * BSIZE / 4096, (NDIRECT + NINDIRECT) * BSIZE / 4096,
                    (NDIRECT + NINDIRECT + NDINDIRECT) * BSIZE / 4096};
  for (int i = 0; i < 3; i++)
    if (p == boundary[i] || p == boundary[i] + 1)
      return 1;
  return p % SPARSE_STEP == 0 || p == npages - 1;
}

// Blocks a file needs for data blocks [0, n) of which `written` says
// which exist: the data blocks and the tables above them.
static uint maxfile_blocks(int nblocks, int (*written)(int, int), int npages) {
  uint total = 0;
  int last_table = -1, last_dbl = -1;
  for (int bn = 0; bn < nblocks; bn++) {
    if (!written(bn * BSIZE / 4096, npages))
      continue;
    total++;
    if (bn < NDIRECT)
      continue;
    int rel = bn - NDIRECT, table = rel / NINDIRECT;   // indirect block 0 is addrs[NDIRECT]
    if (table != last_table)
      total++;
    last_table = table;
    if (rel >= (int)NINDIRECT) {
      int dbl = (rel - NINDIRECT) / NDINDIRECT;
      if (dbl != last_dbl)
        total++;
      last_dbl = dbl;
    }
  }
  return total;
}

static int every_page(int p, int npages) {
  (void)p;
  (void)npages;
  return 1;
}

// A file grows to exactly MAXFILE blocks (16 MiB, into the second
// doubly-indirect block) and not one byte more; unlinking it gives
// every block back, tables included. `full` writes every byte (16 MiB:
// tens of seconds under TCG, so only `usertests maxfull` does); the
// default writes distinct pages spread over the whole file, the last
// one included, leaving holes between them.
static void maxfile_run(int full) {
  enum { STEP = sizeof(buf) };
  const int total = (int)MAXFILE * BSIZE;
  const int npages = (total + 4095) / 4096, tail = total - (npages - 1) * 4096;
  int (*written)(int, int) = full ? every_page : maxfile_sparse_page;
  unlink("maxfile");
  int fd = open("maxfile", O_CREATE | O_RDWR);
  expect(fd >= 0, "create failed");
  uint free_before = disk_free();   // the directory entry is made already
  for (int off = 0; off < total; off += STEP) {
    for (int i = 0; i < STEP / 4; i++)
      ((int *)buf)[i] = maxfile_word((off + i * 4) / 4096, i % 1024);
    for (int p = off / 4096; p * 4096 < off + STEP && p < npages; p++) {
      if (!written(p, npages))
        continue;
      int n = p == npages - 1 ? tail : 4096;
      expect(lseek(fd, p * 4096, SEEK_SET) == p * 4096, "lseek to page %d failed", p);
      expect(write(fd, buf + (p * 4096 - off), n) == n, "write of page %d failed", p);
    }
  }
  // One block past the end: -1, nothing written, the size as it was.
  expect(lseek(fd, 0, SEEK_END) == total, "lseek to the end failed");
  int r = write(fd, buf, BSIZE);
  expect(r == -1, "write past MAXFILE returned %d", r);
  expect(write(fd, buf, 1) == -1, "a byte past MAXFILE was written");
  struct stat st;
  expect(fstat(fd, &st) == 0 && st.size == (uint)total, "size %d, wanted %d", st.size, total);
  uint used = free_before - disk_free(), want = maxfile_blocks(MAXFILE, written, npages);
  expect(used == want, "the file took %d blocks, wanted %d", used, want);

  // Read back every SPARSE_STEP'th page and its neighbour (a hole when sparse).
  for (int p = 0; p < npages; p++)
    if (maxfile_sparse_page(p, npages) || maxfile_sparse_page(p - 1, npages))
      maxfile_check_page(fd, p, npages, tail, !written(p, npages));
  close(fd);

  expect(unlink("maxfile") == 0, "unlink failed");
  uint after = disk_free();
  expect(after == free_before, "%d blocks free after unlink, %d before", after, free_before);
}

static void t_maxfile(void) { maxfile_run(0); }
static void t_maxfull(void) { maxfile_run(1); }

static void t_oddwrites(void) {
  // Writes that start and end in the middle of blocks.
  unlink("odd");
  int fd = open("odd", O_CREATE | O_RDWR);
  expect(fd >= 0, "create failed");
  for (int i = 0; i < 20; i++) {
    memset(buf, i, 600);
    expect(write(fd, buf, 600) == 600, "write %d failed", i);
  }
  close(fd);
  fd = open("odd", O_RDONLY);
  expect(fd >= 0, "reopen failed");
  int total = 0, n;
  while ((n = read(fd, buf, 300)) > 0) {
    expect(n == 300, "short read of %d", n);
    int want = total / 600;
    expect(buf[0] == want && buf[299] == want, "wrong data at %d", total);
    total += n;
  }
  expect(total == 20 * 600, "read %d bytes", total);
  close(fd);
  unlink("odd");

  // Single writes of sizes that straddle several blocks.
  for (int sz = 499; sz < 3 * BSIZE; sz += 471) {
    fd = open("odd", O_CREATE | O_RDWR);
    expect(fd >= 0, "create failed");
    for (int i = 0; i < 2; i++)
      expect(write(fd, buf, sz) == sz, "write of %d failed", sz);
    close(fd);
    unlink("odd");
  }
}

static void t_openmodes(void) {
  put_file("modes", "xyz", 3);
  int fd = open("modes", O_RDONLY);
  expect(fd >= 0, "open for reading failed");
  expect(write(fd, "a", 1) < 0, "write to a read-only fd worked");
  close(fd);
  fd = open("modes", O_WRONLY);
  expect(fd >= 0, "open for writing failed");
  expect(read(fd, buf, 1) < 0, "read from a write-only fd worked");
  expect(write(fd, "X", 1) == 1, "write failed");
  close(fd);
  expect(get_file("modes", buf, 10) == 3 && same_bytes(buf, "Xyz", 3), "overwrite went wrong");
  expect(open("no-such-file", O_RDONLY) < 0, "open of a missing file worked");
  fd = open("echo", O_RDONLY);
  if (fd < 0)
    fd = open("/echo", O_RDONLY);
  expect(fd >= 0, "cannot open echo");
  close(fd);
  unlink("modes");
}

static void t_dup(void) {
  unlink("dupfile");
  int fd = open("dupfile", O_CREATE | O_RDWR);
  expect(fd >= 0, "create failed");
  int fd2 = dup(fd);
  expect(fd2 >= 0 && fd2 != fd, "dup returned %d", fd2);
  // The two descriptors share one offset.
  expect(write(fd, "ab", 2) == 2 && write(fd2, "cd", 2) == 2, "write failed");
  close(fd);
  expect(write(fd2, "ef", 2) == 2, "dup'd fd died with the original");
  close(fd2);
  expect(get_file("dupfile", buf, 100) == 6 && same_bytes(buf, "abcdef", 6), "shared offset broken");

  // New descriptors take the lowest free number.
  fd = open("dupfile", O_RDONLY);
  fd2 = open("dupfile", O_RDONLY);
  close(fd);
  expect(open("dupfile", O_RDONLY) == fd, "lowest free fd not reused");
  close(fd);
  close(fd2);

  // Only NOFILE descriptors per process.
  int fds[NOFILE + 1], n = 0;
  while (n <= NOFILE && (fds[n] = open("dupfile", O_RDONLY)) >= 0)
    n++;
  expect(n < NOFILE, "opened %d files with NOFILE %d", n, NOFILE);
  while (n > 0)
    close(fds[--n]);
  unlink("dupfile");
}

static void t_fstat(void) {
  put_file("fst", "12345", 5);
  struct stat st, st2;
  expect(stat("fst", &st) == 0, "stat failed");
  expect(st.type == T_FILE && st.size == 5 && st.nlink == 1, "file stat wrong: type %d size %d nlink %d", st.type,
         st.size, st.nlink);
  expect(stat(".", &st2) == 0 && st2.type == T_DIR, "directory stat wrong");
  expect(st.ino != st2.ino, "file and directory share an inode");
  unlink("fst");
}

static void t_createmany(void) {
  // Lots of files in one directory.
  char name[16];
  for (int i = 0; i < 50; i++) {
    numname(name, "ct", i);
    int fd = open(name, O_CREATE | O_RDWR);
    expect(fd >= 0, "create %s failed", name);
    close(fd);
  }
  for (int i = 0; i < 50; i++) {
    numname(name, "ct", i);
    expect(unlink(name) == 0, "unlink %s failed", name);
    expect(!exists(name), "%s survived unlink", name);
  }
}

static void t_bigdir(void) {
  // Many names for one file, in one directory.
  enum { N = 200 };
  char name[16];
  put_file("bd", "x", 1);
  for (int i = 0; i < N; i++) {
    numname(name, "bdlink", i);
    expect(link("bd", name) == 0, "link %s failed", name);
  }
  struct stat st;
  expect(stat("bd", &st) == 0 && st.nlink == N + 1, "nlink %d, wanted %d", st.nlink, N + 1);
  for (int i = 0; i < N; i++) {
    numname(name, "bdlink", i);
    expect(unlink(name) == 0, "unlink %s failed", name);
  }
  expect(stat("bd", &st) == 0 && st.nlink == 1, "nlink %d after unlinks", st.nlink);
  unlink("bd");
}

static void t_unlinkopen(void) {
  // A file that is open survives its last name going away.
  put_file("unlinkread", "hello", 5);
  int fd = open("unlinkread", O_RDWR);
  expect(fd >= 0, "open failed");
  expect(unlink("unlinkread") == 0, "unlink failed");
  // A new file under the same name is a different file.
  put_file("unlinkread", "yyy", 3);
  expect(read(fd, buf, sizeof buf) == 5 && same_bytes(buf, "hello", 5), "unlinked file unreadable");
  expect(write(fd, buf, 10) == 10, "unlinked file unwritable");
  close(fd);
  expect(get_file("unlinkread", buf, 100) == 3 && buf[0] == 'y', "new file got the old contents");
  unlink("unlinkread");
}

static void t_links(void) {
  unlink("lf1");
  unlink("lf2");
  put_file("lf1", "hello", 5);
  expect(link("lf1", "lf2") == 0, "link lf1 lf2 failed");
  expect(unlink("lf1") == 0, "unlink lf1 failed");
  expect(!exists("lf1"), "lf1 still there");
  expect(get_file("lf2", buf, 100) == 5 && same_bytes(buf, "hello", 5), "lf2 lost the data");
  expect(link("lf2", "lf2") < 0, "link onto an existing name worked");
  expect(unlink("lf2") == 0, "unlink lf2 failed");
  expect(unlink("lf2") < 0, "second unlink worked");
  expect(link("lf2", "lf1") < 0, "link of a missing file worked");
  expect(link(".", "lf1") < 0, "link of a directory worked");
  expect(!exists("lf1"), "lf1 appeared");
}

static void t_dirs(void) {
  unlink("dir0");
  expect(mkdir("dir0") == 0, "mkdir failed");
  expect(mkdir("dir0") < 0, "mkdir of an existing name worked");
  struct stat root, dot, dotdot;
  expect(stat(".", &root) == 0, "stat . failed");
  expect(chdir("dir0") == 0, "chdir dir0 failed");
  expect(stat(".", &dot) == 0 && stat("..", &dotdot) == 0, "stat of . or .. failed");
  expect(dotdot.ino == root.ino, ".. is not the parent");
  expect(dot.ino != root.ino && dot.type == T_DIR, ". is wrong");
  expect(chdir("..") == 0, "chdir .. failed");
  expect(stat("dir0/.", &dot) == 0 && stat("dir0/./../dir0/..", &dotdot) == 0, "dotted paths failed");
  expect(dotdot.ino == root.ino, "dotted path went astray");
  expect(unlink("dir0") == 0, "unlink of an empty directory failed");
  expect(chdir("dir0") < 0, "chdir into a removed directory worked");
  struct stat r2;
  expect(stat("/..", &r2) == 0 && stat("/", &dot) == 0 && r2.ino == dot.ino, "/.. is not /");
}

static void t_rmdot(void) {
  unlink("dots");
  expect(mkdir("dots") == 0, "mkdir failed");
  expect(chdir("dots") == 0, "chdir failed");
  expect(unlink(".") < 0, "unlink . worked");
  expect(unlink("..") < 0, "unlink .. worked");
  expect(chdir("..") == 0, "chdir .. failed");
  expect(unlink("dots/.") < 0, "unlink dots/. worked");
  expect(unlink("dots/..") < 0, "unlink dots/.. worked");
  expect(unlink("dots") == 0, "unlink dots failed");
}

static void t_dirfile(void) {
  // A file is not a directory, and a directory is not a file.
  put_file("dirfile", "", 0);
  expect(chdir("dirfile") < 0, "chdir into a file worked");
  expect(open("dirfile/xx", O_RDONLY) < 0, "open of file/xx worked");
  expect(open("dirfile/xx", O_CREATE | O_RDWR) < 0, "create of file/xx worked");
  expect(mkdir("dirfile/xx") < 0, "mkdir file/xx worked");
  expect(unlink("dirfile/xx") < 0, "unlink file/xx worked");
  expect(link("dirfile", "dirfile/xx") < 0, "link into a file worked");
  expect(unlink("dirfile") == 0, "unlink failed");

  expect(open(".", O_RDWR) < 0, "open . for read-write worked");
  expect(open(".", O_WRONLY) < 0, "open . for writing worked");
  expect(open(".", O_CREATE | O_RDWR) < 0, "create of . worked");
  int fd = open(".", O_RDONLY);
  expect(fd >= 0, "open . for reading failed");
  expect(write(fd, "x", 1) < 0, "write to a directory worked");
  close(fd);
  unlink("dirw");
  mkdir("dirw");
  expect(open("dirw", O_WRONLY) < 0 && open("dirw", O_RDWR) < 0, "directory opened for writing");
  expect(open("dirw", O_CREATE) < 0, "O_CREATE over a directory worked");
  unlink("dirw");
}

static void t_subdir(void) {
  // Leftovers from an earlier failed run would get in the way.
  unlink("dd/dd/ffff");
  unlink("dd/dd/ff");
  unlink("dd/ff");
  unlink("dd/dd");
  unlink("dd");
  expect(mkdir("dd") == 0, "mkdir dd failed");
  put_file("dd/ff", "ff", 2);
  expect(unlink("dd") < 0, "unlink of a non-empty directory worked");
  expect(mkdir("/dd/dd") == 0, "mkdir /dd/dd failed");
  put_file("dd/dd/ff", "FF", 2);
  expect(get_file("dd/dd/../ff", buf, 10) == 2 && same_bytes(buf, "ff", 2), "dd/dd/../ff is wrong");
  expect(link("dd/dd/ff", "dd/dd/ffff") == 0, "link failed");
  expect(unlink("dd/dd/ff") == 0, "unlink failed");
  expect(!exists("dd/dd/ff"), "unlinked file still opens");

  expect(chdir("dd") == 0, "chdir dd failed");
  expect(chdir("dd/../../dd") == 0, "chdir dd/../../dd failed");
  expect(chdir("dd/../../../dd") == 0, "chdir dd/../../../dd failed");
  expect(chdir("./..") == 0, "chdir ./.. failed");
  expect(get_file("dd/dd/ffff", buf, 10) == 2 && same_bytes(buf, "FF", 2), "dd/dd/ffff is wrong");

  expect(open("dd/ff/ff", O_CREATE | O_RDWR) < 0, "create under a file worked");
  expect(open("dd/xx/ff", O_CREATE | O_RDWR) < 0, "create under a missing directory worked");
  expect(open("dd", O_RDWR) < 0 && open("dd", O_WRONLY) < 0, "directory opened for writing");
  expect(link("dd/ff/ff", "dd/dd/xx") < 0, "link from under a file worked");
  expect(link("dd/xx/ff", "dd/dd/xx") < 0, "link from a missing directory worked");
  expect(link("dd/ff", "dd/dd/ffff") < 0, "link onto an existing name worked");
  expect(mkdir("dd/ff/ff") < 0, "mkdir under a file worked");
  expect(mkdir("dd/xx/ff") < 0, "mkdir under a missing directory worked");
  expect(mkdir("dd/dd/ffff") < 0, "mkdir over a file worked");
  expect(unlink("dd/xx/ff") < 0 && unlink("dd/ff/ff") < 0, "unlink of a bogus path worked");
  expect(chdir("dd/ff") < 0 && chdir("dd/xx") < 0, "chdir to a bogus path worked");

  expect(unlink("dd/dd/ffff") == 0 && unlink("dd/ff") == 0, "cleanup unlinks failed");
  expect(unlink("dd") < 0, "unlink of dd with dd/dd inside worked");
  expect(unlink("dd/dd") == 0, "unlink dd/dd failed");
  expect(unlink("dd") == 0, "unlink dd failed");
}

static void t_fourteen(void) {
  // Names are DIRSIZ (14) bytes; longer ones are cut to 14.
  unlink("12345678901234/12345678901234/12345678901234");
  unlink("12345678901234/12345678901234");
  unlink("12345678901234");
  expect(mkdir("12345678901234") == 0, "mkdir of a 14-byte name failed");
  expect(mkdir("12345678901234/123456789012345") == 0, "mkdir of a 15-byte name failed");
  int fd = open("123456789012345/123456789012345/123456789012345", O_CREATE | O_RDWR);
  expect(fd >= 0, "create through 15-byte names failed");
  close(fd);
  fd = open("12345678901234/12345678901234/12345678901234", O_RDONLY);
  expect(fd >= 0, "14-byte path to the file failed");
  close(fd);
  expect(mkdir("12345678901234/12345678901234") < 0, "mkdir of an existing 14-byte name worked");
  expect(mkdir("123456789012345/12345678901234") < 0, "mkdir of an existing name via 15 bytes worked");
  expect(unlink("12345678901234/12345678901234/12345678901234") == 0, "unlink file failed");
  expect(unlink("12345678901234/12345678901234") == 0, "unlink inner directory failed");
  expect(unlink("12345678901234") == 0, "unlink outer directory failed");
}

static void t_iref(void) {
  // Go NINODE+1 directories deep, poking at failure paths on the way,
  // to catch in-memory inodes that are never released.
  for (int i = 0; i < NINODE + 1; i++) {
    expect(mkdir("irefd") == 0, "mkdir at depth %d failed", i);
    expect(chdir("irefd") == 0, "chdir at depth %d failed", i);
    mkdir("");
    link("no-such-file", "");
    int fd = open("", O_CREATE);
    if (fd >= 0)
      close(fd);
    fd = open("xx", O_CREATE);
    expect(fd >= 0, "create at depth %d failed", i);
    close(fd);
    expect(unlink("xx") == 0, "unlink at depth %d failed", i);
  }
  for (int i = 0; i < NINODE + 1; i++) {
    expect(chdir("..") == 0, "chdir .. failed");
    expect(unlink("irefd") == 0, "unlink irefd failed (%d levels up)", i + 1);
  }
}

static void t_iput(void) {
  // Keep a removed directory as the working directory, then leave it.
  unlink("iputdir");
  unlink("oidir");
  expect(mkdir("iputdir") == 0, "mkdir failed");
  expect(chdir("iputdir") == 0, "chdir failed");
  expect(unlink("../iputdir") == 0, "unlink failed");
  expect(chdir("/") == 0, "chdir / failed");

  // The same, but exit while still inside it.
  expect(mkdir("iputdir") == 0, "mkdir failed");
  int pid = xfork();
  if (pid == 0) {
    if (chdir("iputdir") < 0)
      fail("child chdir failed");
    if (unlink("../iputdir") < 0)
      fail("child unlink failed");
    exit();
  }
  xwait();
  expect(!exists("iputdir"), "directory still there");

  // Opening a directory for writing fails even as it is being removed.
  expect(mkdir("oidir") == 0, "mkdir failed");
  pid = xfork();
  if (pid == 0) {
    if (open("oidir", O_RDWR) >= 0)
      fail("directory opened for writing");
    exit();
  }
  sleep(1);
  expect(unlink("oidir") == 0, "unlink failed");
  xwait();
}

// ---------------------------------------------------------------- concurrency

static void t_createdelete(void) {
  // Several processes each create files and delete half of them.
  enum { NPROCS = 4, N = 20 };
  char name[16];
  for (int c = 0; c < NPROCS; c++) {
    int pid = xfork();
    if (pid == 0) {
      for (int i = 0; i < N; i++) {
        name[0] = 'p';
        name[1] = (char)('A' + c);
        numname(name + 2, "", i);
        int fd = open(name, O_CREATE | O_RDWR);
        if (fd < 0)
          fail("create %s failed", name);
        close(fd);
        if (i > 0 && i % 2 == 0) {
          numname(name + 2, "", i / 2);
          if (unlink(name) < 0)
            fail("unlink %s failed", name);
        }
      }
      exit();
    }
  }
  for (int c = 0; c < NPROCS; c++)
    xwait();
  // Files 1..(N-1)/2 were deleted, the rest remain.
  for (int c = 0; c < NPROCS; c++) {
    for (int i = 0; i < N; i++) {
      name[0] = 'p';
      name[1] = (char)('A' + c);
      numname(name + 2, "", i);
      int want = i == 0 || i > (N - 1) / 2;
      expect(exists(name) == want, "%s should%s exist", name, want ? "" : " not");
      if (want)
        unlink(name);
    }
  }
}

static void t_linkunlink(void) {
  // Two processes link, create and unlink the same few names at random.
  char name[8];
  unlink("lu0");
  int pid = xfork();
  rand_state = pid == 0 ? 1 : 97;
  for (int i = 0; i < 100; i++) {
    numname(name, "lu", (int)(rnd() % 5));
    switch (rnd() % 3) {
    case 0: {
      int fd = open(name, O_CREATE | O_RDWR);
      if (fd >= 0)
        close(fd);
      break;
    }
    case 1:
      link("lu0", name);
      break;
    default:
      unlink(name);
      break;
    }
  }
  if (pid == 0)
    exit();
  xwait();
  for (int i = 0; i < 5; i++) {
    numname(name, "lu", i);
    unlink(name);
  }
}

static void t_createlink(void) {
  // One process creates and removes a name while another links an
  // existing file to that same name and removes it. The creator holds its
  // new file locked while it lets go of the directory, and the linker holds
  // the directory locked while it lets go of the file it found there: a
  // kernel that locked in iput() whatever it dropped deadlocked here (seen
  // within 2000 rounds on 4 CPUs).
  enum { ROUNDS = 1000 };
  unlink("cl1");
  int fd = open("cl0", O_CREATE | O_RDWR);
  expect(fd >= 0, "cannot create cl0");
  close(fd);
  int pid = xfork();
  for (int i = 0; i < ROUNDS; i++) {
    if (pid == 0) {
      link("cl0", "cl1");
    } else {
      fd = open("cl1", O_CREATE | O_RDWR);
      expect(fd >= 0, "create of cl1 failed in round %d", i);
      close(fd);
    }
    unlink("cl1");
  }
  if (pid == 0)
    exit();
  xwait();
  expect(unlink("cl0") == 0, "cl0 is gone");
  expect(!exists("cl1"), "cl1 is still there");
}

static void t_concreate(void) {
  // Two processes create (or link) the same names at once. Each name
  // must end up in the directory exactly once.
  enum { N = 30 };
  char name[8];
  char seen[N];
  for (int i = 0; i < N; i++) {
    numname(name, "C", i);
    unlink(name);
  }
  int pid = xfork();
  int who = pid == 0 ? 1 : 0;
  for (int i = 0; i < N; i++) {
    numname(name, "C", i);
    if ((i + who) % 3 == 0) {
      link("C0", name);
    } else {
      int fd = open(name, O_CREATE | O_RDWR);
      if (fd < 0)
        fail("create %s failed", name);
      close(fd);
    }
  }
  if (pid == 0)
    exit();
  xwait();

  memset(seen, 0, sizeof seen);
  int fd = open(".", O_RDONLY);
  expect(fd >= 0, "open . failed");
  struct dirent de;
  while (read(fd, &de, sizeof de) == sizeof de) {
    if (de.inum == 0 || de.name[0] != 'C')
      continue;
    int k = 0, j = 1, digits = 0;
    for (; j < DIRSIZ && de.name[j] >= '0' && de.name[j] <= '9'; j++, digits++)
      k = k * 10 + (de.name[j] - '0');
    if (digits == 0 || (j < DIRSIZ && de.name[j] != '\0') || k >= N)
      continue;  // someone else's file
    expect(seen[k] == 0, "C%d appears twice in the directory", k);
    seen[k] = 1;
  }
  close(fd);
  for (int i = 0; i < N; i++)
    expect(seen[i], "C%d is missing", i);

  // Now remove them from both sides at once.
  pid = xfork();
  for (int i = 0; i < N; i++) {
    numname(name, "C", i);
    if (pid == 0 && i % 2 == 0) {
      fd = open(name, O_RDONLY);
      if (fd >= 0)
        close(fd);
    } else {
      unlink(name);
    }
  }
  if (pid == 0)
    exit();
  xwait();
  for (int i = 0; i < N; i++) {
    numname(name, "C", i);
    unlink(name);
    expect(!exists(name), "%s survived", name);
  }
}

static void t_fourfiles(void) {
  // Four processes each write their own file at the same time.
  enum { NPROCS = 4, CHUNKS = 12, CHUNK = 500 };
  char name[8];
  for (int c = 0; c < NPROCS; c++) {
    numname(name, "ff", c);
    unlink(name);
    int pid = xfork();
    if (pid == 0) {
      int fd = open(name, O_CREATE | O_RDWR);
      if (fd < 0)
        fail("create %s failed", name);
      memset(buf, '0' + c, CHUNK);
      for (int i = 0; i < CHUNKS; i++)
        if (write(fd, buf, CHUNK) != CHUNK)
          fail("write to %s failed", name);
      close(fd);
      exit();
    }
  }
  for (int c = 0; c < NPROCS; c++)
    xwait();
  for (int c = 0; c < NPROCS; c++) {
    numname(name, "ff", c);
    int n = get_file(name, buf, sizeof buf);
    expect(n == CHUNKS * CHUNK, "%s has %d bytes", name, n);
    for (int i = 0; i < n; i++)
      expect(buf[i] == '0' + c, "%s byte %d wrong", name, i);
    unlink(name);
  }
}

static void t_sharedfd(void) {
  // Parent and child append through one shared descriptor; nothing
  // may be lost or overwritten.
  enum { N = 500, SZ = 10 };
  unlink("sharedfd");
  int fd = open("sharedfd", O_CREATE | O_RDWR);
  expect(fd >= 0, "create failed");
  int pid = xfork();
  memset(buf, pid == 0 ? 'c' : 'p', SZ);
  for (int i = 0; i < N; i++)
    if (write(fd, buf, SZ) != SZ)
      fail("write failed");
  if (pid == 0)
    exit();
  xwait();
  close(fd);
  fd = open("sharedfd", O_RDONLY);
  expect(fd >= 0, "reopen failed");
  int nc = 0, np = 0, n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    for (int i = 0; i < n; i++) {
      if (buf[i] == 'c')
        nc++;
      else if (buf[i] == 'p')
        np++;
    }
  }
  close(fd);
  unlink("sharedfd");
  expect(nc == N * SZ && np == N * SZ, "counted %d c and %d p, wanted %d each", nc, np, N * SZ);
}

// ---------------------------------------------------------------- runner

struct test {
  const char *name;
  void (*fn)(void);
};

static const struct test tests[] = {
    {"forkwait", t_forkwait},
    {"getpid", t_getpid},
    {"reparent", t_reparent},
    {"forkfull", t_forkfull},
    {"kill", t_kill},
    {"preempt", t_preempt},
    {"sleep", t_sleep},
    {"pipe", t_pipe},
    {"pipeend", t_pipeend},
    {"pipebroken", t_pipebroken},
    {"pipekill", t_pipekill},
    {"exec", t_exec},
    {"execbad", t_execbad},
    {"bigargs", t_bigargs},
    {"bss", t_bss},
    {"sbrkbasic", t_sbrkbasic},
    {"sbrkmuch", t_sbrkmuch},
    {"sbrkfree", t_sbrkfree},
    {"sbrkfail", t_sbrkfail},
    {"mem", t_mem},
    {"kernmem", t_kernmem},
    {"stackguard", t_stackguard},
    {"uio", t_uio},
    {"badptr", t_badptr},
    {"validate", t_validate},
    {"argptr", t_argptr},
    {"smallfile", t_smallfile},
    {"bigfile", t_bigfile},
    {"maxfile", t_maxfile},
    {"oddwrites", t_oddwrites},
    {"openmodes", t_openmodes},
    {"dup", t_dup},
    {"fstat", t_fstat},
    {"createmany", t_createmany},
    {"bigdir", t_bigdir},
    {"unlinkopen", t_unlinkopen},
    {"links", t_links},
    {"dirs", t_dirs},
    {"rmdot", t_rmdot},
    {"dirfile", t_dirfile},
    {"subdir", t_subdir},
    {"fourteen", t_fourteen},
    {"iref", t_iref},
    {"iput", t_iput},
    {"createdelete", t_createdelete},
    {"linkunlink", t_linkunlink},
    {"createlink", t_createlink},
    {"concreate", t_concreate},
    {"fourfiles", t_fourfiles},
    {"sharedfd", t_sharedfd},
};

#define NTESTS ((int)(sizeof tests / sizeof tests[0]))

// Too slow for every run: only `usertests NAME` runs these.
static const struct test named_only[] = {
    {"maxfull", t_maxfull},
};
#define NNAMED ((int)(sizeof named_only / sizeof named_only[0]))

// Run one test in a child process; returns 1 if it passed.
static int run(const struct test *t) {
  int p[2];
  char c;

  printf(1, "%s test\n", t->name);
  if (pipe(p) < 0) {
    printf(1, "usertests: pipe failed\n");
    return 0;
  }
  int pid = fork();
  if (pid < 0) {
    printf(1, "usertests: fork failed\n");
    close(p[0]);
    close(p[1]);
    return 0;
  }
  if (pid == 0) {
    close(p[0]);
    status_fd = p[1];
    test_name = t->name;
    test_pid = getpid();
    t->fn();
    write(status_fd, "k", 1);
    exit();
  }
  close(p[1]);
  int w;
  while ((w = wait()) >= 0 && w != pid)
    ;
  // The byte is already in the pipe if the test passed; if it did not,
  // every copy of the write end is gone and read sees end of file.
  int ok = read(p[0], &c, 1) == 1;
  close(p[0]);
  if (ok)
    printf(1, "%s ok\n", t->name);
  else
    printf(1, "%s: FAILED\n", t->name);
  return ok;
}

int main(int argc, char *argv[]) {
  printf(1, "usertests starting\n");
  if (argc > 1) {
    for (int i = 0; i < NTESTS; i++) {
      if (strcmp(argv[1], tests[i].name) == 0) {
        if (run(&tests[i]))
          printf(1, "ALL TESTS PASSED\n");
        exit();
      }
    }
    for (int i = 0; i < NNAMED; i++) {
      if (strcmp(argv[1], named_only[i].name) == 0) {
        if (run(&named_only[i]))
          printf(1, "ALL TESTS PASSED\n");
        exit();
      }
    }
    printf(1, "usertests: no test called %s; tests are:", argv[1]);
    for (int i = 0; i < NTESTS; i++)
      printf(1, " %s", tests[i].name);
    for (int i = 0; i < NNAMED; i++)
      printf(1, " %s", named_only[i].name);
    printf(1, "\n");
    exit();
  }

  int failed = 0;
  for (int i = 0; i < NTESTS; i++)
    if (!run(&tests[i]))
      failed++;
  if (failed == 0)
    printf(1, "ALL TESTS PASSED\n");
  else
    printf(1, "usertests: %d of %d tests FAILED\n", failed, NTESTS);
  exit();
}
