// sysfuzz: a seeded, bounded fuzzer for every system call.
//
//   sysfuzz [-s seed] [-n ops] [-p procs] [-t ticks] [-k known]
//
//   -s seed   the run's seed (default: from uptime(), printed)
//   -n ops    operations per worker process (default 2000)
//   -p procs  worker processes at once, 1..8 (default 4; at most
//             INODE_PROCS while KNOWN_INODES is left out)
//   -t ticks  stop issuing operations after this many clock ticks
//             (default 3000; 0: no limit)
//   -k known  a mask of KNOWN_* classes (below) to leave out, or "all"
//
// mmfuzz checks the memory calls against a model; this one goes wide
// instead: every worker calls every system call but poweroff (fork exit
// wait pipe read kill exec fstat chdir dup getpid sbrk sleep uptime open
// write mknod unlink link mkdir close kmalloc kmfree mmap munmap freepages
// mprotect msync lseek kmstat kmtest pmap memstat faultstat) with random
// and hostile arguments: pointers into holes, PROT_NONE and read-only
// mappings, never-touched mappings, at KERNBASE-1 and straddling KERNBASE
// or the heap's end or a mapping's end; strings that run unterminated to
// a mapping's end or to KERNBASE; huge and negative lengths, fds, pids and
// counts; argv arrays too long or pointing nowhere. Each worker keeps a
// MAP_SHARED page that a forked mutator process scribbles on while the
// worker's calls read from it, forks children that run the same
// operations and are killed at random moments, and "chaos" children that
// issue raw system calls with random numbers and arguments (not fork:
// every process of a run is a worker's child, killed and reaped at its end).
//
// What is checked:
//  - the kernel survives (no panic, no hang: the test runner sees those);
//  - calls given memory that is certainly not accessible (a hole, a
//    PROT_NONE page, the kernel, a range crossing KERNBASE or wrapping),
//    negative lengths, bad fds or pids that cannot exist return -1;
//  - a few invariants: sbrk past KERNBASE fails, data written to a file
//    reads back, sleep(-1) returns, kmtest passes;
//  - at the end every worker removes its files and directory (unlink of
//    the directory fails if anything is left in it) and, after every
//    process is reaped, memstat() is back at the baseline (free pages,
//    regions, page sets, kmalloc blocks, open files, processes). Run it
//    under memleak for the same check from outside.
// With fault injection armed (faultstat) any call may fail, so results
// that must be success are not asserted then; the -1 checks still hold.
//
// Bugs known and being fixed elsewhere have a class each; -k leaves a
// class out (the test suite passes -k until the fixes are merged; drop a
// bit once its fix is in):
#define KNOWN_KILL1    0x001  // kill(1) panics "init exiting"
#define KNOWN_STRRACE  0x002  // path strings read twice: a NUL cleared between
                              // the reads by another process faults the kernel
#define KNOWN_INODES   0x004  // more distinct files open or mapped than NINODE
                              // panics "inode table full"
#define KNOWN_REFWRAP  0x008  // >65k MAP_SHARED mappings of one page wrap its
                              // reference count (one storm op in worker 0)
#define KNOWN_HOLEWB   0x010  // write-back of a shared file mapping into holes
                              // (or past EOF, course form) overflows the log
#define KNOWN_NLINK    0x020  // 32768 links wrap nlink: needs more links than a
                              // run makes, so no op reaches it (listed only)
#define KNOWN_RMCREATE 0x040  // create in a directory being removed loses inodes
                              // on disk (children then remove directories
                              // too; the lost inodes are not visible from
                              // user space, so only a panic would show)
#define KNOWN_SLEEPNEG 0x080  // sleep(-1) never returns
#define KNOWN_CHDIRRM  0x100  // chdir into (and use of) a removed directory
#define KNOWN_KMTEST   0x200  // concurrent kmtest calls report a false leak
#define KNOWN_ALL      0x3FF
//
// Output: the seed first, then "sysfuzz: seed S: N ops, M expected
// failures, K children killed" and "sysfuzz: PASS", or "sysfuzz: FAIL
// seed S: <why>". The sequence of operations depends on the seed only
// (the interleaving of workers on several CPUs does not repeat).
#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "mman.h"
#include "memstat.h"
#include "leakcheck.h"
#include "kmstat.h"
#include "syscall.h"
#include "user.h"
#include "fs.h"
#include "xrand.h"

#define MAXPROCS  8
#define INODE_PROCS 4             // workers whose names (about 10 inodes each)
                                  // fit in NINODE = 50 beside the system's
#define MAXFD     10              // fds a process tracks
#define MAXFD_FEW 3               // ... with KNOWN_INODES left out (see fd_add)
#define FILE_MAX  6144            // bytes op_rw lets a file grow to (the disk is small)
#define MAXKIDS   4               // op children alive at once
#define MAXMAPS   8               // small mappings placed by the kernel
#define MAXKB     16              // kmalloc blocks held
#define NMUT      256             // mutator writes between looks at the clock
#define MUTATOR_REST 3            // ticks the mutator rests after a busy one
#define CHILD_OPS 128             // operations a forked child issues
#define RAW_OPS   48              // raw calls a chaos child issues
#define CHAOS_SBRK_MAX 0x3FFFFF   // largest growth a raw sbrk asks for
#define SLEEPNEG_TICKS 50         // how long sleep(-1) may take to return
#define STORM_MAPS 70000          // shared mappings of one page (KNOWN_REFWRAP)
#define KMT_MAXROUNDS 1000000     // kmtest's limit (mm/kmuser.c)
#define MMAP_BASE 0x40000000u     // lowest address the kernel picks
#define SCRATCH   0x60000000u     // workers' MAP_FIXED windows start here
#define SCRATCH_SZ 0x00800000u    // 8 MiB each
#define HOLE      0x7E000000u     // never mapped by anyone
#define TOP       (KERNBASE - PGSIZE)

#define ROLE_PARENT 0
#define ROLE_WORKER 1
#define ROLE_CHILD  2

struct slot {
  int ops;          // operations issued (children included)
  int expfail;      // calls that failed as predicted
  int children;     // children forked
  int killed;       // children killed by their worker
  int done;         // the worker reached its end
  int quiet;        // the worker has closed its descriptors (before cleanup)
  int negslept;     // sleep(-1) returned in a child
};

struct shared {
  int failed;
  int who, role, op;
  const char *why;          // same image everywhere: pointers stay valid
  int arg[3];
  char str[3][16];          // copies of %s arguments (they may be in the
                            // failing process's own memory, such as dir)
  int stop[MAXPROCS];       // tells a worker's mutator to end
  int stop_all;             // every worker is gone (one may have been killed)
  struct slot slot[MAXPROCS];
};

static struct shared *sh;
static uint seed0;
static int iters = 2000, nprocs = 4, tlimit = 3000, known;
static uint deadline;
static int armed;
static int me, role = ROLE_PARENT, opno;
static char self[32] = "/sysfuzz";   // this program, for exec

// Per-worker areas (inherited by its children).
static char *shp;          // 3 pages MAP_SHARED: data, strings, PROT_NONE guard
static char *ro, *none, *lazy, *edge, *top, *fmap;
static uint fmapsz;
static uint heap0, heapsz;
static char dir[8];        // "/sfzW"

struct ofd {
  int fd;
  int kind;                // FK_*
};
enum { FK_FILE, FK_DIR, FK_DEV };
static struct ofd fds[MAXFD];
static int nfds;
static int dirpin = -1;     // our directory, held open (not in fds[]: never closed by an op)
static int kids[MAXKIDS], nkids;
static int mutator;        // its pid, or 0
static uint maps[MAXMAPS], mapsz[MAXMAPS];
static int nmaps;
static uint kb[MAXKB];
static int nkb;
static int reaped = -1;    // a pid that was reaped: kill must fail

// Did mmap succeed? The course call form (neither MAP_SHARED nor
// MAP_PRIVATE) reports failure as 0, the Linux form as MAP_FAILED.
static int map_ok(void *m, int flags) {
  if ((flags & MAP_SHARED_VALIDATE) == 0)
    return m != 0;
  return m != MAP_FAILED;
}

// The generator is the user library's (xrand.h); these names keep calls short.
static uint rnd(void) { return xrand(); }
static uint rn(uint n) { return xrand_below(n); }
static void reseed(uint a, uint b) { xrand_seed(a, b); }

static int allowed(int cls) {
  return (known & cls) == 0;
}

static void count(int *field, int n) {
  __atomic_fetch_add(field, n, __ATOMIC_SEQ_CST);
}

#define SLOT (&sh->slot[me])

static void fail(const char *why, int a, int b, int c);

// chdir into a directory that exists. Other workers may hold every entry
// of the inode table for a moment (op 5 opens many names at once), and
// then the lookup fails with -1, as it should: try again a few times
// before judging.
static int chdir_retry(const char *path) {
  for (int t = 0; t < 20; t++) {
    if (chdir(path) == 0)
      return 0;
    sleep(1);
  }
  return -1;
}

static void fail(const char *why, int a, int b, int c) {
  printf(1, "sysfuzz: %s %d (pid %d) op %d: ", role == ROLE_CHILD ? "child of worker" :
         role == ROLE_WORKER ? "worker" : "parent", me, getpid(), opno);
  printf(1, why, a, b, c);
  printf(1, "\n");
  if (sh && __atomic_exchange_n(&sh->failed, 1, __ATOMIC_SEQ_CST) == 0) {
    sh->who = me;
    sh->role = role;
    sh->op = opno;
    sh->why = why;
    sh->arg[0] = a;
    sh->arg[1] = b;
    sh->arg[2] = c;
    // A %s argument points into this process's memory, which the parent
    // does not share: copy the strings into the shared page.
    int k = 0;
    for (const char *f = why; *f && k < 3; f++) {
      if (*f != '%' || f[1] == 0)
        continue;
      f++;
      if (*f == '%')
        continue;
      if (*f == 's') {
        char *dst = sh->str[k];
        const char *src = (const char *)sh->arg[k];
        int n = 0;
        for (; src && src[n] && n < (int)sizeof(sh->str[k]) - 1; n++)
          dst[n] = src[n];
        dst[n] = 0;
        sh->arg[k] = (int)dst;
      }
      k++;
    }
  }
  // Leave no helper behind (the mutator stops on sh->failed).
  for (int i = 0; i < nkids; i++)
    kill(kids[i]);
  exit();
}

// A call whose arguments were certainly bad must return -1.
static void must_fail(int r, const char *call, int a) {
  if (r != -1)
    fail("%s (0x%x) = %d, expected -1", (int)call, a, r);
  count(&SLOT->expfail, 1);
}

// ---- raw system calls -----------------------------------------------------------------

// rawsys(num, a0..a5): trap with any call number. The kernel reads the
// arguments just above the return address, so move the return address
// over `num` for the trap and put the stack back afterwards.
__attribute__((naked)) static int rawsys(int num, int a0, int a1, int a2, int a3, int a4,
                                         int a5) {
  __asm__ volatile(
    "movl (%esp), %ecx\n"
    "movl 4(%esp), %eax\n"
    "movl %ecx, 4(%esp)\n"
    "addl $4, %esp\n"
    "int $64\n"
    "subl $4, %esp\n"
    "ret\n");
}

// ---- hostile values ---------------------------------------------------------------

static int nasty_int(void) {
  static const int v[] = {0, 1, -1, 2, 4095, 4096, 4097, 0x7FFFFFFF, (int)0x80000000,
                          -4096, 0xFFFF, 0x10000, 100000, -2, 512, 8192};
  return rn(4) ? v[rn(sizeof(v) / sizeof(v[0]))] : (int)rnd();
}

static int nasty_len(void) {
  switch (rn(6)) {
  case 0: return nasty_int();
  case 1: return rn(17);
  case 2: return 1 + rn(PGSIZE);
  case 3: return PGSIZE;
  default: return 1 + rn(600);
  }
}

static int nasty_fd(void) {
  if (rn(3) == 0 && nfds > 0)
    return fds[rn(nfds)].fd;
  static const int v[] = {-1, NOFILE, NOFILE - 1, 0x7FFFFFFF, (int)0x80000000, 100, -100};
  return rn(2) ? v[rn(sizeof(v) / sizeof(v[0]))] : (int)rn(NOFILE + 4);
}

// Pointer classes. want: bytes the call will touch; wr: the call writes.
enum { P_STACK, P_BSS, P_SHARED, P_LAZY, P_FMAP, P_RO, P_TOP, P_NULL,
       P_NONE, P_HOLE, P_KERN, P_KERNM1, P_STRADDLE, P_WRAP, P_HEAPEND, P_EDGE, P_N };

static char stackbuf[2 * PGSIZE];   // buffers for calls (static, so always valid)

// A pointer for a call touching `want` bytes (writing them if wr); *bad is
// set when no byte range of that size there can be accessible.
static uint nasty_ptr(int want, int wr, int *bad) {
  *bad = 0;
  uint n = want > 0 ? (uint)want : 0;
  for (;;) {
    switch (rn(P_N)) {
    case P_STACK:
      // A call may write all of it: it must end inside the buffer, not in
      // the globals after it.
      if (wr && n > PGSIZE)
        continue;
      return (uint)stackbuf + rn(PGSIZE);
    case P_BSS: {
      // The second half of our static buffer, with room for the call.
      if (n > PGSIZE)
        continue;
      return (uint)stackbuf + PGSIZE + rn(PGSIZE - n + 1);
    }
    case P_SHARED:
      if (!shp) continue;
      // Writes stay in the data page (the string page holds our names);
      // longer ones run into the PROT_NONE guard.
      if (wr && n > PGSIZE) {
        *bad = 1;
        return (uint)shp + 2 * PGSIZE - n / 4;
      }
      return (uint)shp + (wr ? rn(PGSIZE - n + 1) : rn(2 * PGSIZE));
    case P_LAZY:
      if (!lazy || (wr && n > 4 * PGSIZE)) continue;
      return (uint)lazy + rn(wr ? 4 * PGSIZE - n + 1 : 4 * PGSIZE);
    case P_FMAP:
      if (!fmap) continue;
      *bad = wr && n > 0;
      return (uint)fmap + rn(fmapsz);
    case P_RO:
      if (!ro) continue;
      *bad = wr && n > 0;
      return (uint)ro + rn(PGSIZE);
    case P_TOP:
      if (!top) continue;
      {
        uint a = TOP + rn(PGSIZE);
        *bad = n > KERNBASE - a;
        return a;
      }
    case P_NULL:
      // Page 0 is never mapped (USERBASE): any access there must fail.
      *bad = n > 0;
      return rn(2) ? 0 : rn(64);
    case P_NONE:
      if (!none) continue;
      *bad = n > 0;
      return (uint)none + rn(PGSIZE);
    case P_HOLE: *bad = n > 0; return HOLE + rn(PGSIZE);
    case P_KERN: *bad = n > 0; return KERNBASE + rn(0x1000000);
    case P_KERNM1: *bad = n > 1; return KERNBASE - 1;
    case P_STRADDLE: {
      uint back = 1 + (n > 1 ? rn(n - 1) : 0);
      *bad = n > back;
      return KERNBASE - back;
    }
    case P_WRAP: *bad = n > 0; return 0xFFFFFFFF - rn(64);
    case P_HEAPEND: {
      uint end = (uint)sbrk(0);
      uint back = n > 1 ? 1 + rn(n - 1) : 0;
      // The page above the heap is not mapped (nothing is placed there);
      // below it is our stack page: writes only when they must fail.
      if (PGROUNDUP(end) != end || (wr && n <= back))
        continue;
      *bad = n > back;
      return end - back;
    }
    default:
      if (!edge) continue;
      {
        uint back = n > 1 ? 1 + rn(n - 1) : 0;
        *bad = n > back;
        return (uint)edge + PGSIZE - back;
      }
    }
  }
}

// Names a worker uses (relative to its own directory). With KNOWN_INODES
// left out they are few: NPROC-many workers times these stay below NINODE.
static const char *fnames[] = {"a", "b", "c", "d1/x"};
static const char *dnames[] = {"d1", "d2"};
#define NFN   4
#define NDN   2
#define NNODE "n"
#define NHOLE "h"  // op_hole's files: "h", "h1", "h2"
#define NMANY 20   // extra names "m0".."m19" when KNOWN_INODES is allowed

static char namebuf[PGSIZE];

// What a path argument may be: PATH_READ calls only look a name up
// (open without O_CREATE, stat, chdir); PATH_CREATE calls make it (so it
// must be one of our names: cleanup removes exactly those); PATH_DESTROY
// calls remove or execute it (so no string found in memory at random,
// which could spell "/sysfuzz").
enum { PATH_READ, PATH_CREATE, PATH_DESTROY };

// The unterminated strings at the end of the edge page and at KERNBASE.
// A read() into those pages may have put a NUL there: write them again.
static char *unterminated(int at_top) {
  if (at_top && top) {
    memset(top + PGSIZE - 64, 't', 64);
    return top + PGSIZE - 1 - rn(20);
  }
  if (edge) {
    memset(edge + PGSIZE - 64, 'e', 64);
    return edge + PGSIZE - 1 - rn(20);
  }
  return 0;
}

// A path string. Kinds that must make the call fail set *bad.
static char *nasty_path(int mode, int *bad) {
  *bad = 0;
  char *s;
  int k = rn(14);
  if (mode == PATH_CREATE && k >= 5)
    k = rn(10) < 7 ? (int)rn(5) : 5 + (int)rn(2) * 3;   // our names, or bad pointers
  switch (k) {
  case 0: case 1: case 2:
    strcpy(namebuf, fnames[rn(NFN)]);
    return namebuf;
  case 3:
    strcpy(namebuf, dnames[rn(NDN)]);
    return namebuf;
  case 4:
    if (!shp) return "a";
    // A name ending at the end of the shared string page, PROT_NONE after
    // it: with KNOWN_STRRACE allowed the mutator flips its NUL while the
    // call runs.
    return shp + 2 * PGSIZE - 2;
  case 5: case 6:
    s = unterminated(k == 6);
    if (!s) return "b";
    *bad = 1;
    return s;
  case 7: {
    int b2;
    char *p = (char *)nasty_ptr(1, 0, &b2);
    *bad = b2;
    if (!b2 && mode != PATH_READ)
      return "nosuch";
    return p;
  }
  case 8:
    if (rn(2) && top) {
      top[PGSIZE - 1] = 't';   // a read() may have left a NUL there
      *bad = 1;
      return (char *)(KERNBASE - 1);
    }
    *bad = 1;
    return (char *)(KERNBASE + rn(0x100000));
  case 9:
    memset(namebuf, 'x', 300);
    namebuf[300] = 0;
    return namebuf;      // too long
  case 10: return rn(2) ? "" : "//";
  case 11: return rn(2) ? "../../.." : "/";
  case 12: return "nosuch/x/y";
  default: return "abcdefghijklmnopqrstuvw";
  }
}

// ---- descriptors -----------------------------------------------------------------------

static void fd_add(int fd, int kind) {
  if (nfds < (allowed(KNOWN_INODES) ? MAXFD : MAXFD_FEW)) {
    fds[nfds].fd = fd;
    fds[nfds].kind = kind;
    nfds++;
  } else {
    close(fd);
  }
}

static void fd_drop(int i) {
  close(fds[i].fd);
  fds[i] = fds[--nfds];
}

static int fd_kind(int fd) {
  for (int i = 0; i < nfds; i++)
    if (fds[i].fd == fd)
      return fds[i].kind;
  return -1;
}

static int prep(void *p, int n);

// ---- operations --------------------------------------------------------------------------

static void op_open(void) {
  int bad;
  int create = rn(2);
  char *p = nasty_path(create ? PATH_CREATE : PATH_READ, &bad);
  static const int modes[] = {O_RDONLY, O_WRONLY, O_RDWR, O_CREATE | O_RDWR,
                              O_CREATE | O_WRONLY};
  int mode = rn(8) ? modes[rn(5)] : (int)rnd();
  if (!create)
    mode &= ~O_CREATE;
  else if (!(mode & O_CREATE))
    mode |= O_CREATE | O_RDWR;
  // A device we made may be the console's (major 1) if the name was
  // reused: never open "n".
  if (!bad && strcmp(p, NNODE) == 0)
    return;
  int fd = open(p, mode);
  if (bad)
    must_fail(fd, "open(bad path)", (int)p);
  if (fd >= 0) {
    struct stat st;
    int kind = FK_FILE;
    if (fstat(fd, &st) == 0)
      kind = st.type == T_DIR ? FK_DIR : st.type == T_DEV ? FK_DEV : FK_FILE;
    fd_add(fd, kind);
  }
}

static void op_rw(void) {
  int fd = nasty_fd(), bad;
  int kind = fd_kind(fd);
  int n = nasty_len();
  int wr = rn(2);
  // Console fds (0..2) only with pointers that must fail: a read would
  // wait for typing, a write would print.
  uint p = nasty_ptr(n, !wr, &bad);
  if (fd >= 0 && fd <= 2 && !(bad || n < 0))
    return;
  if (kind == FK_DEV)
    return;
  // Keep files small: the disk has room for little more than the programs.
  if (wr && kind == FK_FILE && n > 0 && !bad) {
    int at = lseek(fd, 0, SEEK_CUR);
    if (at < 0 || at + n > FILE_MAX)
      return;
  }
  int r = wr ? write(fd, (void *)p, n) : read(fd, (void *)p, n);
  if (bad || n < 0 || fd < 0 || fd >= NOFILE)
    must_fail(r, wr ? "write" : "read", p);
}

// Write known bytes to a file and read them back.
static void op_file_check(void) {
  int fd = open(fnames[rn(3)], O_CREATE | O_RDWR);
  if (fd < 0)
    return;
  int n = 1 + rn(3000);
  char *buf = stackbuf;
  uint v = rnd();
  for (int i = 0; i < n; i++)
    buf[i] = (char)(v + i * 7);
  int w = write(fd, buf, n);
  if (w == n && lseek(fd, -n, SEEK_CUR) >= 0) {
    char *back = stackbuf + PGSIZE;
    int r = read(fd, back, n);
    // Only when no child of this worker could write the same file at once.
    if (nkids == 0 && role == ROLE_WORKER && !armed) {
      if (r != n)
        fail("read back %d bytes of %d", r, n, 0);
      for (int i = 0; i < n; i++)
        if (back[i] != buf[i])
          fail("file reads back 0x%x at byte %d of %d", back[i] & 0xFF, i, n);
    }
  }
  close(fd);
}

static void op_lseek(void) {
  int fd = nasty_fd();
  int off = rn(2) ? (int)rn(5000) : nasty_int();
  int wh = rn(4) ? (int)rn(3) : nasty_int();
  int r = lseek(fd, off, wh);
  if (fd < 0 || fd >= NOFILE)
    must_fail(r, "lseek(bad fd)", fd);
  // Past the end leaves a hole at the next write: with KNOWN_HOLEWB out,
  // go back to the start.
  if (r > 0 && !allowed(KNOWN_HOLEWB))
    lseek(fd, 0, SEEK_SET);
}

static void op_fstat(void) {
  int bad;
  uint p = nasty_ptr(sizeof(struct stat), 1, &bad);
  int fd = nasty_fd();
  int r = fstat(fd, (struct stat *)p);
  if (bad || fd < 0 || fd >= NOFILE)
    must_fail(r, "fstat", p);
}

static void op_close_dup(void) {
  if (rn(2)) {
    int fd = nasty_fd();
    if ((fd >= 0 && fd <= 2) || fd == dirpin)
      return;
    if (fd_kind(fd) >= 0) {
      for (int i = 0; i < nfds; i++)
        if (fds[i].fd == fd) {
          fd_drop(i);
          return;
        }
    }
    int r = close(fd);
    if (fd < 0 || fd >= NOFILE)
      must_fail(r, "close", fd);
    return;
  }
  int fd = rn(3) ? nasty_fd() : (int)rn(3);
  int kind = fd <= 2 && fd >= 0 ? FK_DEV : fd_kind(fd);
  int r = dup(fd);
  if (fd < 0 || fd >= NOFILE)
    must_fail(r, "dup", fd);
  if (r >= 0)
    fd_add(r, kind < 0 ? FK_DEV : kind);
}

// Which names a process may remove. With KNOWN_RMCREATE left out,
// children leave directories alone (the worker's own unlinks cannot race
// with its own creates). With KNOWN_INODES left out, only the worker
// removes files, and only while it holds no descriptor: a removed file
// that is still open keeps its inode, so removing and creating names
// while others hold them open could use up the inode table.
static int may_unlink(const char *p) {
  int isdir = p[0] == 'd' && p[1] != 0 && p[2] == 0;
  if (p[0] == '/' || p[0] == '.')
    isdir = 1;
  if (isdir)
    return role == ROLE_WORKER || allowed(KNOWN_RMCREATE);
  if (allowed(KNOWN_INODES))
    return 1;
  return role == ROLE_WORKER && nfds == 0;
}

static void op_names(void) {
  int bad, bad2;
  int r;
  char *p;
  switch (rn(7)) {
  case 0:
    p = nasty_path(PATH_CREATE, &bad);
    r = mkdir(p);
    if (bad) must_fail(r, "mkdir", (int)p);
    break;
  case 1:
    p = nasty_path(PATH_DESTROY, &bad);
    if (!bad && !may_unlink(p))
      return;
    r = unlink(p);
    if (bad) must_fail(r, "unlink", (int)p);
    break;
  case 2: {
    char old[24];
    if (rn(2)) {
      p = nasty_path(PATH_DESTROY, &bad);
      r = link(p, fnames[rn(NFN)]);
      if (bad) must_fail(r, "link(bad old)", (int)p);
      break;
    }
    strcpy(old, fnames[rn(NFN)]);
    p = nasty_path(PATH_CREATE, &bad2);
    r = link(old, p);
    if (bad2) must_fail(r, "link(bad new)", (int)p);
    break;
  }
  case 3: {
    // A device node with a random major number (never the console's).
    int major = rn(2) ? (int)rn(NDEV + 3) : nasty_int();
    if ((short)major == 1)
      major = 2;
    short smajor = (short)major;
    p = NNODE;
    bad = 0;
    if (rn(4) == 0) {
      p = nasty_path(PATH_CREATE, &bad);
      if (!bad)
        p = NNODE;
    }
    r = mknod(p, major, nasty_int());
    if (bad) must_fail(r, "mknod", (int)p);
    if (r == 0) {
      // Read and write it with a valid buffer: a major number without a
      // driver must give -1, not a call through an empty table slot.
      int fd = open(NNODE, O_RDWR);
      if (fd >= 0) {
        int rr = read(fd, stackbuf, 10);
        int ww = write(fd, stackbuf, 10);
        if ((smajor < 0 || smajor >= NDEV) && (rr != -1 || ww != -1))
          fail("device major %d: read %d write %d", smajor, rr, ww);
        close(fd);
      }
    }
    break;
  }
  case 4:
    // chdir: our own directory and "/" always; elsewhere only when
    // KNOWN_CHDIRRM is allowed (directories here get removed).
    if (allowed(KNOWN_CHDIRRM) && rn(2)) {
      p = nasty_path(PATH_READ, &bad);
      r = chdir(p);
      if (bad) must_fail(r, "chdir", (int)p);
      chdir_retry(dir);
      // Work inside a directory while it is removed: create, enter and
      // remove a subdirectory, climb back through "..". Only names our
      // cleanup knows ("d2", "d2/x").
      if (rn(2)) {
        mkdir("d2");
        if (chdir("d2") == 0) {
          unlink("../d2");
          if (mkdir("x") == 0 && chdir("x") == 0) {
            unlink("../x");
            chdir("..");
          }
          int fd = open(rn(2) ? "x" : ".", O_RDONLY);
          if (fd >= 0)
            fd_add(fd, FK_DIR);
        }
        chdir_retry(dir);
      }
    } else {
      int b3;
      p = (char *)nasty_ptr(1, 0, &b3);
      if (b3) {
        r = chdir(p);
        must_fail(r, "chdir(bad)", (int)p);
      }
      r = chdir_retry(rn(4) ? dir : "/");
      if (r != 0 && !armed)
        fail("chdir back failed", 0, 0, 0);
      if (chdir_retry(dir) != 0 && !armed)
        fail("chdir %s failed", (int)dir, 0, 0);
    }
    break;
  case 5:
    // Inodes: many distinct names open at once (KNOWN_INODES).
    if (allowed(KNOWN_INODES)) {
      char nm[4] = "m00";
      int held[NOFILE];
      int nh = 0;
      for (int i = 0; i < NMANY && nh < 8; i++) {
        nm[1] = '0' + i / 10;
        nm[2] = '0' + i % 10;
        int fd = open(nm, O_CREATE | O_RDWR);
        if (fd >= 0) {
          held[nh++] = fd;
          write(fd, "z", 1);
          void *m = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0);
          if (m != MAP_FAILED && rn(2))
            munmap(m, PGSIZE);
        }
      }
      for (int i = 0; i < nh; i++)
        close(held[i]);
    }
    break;
  default:
    p = nasty_path(PATH_READ, &bad);
    {
      struct stat st;
      r = stat(p, &st);
      if (bad) must_fail(r, "stat", (int)p);
    }
    break;
  }
}

static void op_pipe(void) {
  int bad;
  uint p = nasty_ptr(8, 1, &bad);
  // Not in the mutated page: we read the two fds back.
  if (shp && p >= (uint)shp && p < (uint)shp + 2 * PGSIZE)
    p = (uint)stackbuf;
  int *fdp = (int *)p;
  int r = pipe(fdp);
  if (bad) {
    must_fail(r, "pipe", p);
    return;
  }
  if (r != 0)
    return;
  int pf[2] = {fdp[0], fdp[1]};
  // Data from the shared page (mutated as it is copied) or any pointer;
  // at most what the pipe holds, so the write never blocks.
  int n = rn(500);
  uint src = rn(2) && shp ? (uint)shp + rn(PGSIZE - 512) : nasty_ptr(n, 0, &bad);
  int w = write(pf[1], (void *)src, n);
  if (bad && n > 0)
    must_fail(w, "write(pipe)", src);
  if (rn(3) == 0) {
    // Reader gone: a write must fail, not block.
    close(pf[0]);
    w = write(pf[1], stackbuf, 10);
    must_fail(w, "write to a pipe without reader", pf[1]);
    close(pf[1]);
    return;
  }
  close(pf[1]);
  for (int i = 0; i < 4; i++) {
    int m = nasty_len();
    uint dst = nasty_ptr(m, 1, &bad);
    int rr = read(pf[0], (void *)dst, m);
    if ((bad && m > 0) || m < 0)
      must_fail(rr, "read(pipe)", dst);
    if (rr == 0)
      break;
  }
  close(pf[0]);
}

static void op_mem(void) {
  int r;
  uint base = SCRATCH + me * SCRATCH_SZ;
  switch (rn(6)) {
  case 0: {             // fixed, in our window
    uint a = base + rn(SCRATCH_SZ / PGSIZE - 16) * PGSIZE;
    int len = 1 + rn(12 * PGSIZE);
    int prot = rn(8) ? (int)rn(8) : nasty_int();
    int flags = (rn(2) ? MAP_SHARED : MAP_PRIVATE) |
                (rn(2) ? MAP_FIXED : MAP_FIXED_NOREPLACE);
    int fd = -1;
    if (rn(3) == 0 && nfds > 0) {
      fd = fds[rn(nfds)].fd;
    } else {
      flags |= MAP_ANONYMOUS;
    }
    if (rn(10) == 0) flags = rn(2) ? 0 : (int)rnd();
    if (!allowed(KNOWN_HOLEWB) && flags == 0)
      flags = MAP_PRIVATE | MAP_FIXED | (fd < 0 ? MAP_ANONYMOUS : 0);
    if (!allowed(KNOWN_HOLEWB) && fd >= 0 && (flags & MAP_SHARED)) {
      struct stat st;
      if (fstat(fd, &st) < 0 || (uint)len > st.size)
        prot &= ~PROT_WRITE;
    }
    // Writable shared file mappings write back into the file: with
    // KNOWN_HOLEWB out, only in the non-course form and within the file
    // (the check above), from offset 0.
    int off = rn(4) ? (int)(rn(4) * PGSIZE) : nasty_int();
    if (!allowed(KNOWN_HOLEWB) && fd >= 0)
      off = 0;
    void *m = mmap((void *)a, len, prot, flags | ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
                                                  ? 0 : MAP_FIXED), fd, off);
    (void)m;
    break;
  }
  case 1: {             // kernel-placed, small, kept for a while
    if (nmaps == MAXMAPS) {
      int i = rn(nmaps);
      if (munmap((void *)maps[i], mapsz[i]) != 0 && !armed)
        fail("munmap of our mapping 0x%x failed", maps[i], 0, 0);
      maps[i] = maps[nmaps - 1];
      mapsz[i] = mapsz[nmaps - 1];
      nmaps--;
    }
    uint len = (1 + rn(8)) * PGSIZE;
    void *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
      if ((uint)m < MMAP_BASE || (uint)m + len > KERNBASE)
        fail("mmap placed 0x%x", (int)m, 0, 0);
      maps[nmaps] = (uint)m;
      mapsz[nmaps] = len;
      nmaps++;
    }
    break;
  }
  case 2: {             // hostile arguments: anything that maps is undone
    int len = nasty_int();
    int prot = rn(2) ? (int)rn(8) : nasty_int();
    int flags = rn(2) ? (int)rnd() : (int)(rn(2) ? MAP_SHARED : MAP_PRIVATE) |
                                      (int)(rn(2) ? MAP_ANONYMOUS : 0) |
                                      (int)(rn(2) ? MAP_FIXED : 0);
    int bad;
    uint a = rn(2) ? nasty_ptr(0, 0, &bad) : KERNBASE + rn(4) * PGSIZE;
    int fd = rn(2) ? -1 : nasty_fd();
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && a < KERNBASE) {
      // In our window and no further: MAP_FIXED replaces what it covers,
      // and the top page, the hole and our areas must stay as they are.
      a = base + rn(SCRATCH_SZ / PGSIZE) * PGSIZE;
      if (len > 0 && (uint)len > base + SCRATCH_SZ - a)
        len = base + SCRATCH_SZ - a;
    }
    void *m = mmap((void *)a, len, prot, flags, fd, nasty_int() & ~(rn(2) ? 0 : 0xFFF));
    if (map_ok(m, flags)) {
      if ((uint)m >= KERNBASE || len <= 0)
        fail("mmap(0x%x, %d) = 0x%x", a, len, (int)m);
      uint end = (uint)m + PGROUNDUP((uint)len);
      if ((uint)m < base || end > base + SCRATCH_SZ)
        munmap(m, len);
    } else if (len <= 0 || ((flags & MAP_FIXED) && a >= KERNBASE)) {
      count(&SLOT->expfail, 1);
    }
    break;
  }
  case 3: {             // munmap / mprotect / msync in the window or nowhere
    uint a, len;
    int kern = rn(4) == 0;
    if (kern) {
      a = rn(2) ? KERNBASE + rn(16) * PGSIZE : 0xFFFFF000;
      len = rn(2) ? PGSIZE : 0x20000000;
    } else {
      a = base + rn(SCRATCH_SZ / PGSIZE) * PGSIZE;
      len = rn(16 * PGSIZE);
      if (a + len > base + SCRATCH_SZ)
        len = base + SCRATCH_SZ - a;
      if (rn(8) == 0) a += rn(PGSIZE);          // unaligned
    }
    int which = rn(3);
    if (which == 0)
      r = munmap((void *)a, len);
    else if (which == 1)
      r = mprotect((void *)a, len, rn(5) ? (int)rn(8) : nasty_int());
    else
      r = msync((void *)a, len, rn(4) ? MS_SYNC : nasty_int());
    if (kern && len > 0)
      must_fail(r, which == 0 ? "munmap(kernel)" : which == 1 ? "mprotect(kernel)" :
                "msync(kernel)", a);
    break;
  }
  case 4: {             // the kernel touches lazy and window pages for us
    int fd = nfds > 0 ? fds[rn(nfds)].fd : -1;
    int bad;
    int n = 1 + rn(PGSIZE);
    uint p = rn(2) ? base + rn(SCRATCH_SZ / PGSIZE) * PGSIZE : nasty_ptr(n, 1, &bad);
    if (fd < 0 || fd_kind(fd) == FK_DEV)
      break;
    r = read(fd, (void *)p, n);
    (void)r;
    break;
  }
  default: {            // sbrk
    int n;
    switch (rn(5)) {
    case 0: n = 0x7FFFFFFF; break;
    case 1: n = (int)0x80000000; break;
    case 2: n = -(int)heapsz - 1 - (int)rn(100); break;
    case 3: n = KERNBASE - heapsz; break;
    default: n = 0; break;
    }
    char *q = sbrk(n);
    if (n != 0)
      must_fail((int)q, "sbrk", n);
    // Grow a little and give it back.
    int g = rn(3 * PGSIZE);
    char *old = sbrk(g);
    if (old != (char *)-1) {
      if (g > 0 && rn(2) == 0 && prep(old, g) == 0)
        memmove(old, stackbuf, g > PGSIZE ? PGSIZE : g);
      if (sbrk(-g) == (char *)-1 && !armed)
        fail("sbrk(-%d) failed", g, 0, 0);
    }
    break;
  }
  }
}

static void op_info(void) {
  int bad;
  uint p;
  int r;
  switch (rn(9)) {
  case 0:
    p = nasty_ptr(sizeof(struct memstat), 1, &bad);
    r = memstat((struct memstat *)p);
    if (bad) must_fail(r, "memstat", p);
    break;
  case 1:
    p = nasty_ptr(sizeof(struct faultstat), 1, &bad);
    r = faultstat((struct faultstat *)p);
    if (bad) must_fail(r, "faultstat", p);
    break;
  case 2:
    p = nasty_ptr(sizeof(struct kmstat), 1, &bad);
    r = kmstat((struct kmstat *)p);
    if (bad) must_fail(r, "kmstat", p);
    break;
  case 3: {
    int max = rn(2) ? (int)rn(200) : nasty_int();
    int cap = 4096 / sizeof(struct pmap_entry);
    int m = max > cap ? cap : max;
    p = nasty_ptr(m > 0 ? m * sizeof(struct pmap_entry) : 0, 1, &bad);
    int pid = rn(3) ? 0 : rn(2) ? getpid() : nasty_int();
    r = pmap(pid, (struct pmap_entry *)p, max);
    if ((bad && m > 0) || max < 0) must_fail(r, "pmap", p);
    break;
  }
  case 4:
    r = freepages();
    if (r < 0) fail("freepages() = %d", r, 0, 0);
    break;
  case 5:
    r = getpid();
    if (r <= 0) fail("getpid() = %d", r, 0, 0);
    r = uptime();
    if (r < 0) fail("uptime() = %d", r, 0, 0);
    break;
  case 6:
    r = sleep(rn(3));
    if (r != 0 && !armed) fail("sleep = %d", r, 0, 0);
    break;
  case 7: {
    // kmalloc test calls.
    int c = rn(6);
    if (c < 2 && nkb < MAXKB) {
      uint a = (uint)kmalloc(rn(3) ? 1 + rn(4096) : (uint)nasty_int());
      if (a)
        kb[nkb++] = a;
    } else if (c < 4 && nkb > 0) {
      int i = rn(nkb);
      if (kmfree((void *)kb[i]) != 0)
        fail("kmfree(0x%x) of our block failed", kb[i], 0, 0);
      if (rn(2))
        must_fail(kmfree((void *)kb[i]), "kmfree twice", kb[i]);
      kb[i] = kb[--nkb];
    } else {
      uint a = nasty_ptr(0, 0, &bad);
      int ours = 0;
      for (int i = 0; i < nkb; i++)
        if (kb[i] == a)
          ours = 1;
      if (a != 0 && !ours)
        must_fail(kmfree((void *)a), "kmfree(not ours)", a);
    }
    break;
  }
  default: {
    int c = rn(4);
    if (c == 0) must_fail(kmtest(rnd() & 0x7FFFFFFF, -1 - (int)rn(5)), "kmtest rounds", -1);
    else if (c == 1) must_fail(kmtest(1, KMT_MAXROUNDS + 1 + rn(5)), "kmtest rounds", 0);
    else if (c == 2) must_fail(kmtest(-4 - (int)rn(100), 10), "kmtest mode", 0);
    else if (allowed(KNOWN_KMTEST)) {
      r = kmtest(rnd() & 0x7FFFFFFF, rn(200));
      if (r != 0 && !armed)
        fail("kmtest = %d", r, 0, 0);
    }
    break;
  }
  }
}

// ---- processes ------------------------------------------------------------------------

static void do_op(int depth);

// Start of every forked child: the children, kmalloc blocks and mutator
// of its parent are not its own. With KNOWN_INODES left out it keeps no
// inherited descriptor either (see may_unlink).
static void become_child(void) {
  role = ROLE_CHILD;
  nkids = 0;
  nkb = 0;
  mutator = 0;
  if (!allowed(KNOWN_INODES))
    while (nfds > 0)
      fd_drop(nfds - 1);
}

static void child_run(int nops) {
  become_child();
  for (int i = 0; i < nops && !sh->failed; i++) {
    do_op(1);
    count(&SLOT->ops, 1);
  }
  exit();
}

static int reap_one(void) {
  int pid = wait();
  for (int i = 0; i < nkids; i++)
    if (kids[i] == pid) {
      kids[i] = kids[--nkids];
      reaped = pid;
      return pid;
    }
  if (pid < 0 && nkids > 0 && !armed)
    fail("wait() = -1 with %d children", nkids, 0, 0);
  return pid;
}

static int spawn(void) {
  if (nkids == MAXKIDS) {
    if (rn(2))
      kill(kids[rn(nkids)]);
    reap_one();
  }
  int pid = fork();
  if (pid < 0)
    return -1;
  if (pid > 0) {
    kids[nkids++] = pid;
    count(&SLOT->children, 1);
  }
  return pid;
}

// Raw system calls with any number and arguments. Calls that take a path
// (a random string might name a real file), kill (the shell), exec,
// sleep (unbounded) and poweroff are left to the structured ops, and so
// is fork: a grandchild is nobody's to kill and reap, and one that grew
// huge could outlive the run.
static void chaos(void) {
  static const uchar nums[] = {
    SYS_exit, SYS_wait, SYS_pipe, SYS_read, SYS_fstat, SYS_dup, SYS_getpid,
    SYS_sbrk, SYS_uptime, SYS_write, SYS_close, SYS_kmalloc, SYS_kmfree, SYS_mmap,
    SYS_munmap, SYS_freepages, SYS_mprotect, SYS_msync, SYS_lseek, SYS_kmstat, SYS_pmap,
    SYS_memstat, SYS_faultstat, SYS_fsync,
  };
  for (int i = 0; i < RAW_OPS && !sh->failed; i++) {
    int a[6];
    int bad;
    for (int k = 0; k < 6; k++)
      a[k] = rn(2) ? nasty_int() : (int)nasty_ptr(0, 0, &bad);
    int num = nums[rn(sizeof(nums))];
    if (rn(64) == 0)
      num = rn(2) ? 36 + (int)rn(10) : nasty_int();   // no such call
    if (num == SYS_poweroff || num == SYS_kill || num == SYS_exec || num == SYS_sleep ||
        num == SYS_kmtest)
      continue;
    // Reads and writes on the console would wait for typing or print, on a
    // pipe end this call made they could wait forever: only our own files
    // and fds that cannot be open.
    if ((num == SYS_read || num == SYS_write) && (uint)a[0] < NOFILE &&
        fd_kind(a[0]) != FK_FILE && fd_kind(a[0]) != FK_DIR)
      a[0] = rn(2) ? NOFILE + (int)rn(100) : -1 - (int)rn(100);
    // sbrk allocates eagerly: a few MiB, not a quarter of the memory.
    if (num == SYS_sbrk && a[0] > CHAOS_SBRK_MAX)
      a[0] &= CHAOS_SBRK_MAX;
    if (!allowed(KNOWN_HOLEWB)) {
      if (num == SYS_lseek)              // past the end, then write: a hole
        continue;
      if (num == SYS_mmap && (a[3] == 0 || (a[3] & MAP_SHARED)))
        a[3] = MAP_PRIVATE | (a[3] & MAP_ANONYMOUS);
    }
    rawsys(num, a[0], a[1], a[2], a[3], a[4], a[5]);
    count(&SLOT->ops, 1);
  }
  exit();
}

static char *argvbuf[MAXARG + 8];

static void op_exec(void) {
  int pid = spawn();
  if (pid != 0)
    return;
  become_child();
  int bad;
  char *path;
  char **argv = argvbuf;
  switch (rn(8)) {
  case 0:                    // a real program: it exits at once
    path = self;
    argv[0] = "sysfuzz";
    argv[1] = "-e";
    argv[2] = 0;
    // With KNOWN_STRRACE allowed, an argument whose NUL the mutator flips
    // (exec measures the strings when it copies them to the new stack).
    if (allowed(KNOWN_STRRACE) && shp && rn(2)) {
      argv[2] = shp + 2 * PGSIZE - 2;
      argv[3] = 0;
    }
    break;
  case 1:                    // too many arguments
    path = self;
    for (int i = 0; i < MAXARG + 4; i++)
      argv[i] = "-e";
    argv[MAXARG + 4] = 0;
    must_fail(exec(path, argv), "exec(> MAXARG)", MAXARG + 4);
    exit();
  case 2:                    // argv itself a bad pointer
    argv = (char **)nasty_ptr(4, 0, &bad);
    if (!bad)
      exit();
    must_fail(exec(self, argv), "exec(bad argv)", (int)argv);
    exit();
  case 3:                    // an argument string that is not terminated
    path = self;
    argv[0] = "sysfuzz";
    argv[1] = rn(2) && edge ? edge + PGSIZE - 1 - rn(8) : top ? top + PGSIZE - 1 - rn(8)
                                                              : (char *)KERNBASE - 1;
    argv[2] = 0;
    must_fail(exec(path, argv), "exec(unterminated arg)", (int)argv[1]);
    exit();
  case 4:                    // argv array in the mutated page, not a program
    if (!shp)
      exit();
    argv = (char **)(shp + rn(PGSIZE / 2));
    path = rn(2) ? (char *)fnames[rn(3)] : "nosuch";
    exec(path, argv);
    exit();
  case 5:                    // array ending at KERNBASE without a 0
    if (!top)
      exit();
    argv = (char **)(KERNBASE - 4 * (1 + rn(3)));
    for (uint *q = (uint *)argv; (uint)q < KERNBASE; q++)
      *q = (uint)"sysfuzz";
    must_fail(exec(self, argv), "exec(argv runs to KERNBASE)", (int)argv);
    exit();
  default:                   // any path: a data file, a directory, a bad pointer
    path = nasty_path(PATH_DESTROY, &bad);
    argv[0] = "x";
    argv[1] = 0;
    if (!bad && strcmp(path, "/") != 0 && strcmp(path, "//") != 0 && rn(2))
      path = rn(2) ? dir : (char *)fnames[rn(NFN)];
    must_fail(exec(path, argv), "exec(not a program)", (int)path);
    exit();
  }
  exec(path, argv);
  exit();
}

static void op_proc(void) {
  switch (rn(8)) {
  case 0: case 1: {          // a child running ops, maybe killed
    int pid = spawn();
    if (pid == 0)
      child_run(1 + rn(CHILD_OPS));
    if (pid > 0 && rn(2)) {
      if (rn(2))
        sleep(rn(3));
      if (kill(pid) != 0)
        fail("kill of live child %d failed", pid, 0, 0);
      count(&SLOT->killed, 1);
    }
    break;
  }
  case 2: {                  // raw calls
    int pid = spawn();
    if (pid == 0) {
      become_child();
      chaos();
    }
    break;
  }
  case 3:
    if (nkids > 0)
      reap_one();
    break;
  case 4: {                  // pids that cannot be killed
    static const int bad[] = {-1, 0x7FFFFFFF, (int)0x80000000, -100, 99999};
    int pid = rn(4) ? bad[rn(5)] : reaped;
    if (pid == -1 && rn(2) && reaped > 0)
      pid = reaped;
    must_fail(kill(pid), "kill(no such pid)", pid);
    if (allowed(KNOWN_KILL1) && rn(4) == 0)
      must_fail(kill(1), "kill(init)", 1);
    break;
  }
  case 5: {                  // a child that kills itself, or waits with no children
    int pid = spawn();
    if (pid == 0) {
      become_child();
      if (rn(2))
        must_fail(wait(), "wait() without children", 0);
      else
        kill(getpid());
      do_op(1);
      exit();
    }
    break;
  }
  case 6:
    op_exec();
    break;
  default:
    if (allowed(KNOWN_SLEEPNEG) && nkids < MAXKIDS) {
      int before = SLOT->negslept;
      int pid = spawn();
      if (pid == 0) {
        become_child();
        int r = sleep(-1 - (int)rn(1000));
        if (r == -1)
          count(&SLOT->negslept, 1);
        exit();
      }
      if (pid > 0) {
        int t;
        for (t = 0; t < SLEEPNEG_TICKS && SLOT->negslept == before; t++)
          sleep(1);
        if (SLOT->negslept == before && !armed)
          fail("sleep(negative) did not return -1 within %d ticks", SLEEPNEG_TICKS, 0, 0);
      }
    }
    break;
  }
}

// KNOWN_HOLEWB: a file with holes, mapped shared, every page dirtied and
// written back (msync, munmap or exit) while others do the same. A page
// over holes needs up to 8 data blocks plus bitmap, inode and indirect
// blocks in one transaction.
static void op_hole(void) {
  // Three at once (the worker and two children, each with its own file):
  // the log holds three transactions, so three that each need more than
  // MAXOPBLOCKS overflow it.
  char name[3] = NHOLE;
  int helpers[2] = {-1, -1};
  if (role == ROLE_WORKER)
    for (int i = 0; i < 2; i++)
      if (nkids < MAXKIDS && (helpers[i] = spawn()) == 0) {
        become_child();
        name[1] = '1' + i;
        break;
      }
  unlink(name);          // a new file each time: write-back fills the holes
  int fd = open(name, O_CREATE | O_RDWR);
  if (fd < 0)
    goto out;
  uint len = (2 + rn(7)) * PGSIZE;
  if (lseek(fd, len - 1 - rn(PGSIZE / 2), SEEK_SET) > 0 && write(fd, "h", 1) == 1) {
    int course = rn(2);
    char *m = mmap(0, course ? len + PGSIZE : len, PROT_READ | PROT_WRITE,
                   course ? 0 : MAP_SHARED, fd, 0);
    if (map_ok(m, course ? 0 : MAP_SHARED)) {
      if (prep(m, len) == 0)
        for (uint a = 0; a < len; a += 512)
          m[a] = 'w';
      if (rn(2))
        msync(m, len, MS_SYNC);
      // Unmapped at once: a mapping holds its file's inode.
      munmap(m, course ? len + PGSIZE : len);
    }
  }
  close(fd);
out:
  if (role == ROLE_CHILD && name[1])
    exit();
  for (int i = 0; i < 2; i++)
    if (helpers[i] > 0)
      while (nkids > 0 && reap_one() != helpers[i])
        ;
}

// KNOWN_REFWRAP: one page of a file mapped shared far more often than a
// 16-bit count holds, each mapping touched. A fixed kernel refuses mmap
// before the count can wrap.
static void storm(void) {
  int pid = spawn();
  if (pid > 0)           // the worker waits for it to finish
    while (nkids > 0 && reap_one() != pid)
      ;
  if (pid != 0)
    return;
  become_child();
  int fd = open("a", O_CREATE | O_RDWR);
  if (fd < 0)
    exit();
  write(fd, stackbuf, PGSIZE);
  for (int i = 0; i < STORM_MAPS; i++) {
    char *m = mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
      break;
    volatile char c = *m;
    (void)c;
  }
  exit();
}

static void do_op(int depth) {
  opno++;
  int x = rn(100);
  if (x < 12) op_open();
  else if (x < 26) op_rw();
  else if (x < 30) op_file_check();
  else if (x < 34) op_lseek();
  else if (x < 38) op_fstat();
  else if (x < 44) op_close_dup();
  else if (x < 56) op_names();
  else if (x < 62) op_pipe();
  else if (x < 76) op_mem();
  else if (x < 92) op_info();
  else if (x < 93 && allowed(KNOWN_HOLEWB)) op_hole();
  else if (depth == 0) op_proc();
  else op_info();
}

// ---- the worker ------------------------------------------------------------------------

static void *map_try(uint a, uint len, int prot, int flags, int fd) {
  for (int t = 0; t < (armed ? 20 : 1); t++) {
    void *m = mmap((void *)a, len, prot, flags, fd, 0);
    if (map_ok(m, flags))
      return m;
  }
  return 0;
}

// Fault the pages of [p, p+n) in by system call before touching them:
// with faults armed a failed allocation is then -1 here, not a kill.
static int prep(void *p, int n) {
  for (uint a = PGROUNDDOWN((uint)p); a < (uint)p + n; a += PGSIZE) {
    int ok = 0;
    for (int t = 0; t < 20 && !ok; t++)
      ok = memstat((struct memstat *)a) == 0;
    if (!ok)
      return -1;
  }
  return 0;
}

static void setup_areas(void) {
  shp = map_try(0, 3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
  if (shp) {
    if (mprotect(shp + 2 * PGSIZE, PGSIZE, PROT_NONE) != 0) {
      munmap(shp, 3 * PGSIZE);
      shp = 0;
    } else {
      if (prep(shp, 2 * PGSIZE) < 0)
        shp = 0;   // (left for exit to clean up)
    }
  }
  if (shp) {
    shp[2 * PGSIZE - 2] = "abc"[rn(3)];
    shp[2 * PGSIZE - 1] = 0;
  }
  ro = map_try(0, PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  none = map_try(0, PGSIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  lazy = map_try(0, 4 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  edge = map_try(0, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  if (edge) {
    if (mprotect(edge + PGSIZE, PGSIZE, PROT_NONE) != 0 ||
        prep(edge, PGSIZE) < 0) {
      munmap(edge, 2 * PGSIZE);
      edge = 0;
    } else {
      memset(edge + PGSIZE - 64, 'e', 64);
    }
  }
  top = map_try(TOP, PGSIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1);
  if (top) {
    if (prep(top, PGSIZE) < 0) {
      munmap(top, PGSIZE);
      top = 0;
    } else {
      memset(top + PGSIZE - 64, 't', 64);
    }
  }
  int fd = open(self, O_RDONLY);
  if (fd >= 0) {
    struct stat st;
    if (fstat(fd, &st) == 0 && st.size > 0) {
      fmapsz = st.size;
      fmap = map_try(0, st.size, PROT_READ, MAP_PRIVATE, fd);
      if (fmap && read(fd, fmap, 1) != -1)
        fail("read into a read-only file mapping succeeded", 0, 0, 0);
    }
    close(fd);
  }
}

// Scribble on the shared data page (and, with KNOWN_STRRACE allowed, the
// NUL of the string at the end of the string page) until told to stop.
static void mutate(void) {
  become_child();
  char *s = shp + 2 * PGSIZE - 1;
  while (!sh->stop[me] && !sh->stop_all && !sh->failed) {
    // Busy for a clock tick, then rest: the calls of the worker and its
    // children run while it writes.
    int t0 = uptime();
    while (uptime() == t0)
      for (int i = 0; i < NMUT; i++) {
        shp[rn(PGSIZE)] = rnd();
        if (allowed(KNOWN_STRRACE))
          *s = *s ? 0 : 'x';
      }
    sleep(allowed(KNOWN_STRRACE) ? 1 : MUTATOR_REST);
  }
  exit();
}

static void cleanup_names(void) {
  chdir_retry(dir);
  unlink("d1/x");
  unlink("d2/x");
  for (int i = 0; i < NFN; i++)
    unlink(fnames[i]);
  unlink(NNODE);
  unlink(NHOLE);
  unlink(NHOLE "1");
  unlink(NHOLE "2");
  for (int i = 0; i < NDN; i++)
    unlink(dnames[i]);
  char nm[4] = "m00";
  for (int i = 0; i < NMANY; i++) {
    nm[1] = '0' + i / 10;
    nm[2] = '0' + i % 10;
    unlink(nm);
  }
  unlink("abcdefghijklmn");   // DIRSIZ truncation of the long name
  // The racing name at the end of the string page ("a", "b" or "c") reads
  // "ax", "bx" or "cx" while its NUL is flipped, when a hostile mprotect
  // has made the guard page after it readable (zeros).
  unlink("ax");
  unlink("bx");
  unlink("cx");
  chdir("/");
}

// Print the names left in our directory (for a failure report).
static void print_leftovers(void) {
  int fd = open(dir, O_RDONLY);
  if (fd < 0) {
    printf(1, "sysfuzz: worker %d: cannot open %s to list it\n", me, dir);
    return;
  }
  struct dirent de;
  char name[DIRSIZ + 1];
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
      printf(1, "sysfuzz: worker %d: left in %s: '%s' (inode %d)\n", me, dir, name, de.inum);
  }
  close(fd);
}

// Ticks a worker waits at its end for the others to close their files.
#define QUIET_WAIT_TICKS 1000

static int all_quiet(void) {
  for (int i = 0; i < nprocs; i++)
    if (!sh->slot[i].quiet && !sh->slot[i].done)
      return 0;
  return 1;
}

static void worker(int index) {
  role = ROLE_WORKER;
  me = index;
  reseed(seed0, index);
  dir[0] = '/';
  dir[1] = 's';
  dir[2] = 'f';
  dir[3] = 'z';
  dir[4] = '0' + index;
  dir[5] = 0;
  cleanup_names();
  unlink(dir);
  if (mkdir(dir) != 0 || chdir(dir) != 0) {
    if (!armed)
      fail("cannot make %s", (int)dir, 0, 0);
    SLOT->done = 1;
    exit();
  }
  // Keep our directory's inode in the inode table: the other workers can
  // fill the table for long stretches (op 5 and the descriptors they keep),
  // and then looking up a directory nobody holds fails with -1, as it
  // should; our way back into our directory must not.
  dirpin = open(".", O_RDONLY);
  heap0 = heapsz = (uint)sbrk(0);
  setup_areas();
  if (shp && (index % 2 == 0 || nprocs <= 2)) {
    int pid = fork();
    if (pid == 0)
      mutate();
    mutator = pid > 0 ? pid : 0;
  }
  int stormed = index != 0 || !allowed(KNOWN_REFWRAP);
  for (int i = 0; i < iters; i++) {
    if (sh->failed || (tlimit && uptime() >= deadline))
      break;
    if (!stormed && i == 10) {
      storm();
      stormed = 1;
    }
    do_op(0);
    count(&SLOT->ops, 1);
  }
  // Children first (they use our files), then the mutator.
  for (int i = 0; i < nkids; i++)
    kill(kids[i]);
  while (nkids > 0)
    reap_one();
  sh->stop[me] = 1;
  if (mutator > 0) {
    kill(mutator);
    wait();
  }
  while (nfds > 0)
    fd_drop(nfds - 1);
  if (rn(2))
    while (nkb > 0)
      kmfree((void *)kb[--nkb]);
  // Other workers may still hold every inode-table entry (their open files
  // and directories); then a lookup, and our cleanup, fails with -1, as it
  // should. Wait (a bounded while: a worker may have been killed) until
  // every worker has closed its descriptors, then try a few times before
  // judging.
  close(dirpin);
  SLOT->quiet = 1;
  for (int t = 0; t < QUIET_WAIT_TICKS && !all_quiet(); t++)
    sleep(1);
  int gone = 0;
  for (int t = 0; t < 10 && !gone; t++) {
    cleanup_names();
    gone = unlink(dir) == 0;
    if (!gone)
      sleep(2);
  }
  if (!gone && !sh->failed && !armed) {
    print_leftovers();
    fail("%s not empty at the end (a file the fuzzer cannot name?)", (int)dir, 0, 0);
  }
  SLOT->done = 1;
  exit();
}

// ---- the parent ------------------------------------------------------------------------

static void usage(void) {
  printf(2, "usage: sysfuzz [-s seed] [-n ops] [-p procs] [-t ticks] [-k mask|all]\n");
  exit();
}

int main(int argc, char *argv[]) {
  if (argc >= 2 && strcmp(argv[1], "-e") == 0)
    exit();                    // exec target of the fuzzer itself
  int seeded = 0;
  for (int i = 1; i < argc; i += 2) {
    if (argv[i][0] != '-' || argv[i][1] == 0 || argv[i][2] != 0 || i + 1 >= argc)
      usage();
    int v = atoi(argv[i + 1]);
    switch (argv[i][1]) {
    case 's': seed0 = v; seeded = 1; break;
    case 'n': iters = v; break;
    case 'p': nprocs = v; break;
    case 't': tlimit = v; break;
    case 'k': known = strcmp(argv[i + 1], "all") == 0 ? KNOWN_ALL : v; break;
    default: usage();
    }
  }
  if (!seeded)
    seed0 = uptime() * 7919 + getpid();
  if (nprocs < 1 || nprocs > MAXPROCS || iters < 0 || tlimit < 0)
    usage();
  if (!allowed(KNOWN_INODES) && nprocs > INODE_PROCS) {
    printf(1, "sysfuzz: %d workers would fill the inode table (KNOWN_INODES is left "
           "out): running %d\n", nprocs, INODE_PROCS);
    nprocs = INODE_PROCS;
  }
  struct stat st;
  if (stat(self, &st) < 0 && argv[0][0] && strlen(argv[0]) < sizeof(self))
    strcpy(self, argv[0]);
  struct faultstat fs0, fs1;
  faultstat(&fs0);
  armed = fs0.armed;
  printf(1, "sysfuzz: seed %d, %d ops x %d processes, %d ticks limit, known 0x%x%s\n", seed0,
         iters, nprocs, tlimit, known, armed ? ", fault injection armed" : "");

  void *page = MAP_FAILED;
  for (int t = 0; t < 50 && page == MAP_FAILED; t++)
    page = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int t = 0;
  while (page != MAP_FAILED && memstat((struct memstat *)page) < 0 && ++t < 50)
    ;
  if (page == MAP_FAILED || t == 50) {
    printf(1, "sysfuzz: FAIL seed %d: cannot map the shared page\n", seed0);
    exit();
  }
  sh = page;
  memset(sh, 0, sizeof(*sh));

  struct leak_counters before, after;
  leak_take(&before);
  deadline = uptime() + tlimit;
  int started = 0;
  for (int i = 0; i < nprocs; i++) {
    int pid = -1;
    for (int tries = 0; tries < 50 && pid < 0; tries++) {
      pid = fork();
      if (pid < 0)
        sleep(1);
    }
    if (pid == 0)
      worker(i);
    if (pid < 0) {
      sh->slot[i].done = 1;
      if (!armed)
        printf(1, "sysfuzz: FAIL seed %d: fork of worker %d failed\n", seed0, i);
      continue;
    }
    started++;
  }
  while (wait() >= 0)
    ;
  sh->stop_all = 1;

  int ops = 0, exp = 0, kids = 0, killed = 0, missing = -1;
  for (int i = 0; i < nprocs; i++) {
    struct slot *s = &sh->slot[i];
    ops += s->ops;
    exp += s->expfail;
    kids += s->children;
    killed += s->killed;
    if (!s->done && missing < 0)
      missing = i;
  }
  printf(1, "sysfuzz: seed %d: %d ops, %d expected failures, %d children killed\n", seed0,
         ops, exp, killed);
  printf(1, "sysfuzz: seed %d: %d workers, %d children forked\n", seed0, started, kids);

  int clean = leak_settle(&before, &after, 100, 5);
  faultstat(&fs1);
  if (armed)
    printf(1, "sysfuzz: seed %d: faults injected: kalloc %d of %d, kmalloc %d of %d\n", seed0,
           fs1.kalloc_injected - fs0.kalloc_injected, fs1.kalloc_attempts - fs0.kalloc_attempts,
           fs1.kmalloc_injected - fs0.kmalloc_injected,
           fs1.kmalloc_attempts - fs0.kmalloc_attempts);
  if (sh->failed) {
    printf(1, "sysfuzz: FAIL seed %d: %s %d op %d: ", seed0,
           sh->role == ROLE_CHILD ? "child of worker" : "worker", sh->who, sh->op);
    printf(1, sh->why, sh->arg[0], sh->arg[1], sh->arg[2]);
    printf(1, "\n");
    exit();
  }
  if (missing >= 0 && !armed) {
    printf(1, "sysfuzz: FAIL seed %d: worker %d died before its end\n", seed0, missing);
    exit();
  }
  if (!clean) {
    leak_report(1, "sysfuzz", &before, &after);
    printf(1, "sysfuzz: FAIL seed %d: leak counters not back to baseline\n", seed0);
    exit();
  }
  munmap(page, PGSIZE);
  printf(1, "sysfuzz: PASS\n");
  exit();
}
