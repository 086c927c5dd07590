// mmfuzz: a seeded, bounded fuzzer for the memory system calls.
//
//   mmfuzz [-s seed] [-n iterations] [-p procs] [-t ticks]
//
//   -s seed        the run's seed (default: taken from uptime(), and printed)
//   -n iterations  operations per worker process (default 300)
//   -p procs       worker processes running at once, 1..8 (default 4)
//   -t ticks       stop issuing operations after this many clock ticks
//                  (default 3000; 0 means no time limit)
//
// Each worker issues random and hostile sequences of mmap (random
// addresses, lengths, protections and flags, MAP_FIXED and
// MAP_FIXED_NOREPLACE over existing mappings, kernel addresses, unaligned
// and huge lengths, bad file descriptors), munmap, mprotect, msync, sbrk,
// fork+exit, kill of its own children, read/write/pipe/fstat with buffers
// inside mappings (never-touched, read-only and PROT_NONE ones too), and
// kmalloc/kmfree test calls with random arguments (kernel addresses,
// interior pointers, blocks already freed, blocks of another process).
//
// Every worker keeps a model of its address space: its regions (start,
// end, protection, shared or private, anonymous or file-backed), the pages
// it wrote and what it wrote there, its heap end, the kmalloc blocks it
// holds. The model predicts:
//  - which calls must fail (-1, MAP_FAILED, or 0 from kmalloc) and which
//    must succeed; mmap without MAP_FIXED must succeed exactly when the
//    model has a free range for it, and must not overlap anything;
//  - the kernel's own list of regions: after every change, pmap(0, ...)
//    must list exactly the model's regions (so splits of munmap and
//    mprotect, and "nothing changed" after a failure, are checked);
//  - memory contents: data written reads back (through fork and
//    copy-on-write too), never-written anonymous pages read zero, file
//    mappings read the file's bytes;
//  - which touches must kill: a child process touches an unmapped page,
//    a PROT_NONE page, a read-only page (write), a kernel address, the
//    stack guard page, a page past the end of a mapped file; it must die.
// Victim children run the same random operations until their worker kills
// them at a random moment (kill() of a live child is 0; of a reaped one, -1).
//
// At the end, after every worker and child has been reaped, memstat() must
// be back at the baseline taken before the workers started: free pages,
// regions, page sets, kmalloc live blocks, open files, processes. Orphans
// (the children of a worker the kernel killed) are reaped by init, so the
// check waits a little for the counts to settle before it complains.
//
// With fault injection armed (faultstat() says so) allocations fail at
// random, so any call may return its error; such failures are counted as
// "tolerated", and the model then only requires that a failed call changed
// nothing (pmap still matches). The no-panic and the leak check still hold.
// To keep workers alive under injection, pages are faulted in through a
// system call before they are touched (write/read through a pipe): a failed
// allocation then returns -1 instead of killing the process.
//
// Output: the seed first, then a summary ("mmfuzz: seed S: N ops, M expected
// failures, K children killed as expected") and "mmfuzz: PASS", or
// "mmfuzz: FAIL seed S: <why>" (run "mmfuzz -s S" with the same -n/-p/-t to
// replay; with -p 1 on one CPU the sequence of operations is the same, with
// more workers the interleaving depends on scheduling).
#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "memlayout.h"
#include "mmu.h"
#include "mman.h"
#include "memstat.h"
#include "leakcheck.h"
#include "user.h"
#include "xrand.h"

typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type)   __builtin_va_arg(ap, type)
#define va_end(ap)         __builtin_va_end(ap)

#define MMAP_BASE 0x40000000u     // lowest address the kernel picks (mm/mmap.h)
#define MAXPROCS  8
#define MAXREG    48              // regions in the model
#define MAXW      64              // written pages remembered
#define MAXKB     40              // kmalloc blocks held
#define MAXVICT   2               // victim children alive at once
#define HEAP_MAX  (48 * PGSIZE)   // heap growth above the start
#define NFREED    16
#define PMAP_MAX  146             // entries that fit one page

#define ROLE_PARENT 0
#define ROLE_WORKER 1
#define ROLE_VICTIM 2
#define ROLE_CHILD  3

// Per-worker counters, in a page shared by all processes of the run.
struct slot {
  int ops;          // operations issued
  int expfail;      // calls that failed as predicted
  int killed;       // children that died as expected (touch tests, kills)
  int tolerated;    // unexpected failures accepted because faults are armed
  int forks;        // children forked
  int deaths;       // death tests run
  int victims;      // victims killed
  int done;         // the worker reached its end
  int survived;     // children that survived a touch that should kill
  int childdone;    // the fork+exit child finished its work
  uint childval;    // value it wrote to a shared page
  int vdied;        // victims that exited before being killed
  int verified;     // page contents checked against the model
  int pmaps;        // pmap() listings compared with the model
};

struct shared {
  int failed;              // first failure wins (atomic exchange)
  int who, role, op;       // where it happened
  const char *opname;      // same program image everywhere: pointers are valid
  const char *why;         // printf format with up to 4 %d/%x arguments
  int arg[4];
  struct slot slot[MAXPROCS];
};

struct mreg {
  uint start, end;
  int prot;                // effective PROT_* bits
  int shared;              // MAP_SHARED
  int file;                // backed by the data file
  uint foff;               // file offset of start
  int foreign;             // not ours to read or write (see victim_main)
};

struct wpage {
  uint va;
  uint val;
};

struct kblk {
  uint addr;
  int n;
};

static struct shared *sh;
static uint seed0;
static int iters = 300, nprocs = 4, tlimit = 3000;
static uint deadline;
static int armed;
static int me;                     // worker index
static int role = ROLE_PARENT;
static int opno;
static const char *opname = "setup";

static uint heap0, heapsz;         // heap start (our first sbrk(0)) and end
static uint stackpg, guardpg;      // the stack page and the guard below it
static int selfp[2] = {-1, -1};    // pipe used to fault pages in by system call

static char fname[32];             // the data file (our own binary)
static uint fsize;                 // its size
static char fdata[16384];          // its first bytes
static uint flen;                  // how many of them we have

static struct mreg reg[MAXREG];
static int nreg;
static struct wpage wp[MAXW];
static int nw;
static struct kblk kb[MAXKB];
static int nkb;
static uint freed[NFREED];         // blocks we freed (kmfree again must be -1)
static int nfreed;
static int vict[MAXVICT];          // live victims
static int nvict;
static int deadpid[8];             // reaped victims (kill must be -1)
static int ndead;
static struct pmap_entry pbuf[PMAP_MAX];

static void fail(const char *why, ...);
static void count(int *field, int n);
static int check_pmap(void);
static void death(uint addr, int w, const char *what);

// ---- small helpers ---------------------------------------------------------------

// The generator is the user library's (xrand.h); these names keep calls short.
static uint rnd(void) { return xrand(); }
static uint rn(uint n) { return xrand_below(n); }
static void reseed(uint a, uint b) { xrand_seed(a, b); }

static int eprot(int prot) {
  if (prot & (PROT_WRITE | PROT_EXEC))
    prot |= PROT_READ;
  return prot;
}

static void count(int *field, int n) {
  __atomic_fetch_add(field, n, __ATOMIC_SEQ_CST);
}

#define SLOT (&sh->slot[me])

static void expfail(void) {
  count(&SLOT->expfail, 1);
}

// A call failed that the model says must succeed. With faults armed that
// is allowed (an allocation may have been made to fail); otherwise a bug.
#define unexpected(...)                     \
  do {                                      \
    if (armed)                              \
      count(&SLOT->tolerated, 1);           \
    else                                    \
      fail(__VA_ARGS__);                    \
  } while (0)

// open() and pipe() also fail when the system's file table (NFILE entries)
// is full, which many processes each holding file mappings and pipes can
// make happen: that is a resource limit, not a bug.
static int files_short(void) {
  struct memstat m;
  return memstat(&m) == 0 && m.open_files >= NFILE - 12;
}

#define unexpected_file(...)                \
  do {                                      \
    if (files_short())                      \
      count(&SLOT->tolerated, 1);           \
    else                                    \
      unexpected(__VA_ARGS__);              \
  } while (0)

static const char *role_name(int r) {
  return r == ROLE_WORKER ? "worker" : r == ROLE_VICTIM ? "victim of worker" :
         r == ROLE_CHILD ? "child of worker" : "parent";
}

static void kill_victims(void);
static void reap_all(void);

// Report a failure (why: a printf format with up to 4 int arguments) and
// leave. The first failure of the run is also copied to the shared page,
// for the parent's final line.
static void fail(const char *why, ...) {
  int arg[4] = {0, 0, 0, 0};
  int n = 0;
  for (const char *p = why; *p && n < 4; p++) {
    if (*p == '%' && p[1] == '%')
      p++;
    else if (*p == '%')
      n++;
  }
  va_list ap;
  va_start(ap, why);
  for (int i = 0; i < n; i++)
    arg[i] = va_arg(ap, int);
  va_end(ap);
  printf(1, "mmfuzz: %s %d (pid %d) op %d (%s): ", role_name(role), me, getpid(), opno, opname);
  printf(1, why, arg[0], arg[1], arg[2], arg[3]);
  printf(1, "\n");
  if (sh && __atomic_exchange_n(&sh->failed, 1, __ATOMIC_SEQ_CST) == 0) {
    sh->who = me;
    sh->role = role;
    sh->op = opno;
    sh->opname = opname;
    for (int i = 0; i < 4; i++)
      sh->arg[i] = arg[i];
    sh->why = why;
  }
  if (role == ROLE_PARENT) {
    printf(1, "mmfuzz: FAIL seed %d: ", seed0);
    printf(1, why, arg[0], arg[1], arg[2], arg[3]);
    printf(1, "\n");
  }
  if (role == ROLE_WORKER) {
    kill_victims();
    reap_all();
  }
  exit();
}

// ---- the model of our regions ---------------------------------------------------------

static int find_reg(uint va) {
  for (int i = 0; i < nreg; i++)
    if (va >= reg[i].start && va < reg[i].end)
      return i;
  return -1;
}

static int overlaps(uint s, uint e) {
  for (int i = 0; i < nreg; i++)
    if (reg[i].start < e && s < reg[i].end)
      return 1;
  return 0;
}

static int hits_foreign(uint s, uint e) {
  for (int i = 0; i < nreg; i++)
    if (reg[i].foreign && reg[i].start < e && s < reg[i].end)
      return 1;
  return 0;
}

static void reg_insert(struct mreg *r) {
  if (nreg == MAXREG)
    fail("model full (%d regions)", nreg);
  int i = nreg;
  while (i > 0 && reg[i - 1].start > r->start) {
    reg[i] = reg[i - 1];
    i--;
  }
  reg[i] = *r;
  nreg++;
}

static void reg_remove(int i) {
  for (; i + 1 < nreg; i++)
    reg[i] = reg[i + 1];
  nreg--;
}

static int wp_find(uint va) {
  for (int i = 0; i < nw; i++)
    if (wp[i].va == va)
      return i;
  return -1;
}

static void wp_drop(uint s, uint e) {
  for (int i = 0; i < nw;)
    if (wp[i].va >= s && wp[i].va < e)
      wp[i] = wp[--nw];
    else
      i++;
}

static void wp_set(uint va, uint val) {
  int i = wp_find(va);
  if (i < 0) {
    if (nw == MAXW)
      fail("written-page table full");
    i = nw++;
    wp[i].va = va;
  }
  wp[i].val = val;
}

// Split the region holding `at` so that a region starts there.
static void split_at(uint at) {
  int i = find_reg(at);
  if (i < 0 || reg[i].start == at)
    return;
  struct mreg tail = reg[i];
  tail.foff += at - tail.start;
  tail.start = at;
  reg[i].end = at;
  reg_insert(&tail);
}

// What the kernel does on munmap(s, e - s): trim, split or remove.
static void model_unmap(uint s, uint e) {
  for (int i = 0; i < nreg;) {
    struct mreg *r = &reg[i];
    if (r->end <= s || r->start >= e) {
      i++;
    } else if (r->start < s && r->end > e) {     // hole in the middle
      struct mreg tail = *r;
      tail.foff += e - tail.start;
      tail.start = e;
      r->end = s;
      reg_insert(&tail);
      break;
    } else if (s <= r->start && e >= r->end) {   // all of it
      reg_remove(i);
    } else if (s <= r->start) {                  // its head
      r->foff += e - r->start;
      r->start = e;
      i++;
    } else {                                     // its tail
      r->end = s;
      i++;
    }
  }
  wp_drop(s, e);
}

static int fully_mapped(uint s, uint e) {
  uint at = s;
  for (int i = 0; i < nreg && at < e; i++) {
    if (reg[i].end <= at)
      continue;
    if (reg[i].start > at)
      return 0;
    at = reg[i].end;
  }
  return at >= e;
}

// Is there a free range of len bytes in [MMAP_BASE, KERNBASE)?
static int gap_fits(uint len) {
  uint at = MMAP_BASE;
  for (int i = 0; i < nreg; i++) {
    if (reg[i].end <= at)
      continue;
    if (reg[i].start > at && reg[i].start - at >= len)
      return 1;
    at = reg[i].end;
  }
  return KERNBASE - at >= len;
}

// A free page at or above MMAP_BASE (for "nothing mapped here" tests).
static uint free_page(void) {
  for (int tries = 0; tries < 16; tries++) {
    uint a = MMAP_BASE + rn((KERNBASE - MMAP_BASE) / PGSIZE) * PGSIZE;
    if (!overlaps(a, a + PGSIZE))
      return a;
  }
  return 0;
}

// A random region satisfying `need` (PROT bits), not foreign; -1 if none.
static int pick_reg(int need) {
  int cand[MAXREG], n = 0;
  for (int i = 0; i < nreg; i++)
    if (!reg[i].foreign && (reg[i].prot & need) == need)
      cand[n++] = i;
  return n ? cand[rn(n)] : -1;
}

static uint npages(int i) {
  return (reg[i].end - reg[i].start) / PGSIZE;
}

// A page of region i; mostly among its first pages so that they get reused.
static uint pick_page(int i) {
  uint n = npages(i);
  uint pg = rn(3) ? rn(n < 4 ? n : 4) : rn(n);
  return reg[i].start + pg * PGSIZE;
}

// Can the page at va (in region i) be touched without dying? File
// mappings die past the end of the file.
static int page_ok(int i, uint va) {
  if (reg[i].foreign)
    return 0;
  return !reg[i].file || reg[i].foff + (va - reg[i].start) < fsize;
}

static uint spotval(uint val, int k) {
  return k == 0 ? val : k == 1 ? (val ^ 0x5a5a5a5a) : ~val;
}

static const uint spot_off[3] = {0, 2044, 4092};

// The word we expect at byte offset spot_off[k] of the page at va.
// Returns 0 if the model does not know.
static int expect_word(uint va, int k, uint *out) {
  int w = wp_find(va);
  if (w >= 0) {
    *out = spotval(wp[w].val, k);
    return 1;
  }
  int i = find_reg(va);
  if (i < 0 || reg[i].foreign)
    return 0;
  if (!reg[i].file) {
    *out = 0;
    return 1;
  }
  uint off = reg[i].foff + (va - reg[i].start) + spot_off[k];
  uint v = 0;
  for (int b = 0; b < 4; b++) {
    uint o = off + b;
    uint byte = 0;
    if (o < fsize) {
      if (o >= flen)
        return 0;
      byte = (uchar)fdata[o];
    }
    v |= byte << (8 * b);
  }
  *out = v;
  return 1;
}

// ---- touching pages ------------------------------------------------------------------

// Have the kernel fault the page at va in (for writing if w), through a
// pipe: write one byte from it, read the byte back into it. An allocation
// failure then makes the call return -1 instead of killing us. Without
// faults armed, half the time we let the page fault happen in user mode.
static int prep(uint va, int w) {
  char c;
  if (selfp[0] < 0 || (!armed && rn(2)))
    return 0;
  if (write(selfp[1], (char *)va, 1) != 1)
    return -1;
  if (w) {
    if (read(selfp[0], (char *)va, 1) != 1) {
      read(selfp[0], &c, 1);
      return -1;
    }
  } else {
    read(selfp[0], &c, 1);
  }
  return 0;
}

static void check_page(uint va) {
  if (prep(va, 0) < 0) {
    unexpected("faulting in readable page 0x%x failed", va, 0, 0);
    return;
  }
  count(&SLOT->verified, 1);
  for (int k = 0; k < 3; k++) {
    uint want;
    if (!expect_word(va, k, &want))
      continue;
    uint got = *(volatile uint *)(va + spot_off[k]);
    if (got != want)
      fail("page 0x%x offset %d holds 0x%x, expected 0x%x", va, spot_off[k], got, want);
  }
}

static void fill_page(uint va, uint val) {
  for (int k = 0; k < 3; k++)
    *(volatile uint *)(va + spot_off[k]) = spotval(val, k);
  wp_set(va, val);
}

// Write a fresh value to the writable page va; returns 0 if done.
static int write_page(uint va) {
  if (wp_find(va) < 0 && nw == MAXW)
    return -1;
  if (prep(va, 1) < 0) {
    unexpected("faulting in writable page 0x%x failed", va, 0, 0);
    return -1;
  }
  fill_page(va, rnd() | 1);
  check_page(va);
  return 0;
}

static int heap_page_count(void) {
  uint lo = PGROUNDUP(heap0), hi = heapsz & ~(PGSIZE - 1);
  return hi > lo ? (hi - lo) / PGSIZE : 0;
}

static void verify_all(void) {
  for (int i = 0; i < nw; i++) {
    int r = find_reg(wp[i].va);
    if (r >= 0 && (reg[r].foreign || !(reg[r].prot & PROT_READ)))
      continue;
    check_page(wp[i].va);
  }
}

// ---- children ----------------------------------------------------------------------

static void note_reaped(int pid) {
  for (int i = 0; i < nvict; i++) {
    if (vict[i] == pid) {
      vict[i] = vict[--nvict];
      count(&SLOT->vdied, 1);
      if (ndead < 8)
        deadpid[ndead++] = pid;
    }
  }
}

// Wait until child pid has been reaped.
static void reap(int pid) {
  for (;;) {
    int w = wait();
    if (w == pid)
      return;
    if (w < 0)
      fail("wait() lost child %d", pid);
    note_reaped(w);
  }
}

static void kill_victims(void) {
  while (nvict > 0) {
    int pid = vict[--nvict];
    kill(pid);
    reap(pid);
  }
}

static void reap_all(void) {
  while (wait() >= 0)
    ;
}

// Replace an inherited self-pipe with our own.
static void new_selfpipe(void) {
  if (selfp[0] >= 0) {
    close(selfp[0]);
    close(selfp[1]);
  }
  selfp[0] = selfp[1] = -1;
  for (int i = 0; i < 10; i++)
    if (pipe(selfp) == 0)
      return;
  selfp[0] = selfp[1] = -1;
  if (!armed && !files_short())
    fail("pipe() failed");
}

// Fork a child that touches addr (writes if w): it must be killed.
static void death(uint addr, int w, const char *what) {
  if (role != ROLE_WORKER)
    return;
  int before = SLOT->survived;
  int pid = fork();
  if (pid < 0) {
    unexpected("fork for a touch test failed", 0, 0, 0);
    return;
  }
  if (pid == 0) {
    role = ROLE_CHILD;
    if (w)
      *(volatile uint *)addr = 0x600dbeef;
    else
      (void)*(volatile uint *)addr;
    count(&SLOT->survived, 1);
    exit();
  }
  count(&SLOT->forks, 1);
  count(&SLOT->deaths, 1);
  reap(pid);
  if (SLOT->survived != before)
    fail("child %s 0x%x (%s) was not killed", (int)(w ? "writing" : "reading"), addr, (int)what);
  count(&SLOT->killed, 1);
}

// ---- the operations ----------------------------------------------------------------

static uint pick_len(void) {
  switch (rn(16)) {
  case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8:
    return (1 + rn(4)) * PGSIZE;
  case 9: case 10: case 11:
    return 1 + rn(16 * PGSIZE);                  // not a page multiple
  case 12: case 13:
    return (1 + rn(64)) * PGSIZE;
  case 14:
    return (256 + rn(4096)) * PGSIZE;            // 1..17 MiB, lazily
  default:
    return 0x10000000;                           // 256 MiB, lazily
  }
}

static int pick_prot(void) {
  static const int prots[] = {
    PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ,
    PROT_NONE, PROT_WRITE, PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
  };
  return prots[rn(8)];
}

static void after_new_region(uint start) {
  int i = find_reg(start);
  int n = check_pmap();
  // Lazy allocation: a new mapping has no resident page.
  for (int k = 0; k < n; k++)
    if ((uint)pbuf[k].start == start && pbuf[k].resident != 0)
      fail("new mapping at 0x%x already has %d resident pages", start, pbuf[k].resident);
  if (i >= 0 && (reg[i].prot & PROT_READ) && rn(2)) {
    uint va = pick_page(i);
    if (page_ok(i, va))
      check_page(va);
  }
}

static void op_mmap(void) {
  opname = "mmap";
  uint len = pick_len();
  int prot = pick_prot();
  int shared = rn(4) == 0;
  int flags, fd = -1;
  switch (rn(8)) {
  case 0:                                        // the course's form
    flags = 0;
    shared = 0;
    break;
  case 1:                                        // anonymous because fd is -1
    flags = shared ? MAP_SHARED : MAP_PRIVATE;
    break;
  default:                                       // MAP_ANONYMOUS: fd is ignored
    flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
    if (rn(3) == 0)
      fd = (int)rn(20) - 2;
  }
  int eff = eprot(flags == 0 && prot == 0 ? PROT_READ | PROT_WRITE : prot);
  uint plen = PGROUNDUP(len);

  uint hint = 0;
  int hint_must = 0, hint_never = 0;
  switch (rn(8)) {
  case 4:
    if (plen < KERNBASE - MMAP_BASE) {
      hint = MMAP_BASE + rn((KERNBASE - MMAP_BASE - plen) / PGSIZE) * PGSIZE;
      hint_must = !overlaps(hint, hint + plen);
    }
    break;
  case 5:
    hint = MMAP_BASE + 1 + rn(0x1000000);        // unaligned: ignored
    if (hint % PGSIZE == 0)
      hint++;
    break;
  case 6:
    hint = PGSIZE;                               // our text: ignored
    hint_never = 1;
    break;
  case 7:
    hint = PGROUNDUP(heapsz);                    // the heap's room: ignored
    hint_never = 1;
    break;
  }
  int fits = gap_fits(plen);
  uint r = (uint)mmap((void *)hint, (int)len, prot, flags, fd, 0);
  // The course form (flags 0) fails with 0, the Linux form with MAP_FAILED.
  if (r == (flags == 0 ? 0 : (uint)MAP_FAILED)) {
    if (fits || hint_must)
      unexpected("mmap(0x%x, 0x%x, %d, 0x%x) failed with room free", hint, len, prot, flags);
    else
      expfail();
    return;
  }
  if (!fits && !hint_must)
    fail("mmap(0x%x, 0x%x) = 0x%x but the model has no room", hint, len, r);
  if (r % PGSIZE || r < PGROUNDUP(heapsz) || r >= KERNBASE || KERNBASE - r < plen)
    fail("mmap(0x%x, 0x%x) returned bad address 0x%x", hint, len, r);
  if (overlaps(r, r + plen))
    fail("mmap(0x%x, 0x%x) = 0x%x overlaps an existing mapping", hint, len, r);
  if (hint_must && r != hint)
    fail("mmap hint 0x%x (free) not honoured: got 0x%x", hint, r, 0);
  if (hint_never && r == hint)
    fail("mmap honoured hint 0x%x inside text or heap room", hint, 0, 0);
  struct mreg m = {r, r + plen, eff, shared, 0, 0, 0};
  reg_insert(&m);
  after_new_region(r);
}

static void op_mmap_bad(void) {
  opname = "mmap-invalid";
  int i = pick_reg(0);
  uint some = i >= 0 ? reg[i].start : MMAP_BASE;
  uint a = 0;
  int len = PGSIZE, prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
  int fd = -1, off = 0, closefd = -1;
  int c = rn(19);
  switch (c) {
  case 0: len = 0; break;
  case 1: len = -PGSIZE; break;
  case 2: len = (int)0x80000000; break;
  case 3: prot = 8; break;
  case 4: prot = (int)0xffffffff; break;
  case 5: flags |= 0x40; break;
  case 6: flags = MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x40; break;
  case 7: flags = MAP_ANONYMOUS; len = 0; break;                 // course form
  case 8: flags |= MAP_FIXED; a = some + 1 + rn(PGSIZE - 1); break;
  case 9: flags |= MAP_FIXED; a = KERNBASE + rn(0x10000) * PGSIZE; break;
  case 10: flags |= MAP_FIXED; a = rn(2) ? 0 : PGROUNDUP(heap0) - PGSIZE; break;
  case 11: flags |= MAP_FIXED; a = KERNBASE - PGSIZE; len = 2 * PGSIZE; break;
  case 12: off = -PGSIZE; break;
  case 13: off = 1 + rn(PGSIZE - 1); break;
  case 14: flags = MAP_PRIVATE; fd = 13; break;                 // not open
  case 15: flags = MAP_PRIVATE; fd = rn(2) ? 100 : -2; break;    // no such fd
  case 16:                                                     // not a regular file
    flags = MAP_PRIVATE;
    fd = rn(2) ? 0 : selfp[0];
    if (fd < 0)
      fd = 0;
    break;
  case 17:                                                     // a directory, or a
    flags = MAP_SHARED;                                        // read-only file
    fd = closefd = open(rn(2) ? "/" : fname, O_RDONLY);        // mapped writable
    if (fd < 0) {
      unexpected_file("open failed", 0, 0, 0);
      return;
    }
    break;
  default:                                                     // no room at all
    len = (int)(KERNBASE - MMAP_BASE + PGSIZE);
    if (rn(2))
      len = 0x7ffff000;
    break;
  }
  uint r = (uint)mmap((void *)a, len, prot, flags, fd, off);
  if (closefd >= 0)
    close(closefd);
  // Neither MAP_SHARED nor MAP_PRIVATE is the course form: it fails with 0.
  uint failed = (flags & MAP_SHARED_VALIDATE) ? (uint)MAP_FAILED : 0;
  if (r != failed)
    fail("invalid mmap (case %d: addr 0x%x len 0x%x) succeeded: 0x%x", c, a, len, r);
  expfail();
  if (rn(4) == 0)
    check_pmap();
}

static void op_fixed(void) {
  opname = "mmap-fixed";
  uint npg = 1 + rn(8);
  uint plen = npg * PGSIZE;
  uint len = rn(4) ? plen : plen - rn(PGSIZE);
  uint t;
  int i = pick_reg(0);
  switch (rn(5)) {
  case 0:
  case 1:
    // Over an existing mapping: often strictly inside it, which makes the
    // kernel split it in three.
    if (i >= 0) {
      uint n = npages(i);
      if (n > npg + 1 && rn(2))
        t = reg[i].start + (1 + rn(n - npg - 1)) * PGSIZE;
      else
        t = reg[i].start + rn(n) * PGSIZE;
      if (rn(4) == 0 && t >= PGSIZE)
        t -= PGSIZE;
      break;
    }
    // fall through
  case 2:
    t = PGROUNDUP(heapsz) + rn(4) * PGSIZE;
    break;
  case 3:
    t = MMAP_BASE + rn((KERNBASE - MMAP_BASE) / PGSIZE - npg) * PGSIZE;
    break;
  default:
    t = KERNBASE - plen;
  }
  if (t < PGROUNDUP(heapsz) || t >= KERNBASE || KERNBASE - t < plen ||
      hits_foreign(t, t + plen))
    return;
  int noreplace = rn(5) == 0;
  int shared = rn(4) == 0;
  int prot = pick_prot();
  int flags = (noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED) |
              (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
  int ov = overlaps(t, t + plen);
  uint r = (uint)mmap((void *)t, (int)len, prot, flags, -1, 0);
  if (noreplace && ov) {
    if (r != (uint)MAP_FAILED)
      fail("MAP_FIXED_NOREPLACE over a mapping at 0x%x succeeded", t, 0, 0);
    expfail();
    check_pmap();
    return;
  }
  if (r == (uint)MAP_FAILED) {
    unexpected("mmap(0x%x, 0x%x, MAP_FIXED 0x%x) failed", t, len, flags);
    check_pmap();
    return;
  }
  if (r != t)
    fail("MAP_FIXED at 0x%x returned 0x%x", t, r, 0);
  model_unmap(t, t + plen);
  struct mreg m = {t, t + plen, eprot(prot), shared, 0, 0, 0};
  reg_insert(&m);
  after_new_region(t);
}

static void op_file(void) {
  opname = "mmap-file";
  int nfile = 0;
  for (int i = 0; i < nreg; i++)
    nfile += reg[i].file && !reg[i].foreign;
  if (fsize == 0 || nfile >= 4)
    return;
  int fd = open(fname, O_RDONLY);
  if (fd < 0) {
    unexpected_file("open(%s) failed", (int)fname, 0, 0);
    return;
  }
  uint fpages = (fsize + PGSIZE - 1) / PGSIZE;
  uint off = rn(2) ? 0 : rn(fpages) * PGSIZE;
  uint npg = 1 + rn(fpages - off / PGSIZE + 1);  // sometimes a page past the end
  uint plen = npg * PGSIZE;
  uint len = rn(3) ? plen : plen - rn(PGSIZE);
  int shared = rn(3) == 0;
  int prot = shared || rn(2) ? PROT_READ : PROT_READ | PROT_WRITE;
  int fits = gap_fits(plen);
  uint r = (uint)mmap(0, (int)len, prot, shared ? MAP_SHARED : MAP_PRIVATE, fd, (int)off);
  close(fd);              // the mapping keeps its own reference
  if (r == (uint)MAP_FAILED) {
    if (fits)
      unexpected("file mmap(len 0x%x, off 0x%x) failed", len, off, 0);
    else
      expfail();
    return;
  }
  if (!fits || r % PGSIZE || r < PGROUNDUP(heapsz) || overlaps(r, r + plen))
    fail("file mmap(len 0x%x) returned 0x%x", len, r, 0);
  struct mreg m = {r, r + plen, prot, shared, 1, off, 0};
  reg_insert(&m);
  after_new_region(r);
  int i = find_reg(r);
  uint va = pick_page(i);
  if (page_ok(i, va))
    check_page(va);
  else if (rn(2))
    death(va, 0, "file page past end of file");
}

// A range [*s, *e) of whole pages inside non-foreign regions, possibly
// spanning several regions (and the holes between them if holes is set).
static int pick_range(uint *s, uint *e, int holes) {
  int i = pick_reg(0);
  if (i < 0)
    return -1;
  uint n = npages(i);
  // Near the model's capacity, only whole regions (no splits).
  switch (nreg > MAXREG - 4 ? 0 : rn(5)) {
  case 0:
    *s = reg[i].start;
    *e = reg[i].end;
    break;
  case 1:
    *s = reg[i].start;
    *e = *s + (1 + rn(n)) * PGSIZE;
    break;
  case 2:
    *e = reg[i].end;
    *s = *e - (1 + rn(n)) * PGSIZE;
    break;
  case 3: {
    uint a = rn(n), b = rn(n);
    if (a > b) { uint t = a; a = b; b = t; }
    *s = reg[i].start + a * PGSIZE;
    *e = reg[i].start + (b + 1) * PGSIZE;
    break;
  }
  default: {
    // From inside region i to the end of a later region.
    int j = i + 1 + rn(3);
    *s = reg[i].start + rn(n) * PGSIZE;
    *e = reg[i].end;
    for (int k = i + 1; k <= j && k < nreg; k++) {
      if (!holes && reg[k].start != *e)
        break;
      if (reg[k].foreign)
        break;
      *e = reg[k].end;
    }
  }
  }
  if (hits_foreign(*s, *e))
    return -1;
  return 0;
}

static void op_munmap(void) {
  opname = "munmap";
  uint s, e;
  if (pick_range(&s, &e, 1) < 0)
    return;
  uint len = e - s;
  if (rn(4) == 0)
    len -= rn(PGSIZE);     // the kernel rounds the length up
  int r = munmap((void *)s, len);
  if (r != 0) {
    unexpected("munmap(0x%x, 0x%x) = %d", s, len, r);
    check_pmap();
    return;
  }
  model_unmap(s, e);
  check_pmap();
  if (rn(3) == 0 && !overlaps(s, s + PGSIZE))
    death(s + rn((e - s) / PGSIZE) * PGSIZE, rn(2), "unmapped page");
}

static void op_munmap_bad(void) {
  opname = "munmap-odd";
  int i = pick_reg(0);
  uint some = i >= 0 ? reg[i].start : MMAP_BASE;
  uint a, len = PGSIZE;
  int want = -1;
  int c = rn(9);
  switch (c) {
  case 0: a = some + 1 + rn(PGSIZE - 1); break;                 // unaligned
  case 1: a = some; len = 0; break;                              // empty
  case 2: a = KERNBASE + rn(0x1000) * PGSIZE; break;            // kernel
  case 3: a = KERNBASE - PGSIZE; len = 2 * PGSIZE; break;       // into the kernel
  case 4: a = MMAP_BASE; len = 0xFFFFF000; break;               // past the end
  case 5: a = some; len = (uint)-PGSIZE; break;                  // negative
  case 6:                                                       // nothing there
    a = free_page();
    want = 0;
    if (a == 0)
      return;
    break;
  case 7:                                                       // text, not a region
    a = 0;
    len = PGSIZE * (1 + rn(2));
    want = 0;
    break;
  default:                                                      // heap or stack
    a = rn(2) || heap_page_count() == 0 ? stackpg : PGROUNDUP(heap0);
    want = 0;
  }
  int r = munmap((void *)a, len);
  if (r != want)
    fail("munmap(0x%x, 0x%x) (case %d) = %d", a, len, c, r);
  if (want < 0)
    expfail();
  check_pmap();
  if (want == 0)
    verify_all();       // the heap, if that was it, is still there
}

static void op_mprotect(void) {
  opname = "mprotect";
  uint s, e;
  int prot = pick_prot();
  int bad = rn(4) == 0;
  if (bad) {
    int i = pick_reg(0);
    uint some = i >= 0 ? reg[i].start : MMAP_BASE;
    uint a = some, len = PGSIZE;
    int c = rn(6);
    switch (c) {
    case 0: a = some + 1; break;
    case 1: len = 0; break;
    case 2: a = KERNBASE; break;
    case 3: prot = 8 << rn(4); break;
    case 4: a = 0; break;                                       // text, not a region
    default:                                                    // a hole
      a = free_page();
      if (a == 0)
        return;
      len = PGSIZE * (1 + rn(3));
      if (i >= 0 && reg[i].end + PGSIZE < KERNBASE && !overlaps(reg[i].end, reg[i].end + PGSIZE)) {
        a = reg[i].end - PGSIZE;
        len = 2 * PGSIZE;
      }
    }
    int r = mprotect((void *)a, len, prot);
    if (r != -1)
      fail("mprotect(0x%x, 0x%x, %d) (case %d) did not fail", a, len, prot, c);
    expfail();
    check_pmap();
    return;
  }
  if (nreg > MAXREG - 3 || pick_range(&s, &e, 0) < 0)
    return;
  if (!fully_mapped(s, e))
    return;
  int eff = eprot(prot);
  int refuse = 0;
  for (int i = 0; i < nreg; i++)
    if (reg[i].start < e && s < reg[i].end && reg[i].file && reg[i].shared && (eff & PROT_WRITE))
      refuse = 1;
  int r = mprotect((void *)s, e - s, prot);
  if (refuse) {
    if (r != -1)
      fail("mprotect writable of a read-only shared file mapping at 0x%x succeeded", s, 0, 0);
    expfail();
    check_pmap();
    return;
  }
  if (r != 0) {
    unexpected("mprotect(0x%x, 0x%x, %d) failed", s, e - s, prot);
    check_pmap();
    return;
  }
  split_at(s);
  split_at(e);
  for (int i = 0; i < nreg; i++)
    if (reg[i].start >= s && reg[i].end <= e)
      reg[i].prot = eff;
  check_pmap();
  uint va = s + rn((e - s) / PGSIZE) * PGSIZE;
  int i = find_reg(va);
  if (!page_ok(i, va))
    return;
  if (eff == PROT_NONE) {
    if (rn(2))
      death(va, rn(2), "PROT_NONE page");
  } else if (!(eff & PROT_WRITE)) {
    if (rn(2))
      death(va, 1, "read-only page");
    else
      check_page(va);
  } else {
    if (rn(2))
      write_page(va);
    else
      check_page(va);
  }
}

static void op_msync(void) {
  opname = "msync";
  uint s, e;
  if (rn(3) == 0) {
    int i = pick_reg(0);
    uint a = i >= 0 ? reg[i].start : MMAP_BASE, len = PGSIZE;
    int flags = 0;
    switch (rn(4)) {
    case 0: a += 1; break;
    case 1: flags = MS_ASYNC | MS_SYNC; break;
    case 2: flags = 8; break;
    default:
      a = free_page();
      if (a == 0)
        return;
    }
    if (msync((void *)a, len, flags) != -1)
      fail("msync(0x%x, 0x%x, %d) did not fail", a, len, flags);
    expfail();
    return;
  }
  if (pick_range(&s, &e, 0) < 0 || !fully_mapped(s, e))
    return;
  static const int fl[] = {0, MS_SYNC, MS_ASYNC, MS_INVALIDATE, MS_SYNC | MS_INVALIDATE};
  int r = rn(4) ? msync((void *)s, e - s, fl[rn(5)]) : msync((void *)s, e - s);
  if (r != 0)
    unexpected("msync(0x%x, 0x%x) = %d", s, e - s, r);
}

static void op_write(void) {
  opname = "write-page";
  // Sometimes a heap page.
  if (rn(6) == 0 && heap_page_count() > 0) {
    uint va = PGROUNDUP(heap0) + rn(heap_page_count()) * PGSIZE;
    if (wp_find(va) >= 0 || nw < MAXW) {
      fill_page(va, rnd() | 1);
      check_page(va);
    }
    return;
  }
  int i = pick_reg(PROT_WRITE);
  if (i < 0)
    return;
  uint va = pick_page(i);
  if (!page_ok(i, va))
    return;
  write_page(va);
}

static void op_read(void) {
  opname = "read-page";
  if (rn(4) == 0 && nw > 0) {
    uint va = wp[rn(nw)].va;
    int i = find_reg(va);
    if (i < 0 || (reg[i].prot & PROT_READ))
      check_page(va);
    return;
  }
  int i = pick_reg(PROT_READ);
  if (i < 0)
    return;
  uint va = pick_page(i);
  if (page_ok(i, va))
    check_page(va);
}

static void op_sbrk(void) {
  opname = "sbrk";
  uint old = heapsz;
  int c = rn(8);
  if (c == 0) {                                   // hostile sizes
    int n;
    switch (rn(3)) {
    case 0: n = 0x7fffffff; break;
    case 1: n = (int)(KERNBASE - heapsz); break;
    default: n = -(int)(heapsz + PGSIZE); break;
    }
    if ((int)sbrk(n) != -1)
      fail("sbrk(0x%x) succeeded", n, 0, 0);
    expfail();
    if ((uint)sbrk(0) != old)
      fail("failed sbrk moved the heap end from 0x%x to 0x%x", old, (uint)sbrk(0), 0);
    return;
  }
  if (c < 5 && heapsz - heap0 < HEAP_MAX) {       // grow
    int n = rn(2) ? (int)((1 + rn(4)) * PGSIZE) : (int)(1 + rn(3 * PGSIZE));
    int collide = overlaps(PGROUNDDOWN(heapsz), PGROUNDUP(heapsz + n));
    int r = (int)sbrk(n);
    if (collide) {
      if (r != -1)
        fail("sbrk(%d) grew the heap into a mapping (end 0x%x)", n, old, 0);
      expfail();
      return;
    }
    if (r == -1) {
      unexpected("sbrk(%d) failed with room free", n, 0, 0);
      return;
    }
    if ((uint)r != old)
      fail("sbrk(%d) returned 0x%x, heap end was 0x%x", n, r, old);
    heapsz = old + n;
    // Fresh heap pages read zero.
    for (uint va = PGROUNDUP(old); va + PGSIZE <= heapsz; va += PGSIZE)
      for (int k = 0; k < 3; k++)
        if (*(volatile uint *)(va + spot_off[k]) != 0)
          fail("new heap page 0x%x is not zero", va, 0, 0);
    if (heap_page_count() > 0 && rn(2))
      op_write();
    return;
  }
  // Shrink, never below where we started.
  if (heapsz == heap0)
    return;
  int n = rn(2) ? (int)(heapsz - heap0) : (int)rn(heapsz - heap0 + 1);
  int r = (int)sbrk(-n);
  if ((uint)r != old)
    fail("sbrk(-%d) returned 0x%x, heap end was 0x%x", n, r, old);
  heapsz = old - n;
  wp_drop(heapsz & ~(PGSIZE - 1), PGROUNDUP(old));
  uint gone = PGROUNDUP(heapsz);
  if (gone < PGROUNDUP(old) && !overlaps(gone, gone + PGSIZE) && rn(2))
    death(gone, rn(2), "page above the shrunk heap");
}

static void op_fork(void) {
  opname = "fork+exit";
  if (role != ROLE_WORKER)
    return;
  // Choose, before forking, what the child will change.
  int priv = -1, shw = -1;
  for (int k = 0; k < 4 && nw > 0; k++) {
    int w = rn(nw);
    int i = find_reg(wp[w].va);
    if (i < 0 || reg[i].foreign || !(reg[i].prot & PROT_WRITE))
      continue;
    if (reg[i].shared && !reg[i].file)
      shw = w;
    else
      priv = w;
  }
  uint newpriv = rnd() | 1, newshared = rnd() | 1;
  SLOT->childdone = 0;
  SLOT->childval = 0;
  int pid = fork();
  if (pid < 0) {
    unexpected("fork failed", 0, 0, 0);
    return;
  }
  if (pid == 0) {
    role = ROLE_CHILD;
    opname = "fork child";
    new_selfpipe();
    verify_all();                        // inherited contents
    if (nkb > 0 && kmfree((void *)kb[rn(nkb)].addr) != -1)
      fail("child freed its parent's kmalloc block", 0, 0, 0);
    if (priv >= 0 && prep(wp[priv].va, 1) == 0)
      fill_page(wp[priv].va, newpriv);   // copy-on-write: the parent keeps its copy
    if (shw >= 0 && prep(wp[shw].va, 1) == 0) {
      fill_page(wp[shw].va, newshared);  // shared: the parent sees it
      SLOT->childval = newshared;
    }
    verify_all();
    if (rn(2) && kmalloc(1 + rn(4096)) == 0 && !armed)
      fail("kmalloc in child failed", 0, 0, 0);   // exit frees it
    SLOT->childdone = 1;
    exit();
  }
  count(&SLOT->forks, 1);
  reap(pid);
  if (!SLOT->childdone)
    unexpected("fork child %d did not finish", pid, 0, 0);
  if (shw >= 0) {
    uint got = *(volatile uint *)wp[shw].va;
    if (got == newshared)
      wp[shw].val = newshared;
    else if (SLOT->childval == newshared)
      fail("shared page 0x%x: child wrote 0x%x, parent reads 0x%x", wp[shw].va, newshared, got);
  }
  verify_all();                          // private pages unchanged
}

static void do_op(void);

// A victim: runs random operations until its worker kills it.
static void victim_main(void) {
  role = ROLE_VICTIM;
  new_selfpipe();
  // Shared regions are shared with the worker: hands off their contents.
  for (int i = 0; i < nreg; i++)
    if (reg[i].shared && !reg[i].file)
      reg[i].foreign = 1;
  for (int i = 0; i < nw;) {
    int r = find_reg(wp[i].va);
    if (r >= 0 && reg[r].foreign)
      wp[i] = wp[--nw];
    else
      i++;
  }
  // The worker's kmalloc blocks are not ours.
  for (int i = 0; i < nkb; i++)
    if (kmfree((void *)kb[i].addr) != -1)
      fail("victim freed its worker's kmalloc block 0x%x", kb[i].addr, 0, 0);
  nkb = 0;
  nvict = 0;
  ndead = 0;
  for (;;) {
    if (sh->failed || uptime() > deadline + 1000)
      exit();
    opno++;
    do_op();
    count(&SLOT->ops, 1);
    if (rn(16) == 0)
      sleep(1);
  }
}

static void op_victim(void) {
  opname = "kill";
  if (role != ROLE_WORKER)
    return;
  if (ndead > 0 && rn(3) == 0) {
    int pid = deadpid[rn(ndead)];
    if (kill(pid) != -1)
      fail("kill(%d) of a reaped child did not fail", pid, 0, 0);
    expfail();
    return;
  }
  if (nvict > 0 && (nvict == MAXVICT || rn(2))) {
    int k = rn(nvict);
    int pid = vict[k];
    if (kill(pid) != 0)
      fail("kill(%d) of a live child failed", pid, 0, 0);
    vict[k] = vict[--nvict];
    reap(pid);
    count(&SLOT->killed, 1);
    count(&SLOT->victims, 1);
    if (ndead < 8)
      deadpid[ndead++] = pid;
    return;
  }
  if (nvict == MAXVICT)
    return;
  uint vseed = rnd();
  int pid = fork();
  if (pid < 0) {
    unexpected("fork of a victim failed", 0, 0, 0);
    return;
  }
  if (pid == 0) {
    reseed(vseed, 99);
    victim_main();
  }
  count(&SLOT->forks, 1);
  vict[nvict++] = pid;
  if (rn(4) == 0)
    op_victim();         // sometimes kill it at once
}

// Data through read/write/pipe/fstat into mapped buffers.
static void op_io(void) {
  opname = "io";
  // A never-written writable anonymous page: it reads zero.
  uint dst = 0;
  for (int k = 0; k < 6 && !dst; k++) {
    int i = pick_reg(PROT_READ | PROT_WRITE);
    if (i < 0 || reg[i].file)
      continue;
    uint va = pick_page(i);
    if (wp_find(va) < 0)
      dst = va;
  }
  if (!dst || nw == MAXW)
    return;
  int p[2];
  int *fds = p;
  if (rn(2))
    fds = (int *)dst;                 // the fd array itself in the fresh page
  if (pipe(fds) != 0) {
    unexpected_file("pipe(0x%x) failed", (int)fds, 0, 0);
    return;
  }
  p[0] = fds[0];
  p[1] = fds[1];
  if (p[0] < 0 || p[0] >= NOFILE || p[1] < 0 || p[1] >= NOFILE || p[0] == p[1])
    fail("pipe returned fds %d %d", p[0], p[1], 0);

  // Source: a written page if we have one (or the data file's copy).
  uint src = nw > 0 ? wp[rn(nw)].va : (uint)fdata;
  int si = find_reg(src);
  if (si >= 0 && (reg[si].foreign || !(reg[si].prot & PROT_READ)))
    src = (uint)fdata;
  else if (src != (uint)fdata && prep(src, 0) < 0)
    src = (uint)fdata;
  uint n = 64 + rn(200);
  int w = write(p[1], (char *)src, n);
  int r = w == (int)n ? read(p[0], (char *)dst + 8, n) : -1;
  if (w != (int)n || r != (int)n) {
    // (Only with faults armed.) Bytes may be left in the pipe: stop here.
    unexpected("write(pipe, 0x%x, %d) = %d, read back %d", src, n, w, r);
    close(p[0]);
    close(p[1]);
    return;
  }
  for (uint b = 0; b < n; b++)
    if (((char *)dst)[8 + b] != ((char *)src)[b])
      fail("pipe copy 0x%x -> 0x%x differs at byte %d", src, dst + 8, b);
  // Buffers the kernel must refuse: all -1, no kill, nothing consumed.
  int ro = pick_reg(PROT_READ), none = -1;
  for (int i = 0; i < nreg; i++)
    if (!reg[i].foreign && reg[i].prot == PROT_NONE)
      none = i;
  if (ro >= 0 && !(reg[ro].prot & PROT_WRITE)) {
    uint va = pick_page(ro);
    if (page_ok(ro, va) && write(p[1], "x", 1) == 1) {
      if (read(p[0], (char *)va, 1) != -1)
        fail("read() into read-only page 0x%x succeeded", va, 0, 0);
      expfail();
      char c;
      read(p[0], &c, 1);
    }
    // Reading from it is fine (zero or file data).
    if (page_ok(ro, va) && prep(va, 0) == 0) {
      int r = write(p[1], (char *)va, 16);
      char tmp[16];
      if (r == 16 && read(p[0], tmp, 16) == 16) {
        for (int b = 0; b < 16; b++)
          if (tmp[b] != ((char *)va)[b])
            fail("write() from read-only page 0x%x copied wrong data", va, 0, 0);
      } else if (r != 16) {
        unexpected("write() from read-only page 0x%x = %d", va, r, 0);
      }
    }
  }
  if (none >= 0) {
    if (write(p[1], (char *)reg[none].start, 8) != -1)
      fail("write() from PROT_NONE page 0x%x succeeded", reg[none].start, 0, 0);
    expfail();
  }
  uint gap = free_page();
  if (gap) {
    if (write(p[1], (char *)gap, 8) != -1)
      fail("write() from unmapped 0x%x succeeded", gap, 0, 0);
    expfail();
  }
  if (read(p[0], (char *)(KERNBASE + rn(0x100000)), 8) != -1)
    fail("read() into a kernel address succeeded", 0, 0, 0);
  expfail();
  if (guardpg) {
    if (write(p[1], (char *)guardpg + 100, 8) != -1)
      fail("write() from the stack guard page succeeded", 0, 0, 0);
    expfail();
  }
  // A buffer running off the end of a region into a hole.
  int i = pick_reg(PROT_READ);
  if (i >= 0 && reg[i].end < KERNBASE && !overlaps(reg[i].end, reg[i].end + PGSIZE) &&
      page_ok(i, reg[i].end - PGSIZE)) {
    if (write(p[1], (char *)reg[i].end - 8, 16) != -1)
      fail("write() from a buffer running off 0x%x succeeded", reg[i].end, 0, 0);
    expfail();
  }
  close(p[0]);
  close(p[1]);

  // The data file read straight into a mapping, and fstat into one.
  if (fsize > 0 && rn(2)) {
    int fd = open(fname, O_RDONLY);
    if (fd < 0) {
      unexpected_file("open(%s) failed", (int)fname, 0, 0);
    } else {
      uint want = fsize < 1024 ? fsize : 1024;
      int r = read(fd, (char *)dst + 1024, 1024);
      if (r != (int)want)
        unexpected("read(file, 0x%x) = %d", dst + 1024, r, 0);
      else
        for (uint b = 0; b < want; b++)
          if (((char *)dst)[1024 + b] != fdata[b])
            fail("read(file) into mapped 0x%x differs at byte %d", dst + 1024, b, 0);
      struct stat *st = (struct stat *)(dst + 3072);
      if (fstat(fd, st) != 0)
        unexpected("fstat into mapped 0x%x failed", (int)st, 0, 0);
      else if (st->size != fsize || st->type != T_FILE)
        fail("fstat into a mapping: size %d type %d", st->size, st->type, 0);
      close(fd);
    }
  }
  // The page now holds data we do not model word by word: give it a
  // pattern of ours.
  if (prep(dst, 1) == 0)
    fill_page(dst, rnd() | 1);
  else
    unexpected("faulting in 0x%x failed", dst, 0, 0);
}

static uint pow2ceil(uint n) {
  uint p = 1;
  while (p < n)
    p <<= 1;
  return p;
}

static void km_remember_freed(uint a) {
  if (nfreed < NFREED)
    freed[nfreed++] = a;
  else
    freed[rn(NFREED)] = a;
}

static int km_held(uint a) {
  for (int i = 0; i < nkb; i++)
    if (kb[i].addr == a)
      return 1;
  return 0;
}

static void op_km(void) {
  opname = "kmalloc";
  int c = rn(10);
  if (c < 4 && nkb < MAXKB) {
    int n = rn(4) ? 1 + rn(256) : 1 + rn(4096);
    uint a = (uint)kmalloc(n);
    if (a == 0) {
      unexpected("kmalloc(%d) failed", n, 0, 0);
      return;
    }
    if (a < KERNBASE || a % pow2ceil(n) != 0 || km_held(a))
      fail("kmalloc(%d) returned 0x%x", n, a, 0);
    kb[nkb].addr = a;
    kb[nkb].n = n;
    nkb++;
    for (int i = 0; i < nfreed; i++)
      if (freed[i] == a)
        freed[i] = freed[--nfreed];
    if (rn(8) == 0)
      death(a, rn(2), "kmalloc block (kernel memory)");
    return;
  }
  if (c < 7 && nkb > 0) {
    int k = rn(nkb);
    uint a = kb[k].addr;
    int r = kmfree((void *)a);
    if (r != 0)
      fail("kmfree(0x%x) of our block = %d", a, r, 0);
    kb[k] = kb[--nkb];
    km_remember_freed(a);
    if (rn(2)) {
      if (kmfree((void *)a) != -1)
        fail("double kmfree(0x%x) did not fail", a, 0, 0);
      expfail();
    }
    return;
  }
  uint a;
  int want = -1;
  switch (rn(8)) {
  case 0: a = 0; want = 0; break;
  case 1:                                          // a size kmalloc refuses
    a = (uint)kmalloc(rn(2) ? 0 : rn(2) ? 4097 + rn(100000) : -1 - (int)rn(5));
    if (a != 0)
      fail("kmalloc of a bad size returned 0x%x", a, 0, 0);
    expfail();
    return;
  case 2:                                          // inside one of our blocks
    if (nkb == 0 || pow2ceil(kb[0].n) < 2)
      return;
    a = kb[0].addr + 1 + rn(pow2ceil(kb[0].n) - 1);
    break;
  case 3:
    if (nfreed == 0)
      return;
    a = freed[rn(nfreed)];
    break;
  case 4: a = KERNBASE + rn(0x100000) * 16; break;
  case 5: a = 0xFFFFFFF0 - rn(0x1000) * 16; break;
  case 6: a = (uint)&c; break;
  default: a = (uint)fdata + 16 * rn(64); break;
  }
  if (want == -1 && km_held(a))
    return;
  int r = kmfree((void *)a);
  if (r != want)
    fail("kmfree(0x%x) = %d, expected %d", a, r, want);
  if (want == -1)
    expfail();
}

static void op_death(void) {
  opname = "touch-kill";
  uint a;
  int w = rn(2);
  const char *what;
  switch (rn(6)) {
  case 0:
    a = free_page();
    what = "unmapped page";
    if (!a)
      return;
    break;
  case 1:
    a = KERNBASE + rn(0x1000000);
    what = "kernel address";
    break;
  case 2:
    a = guardpg;
    what = "stack guard page";
    if (!a)
      return;
    break;
  case 3: {
    int i = -1;
    for (int k = 0; k < nreg; k++)
      if (!reg[k].foreign && reg[k].prot == PROT_NONE)
        i = k;
    if (i < 0)
      return;
    a = pick_page(i);
    what = "PROT_NONE page";
    break;
  }
  case 4: {
    int i = pick_reg(PROT_READ);
    if (i < 0 || (reg[i].prot & PROT_WRITE))
      return;
    a = pick_page(i);
    if (!page_ok(i, a))
      return;
    w = 1;
    what = "read-only page";
    break;
  }
  default:
    a = PGROUNDUP(heapsz);
    what = "page above the heap";
    if (overlaps(a, a + PGSIZE))
      return;
  }
  death(a & ~3, w, what);
}

// ---- the kernel's view ---------------------------------------------------------------

static int check_pmap(void) {
  int n = pmap(0, pbuf, PMAP_MAX);
  if (n < 0) {
    unexpected("pmap failed", 0, 0, 0);
    return -1;
  }
  count(&SLOT->pmaps, 1);
  if (n != nreg)
    fail("pmap lists %d regions, the model has %d", n, nreg, 0);
  for (int i = 0; i < n; i++) {
    struct pmap_entry *e = &pbuf[i];
    struct mreg *r = &reg[i];
    int flags = (r->shared ? MAP_SHARED : MAP_PRIVATE) | (r->file ? 0 : MAP_ANONYMOUS);
    if (e->start != r->start || e->end != r->end)
      fail("region %d: pmap [0x%x, 0x%x), model [0x%x, ...)", i, e->start, e->end, r->start);
    if (e->prot != r->prot || e->flags != flags || e->fd_backed != r->file)
      fail("region 0x%x: pmap prot %d flags 0x%x, model prot %d", r->start, e->prot, e->flags,
           r->prot);
    if (r->file && e->offset != r->foff)
      fail("region 0x%x: pmap offset 0x%x, model 0x%x", r->start, e->offset, r->foff);
    if (e->resident > npages(i))
      fail("region 0x%x: %d resident pages of %d", r->start, e->resident, npages(i));
  }
  return n;
}

// ---- the worker --------------------------------------------------------------------

enum { OP_MMAP, OP_MMAP_BAD, OP_FIXED, OP_FILE, OP_MUNMAP, OP_MUNMAP_BAD, OP_MPROTECT,
       OP_MSYNC, OP_WRITE, OP_READ, OP_SBRK, OP_FORK, OP_VICTIM, OP_IO, OP_KM, OP_DEATH, OP_N };

static const uchar weight[OP_N] = {
  [OP_MMAP] = 14, [OP_MMAP_BAD] = 8, [OP_FIXED] = 7, [OP_FILE] = 4, [OP_MUNMAP] = 10,
  [OP_MUNMAP_BAD] = 4, [OP_MPROTECT] = 8, [OP_MSYNC] = 3, [OP_WRITE] = 12, [OP_READ] = 8,
  [OP_SBRK] = 5, [OP_FORK] = 2, [OP_VICTIM] = 3, [OP_IO] = 5, [OP_KM] = 8, [OP_DEATH] = 3,
};

static void do_op(void) {
  uint total = 0;
  for (int i = 0; i < OP_N; i++)
    total += weight[i];
  uint x = rn(total);
  int op = 0;
  while (x >= weight[op])
    x -= weight[op++];
  // Keep room in the model for the splits an operation may make.
  if (nreg > MAXREG - 4 && (op == OP_MMAP || op == OP_FIXED || op == OP_FILE ||
                            op == OP_MPROTECT))
    op = OP_MUNMAP;
  switch (op) {
  case OP_MMAP: op_mmap(); break;
  case OP_MMAP_BAD: op_mmap_bad(); break;
  case OP_FIXED: op_fixed(); break;
  case OP_FILE: op_file(); break;
  case OP_MUNMAP: op_munmap(); break;
  case OP_MUNMAP_BAD: op_munmap_bad(); break;
  case OP_MPROTECT: op_mprotect(); break;
  case OP_MSYNC: op_msync(); break;
  case OP_WRITE: op_write(); break;
  case OP_READ: op_read(); break;
  case OP_SBRK: op_sbrk(); break;
  case OP_FORK: op_fork(); break;
  case OP_VICTIM: op_victim(); break;
  case OP_IO: op_io(); break;
  case OP_KM: op_km(); break;
  default: op_death(); break;
  }
}

static void worker(int index) {
  role = ROLE_WORKER;
  me = index;
  reseed(seed0, index);
  new_selfpipe();
  heap0 = heapsz = (uint)sbrk(0);
  // exec put one stack page at the top of the image and a guard page
  // below it; check that our stack is where we think.
  uint here = (uint)&index;
  stackpg = heap0 - PGSIZE;
  guardpg = heap0 - 2 * PGSIZE;
  if (here < stackpg || here >= heap0)
    stackpg = guardpg = 0;
  if (stackpg == 0)
    stackpg = PGROUNDDOWN(here);

  // The regions we start with (the shared page of the run) are not ours.
  int n = -1;
  for (int t = 0; t < 20 && n < 0; t++)
    n = pmap(0, pbuf, PMAP_MAX);
  if (n < 0 || n > MAXREG)
    fail("pmap at start = %d", n, 0, 0);
  for (int i = 0; i < n; i++) {
    struct mreg m = {pbuf[i].start, pbuf[i].end, pbuf[i].prot,
                     (pbuf[i].flags & MAP_SHARED) != 0, pbuf[i].fd_backed, pbuf[i].offset, 1};
    reg_insert(&m);
  }

  for (opno = 1; opno <= iters; opno++) {
    if (sh->failed || (tlimit && uptime() >= deadline))
      break;
    do_op();
    count(&SLOT->ops, 1);
    if (opno % 32 == 0) {
      opname = "verify";
      verify_all();
      check_pmap();
    }
  }
  opname = "finish";
  kill_victims();
  reap_all();
  if (sh->failed)
    exit();
  verify_all();
  check_pmap();
  // Leave some things for exit() to clean up, release others by hand.
  if (rn(2)) {
    for (int i = nreg - 1; i >= 0; i--) {
      if (reg[i].foreign)
        continue;
      uint s = reg[i].start, e = reg[i].end;
      if (munmap((void *)s, e - s) != 0)
        unexpected("final munmap(0x%x) failed", s, 0, 0);
      else
        model_unmap(s, e);
    }
    check_pmap();
  }
  if (rn(2))
    while (nkb > 0)
      if (kmfree((void *)kb[--nkb].addr) != 0)
        fail("final kmfree(0x%x) failed", kb[nkb].addr, 0, 0);
  if (rn(2) && heapsz > heap0) {
    sbrk(-(int)(heapsz - heap0));
    heapsz = heap0;
  }
  SLOT->done = 1;
  exit();
}

// ---- the parent ----------------------------------------------------------------------

static int atoi_any(const char *s) {
  return atoi(s);
}

static void usage(void) {
  printf(2, "usage: mmfuzz [-s seed] [-n iterations] [-p procs] [-t ticks]\n");
  exit();
}

static void load_data_file(char *argv0) {
  // Our own binary: read-only, several pages, and its bytes are known
  // once read.
  const char *names[] = {argv0, "mmfuzz", "/mmfuzz"};
  for (int k = 0; k < 3; k++) {
    int fd = open(names[k], O_RDONLY);
    if (fd < 0)
      continue;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.type == T_FILE && st.size > 0) {
      int n = read(fd, fdata, sizeof(fdata));
      if (n > 0) {
        fsize = st.size;
        flen = n;
        strcpy(fname, names[k]);
        close(fd);
        return;
      }
    }
    close(fd);
  }
  fsize = 0;
}

int main(int argc, char *argv[]) {
  int seeded = 0;
  for (int i = 1; i < argc; i += 2) {
    if (argv[i][0] != '-' || argv[i][1] == 0 || argv[i][2] != 0 || i + 1 >= argc)
      usage();
    int v = atoi_any(argv[i + 1]);
    switch (argv[i][1]) {
    case 's': seed0 = v; seeded = 1; break;
    case 'n': iters = v; break;
    case 'p': nprocs = v; break;
    case 't': tlimit = v; break;
    default: usage();
    }
  }
  if (!seeded)
    seed0 = uptime() * 7919 + getpid();
  if (nprocs < 1 || nprocs > MAXPROCS || iters < 0 || tlimit < 0)
    usage();
  struct faultstat fs0, fs1;
  faultstat(&fs0);
  armed = fs0.armed;
  printf(1, "mmfuzz: seed %d, %d iterations x %d processes, %d ticks limit%s\n", seed0, iters,
         nprocs, tlimit, armed ? ", fault injection armed" : "");

  load_data_file(argv[0]);

  // The page shared by everyone: counters and the first failure. Retried,
  // because with faults armed any allocation may fail.
  void *page = MAP_FAILED;
  for (int t = 0; t < 50 && page == MAP_FAILED; t++)
    page = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    printf(1, "mmfuzz: FAIL seed %d: cannot map the shared page\n", seed0);
    exit();
  }
  // Fault it in by system call (memstat writes into it), so that a failed
  // allocation is a -1 here rather than a kill.
  int t = 0;
  while (memstat((struct memstat *)page) < 0 && ++t < 50)
    ;
  if (t == 50) {
    printf(1, "mmfuzz: FAIL seed %d: cannot fault the shared page in\n", seed0);
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
      if (armed) {
        sh->slot[i].done = 1;     // never started: nothing to check
        continue;
      }
      fail("fork of worker %d failed", i, 0, 0);
    }
    started++;
  }
  while (wait() >= 0)
    ;

  // Totals.
  int ops = 0, exp = 0, killed = 0, tol = 0, forks = 0, deaths = 0, victims = 0, vdied = 0;
  int verified = 0, pmaps = 0;
  int missing = -1;
  for (int i = 0; i < nprocs; i++) {
    struct slot *s = &sh->slot[i];
    ops += s->ops;
    exp += s->expfail;
    killed += s->killed;
    tol += s->tolerated;
    forks += s->forks;
    deaths += s->deaths;
    victims += s->victims;
    vdied += s->vdied;
    verified += s->verified;
    pmaps += s->pmaps;
    if (!s->done && missing < 0)
      missing = i;
  }
  role = ROLE_PARENT;
  printf(1, "mmfuzz: seed %d: %d ops, %d expected failures, %d children killed as expected\n",
         seed0, ops, exp, killed);
  printf(1, "mmfuzz: seed %d: %d workers, %d forks, %d touch tests killed, %d victims killed "
         "(%d exited first), %d pages verified, %d pmap comparisons, %d unexpected failures "
         "tolerated\n", seed0, started, forks, deaths, victims, vdied, verified, pmaps, tol);

  // Leak check, after every process is gone. Orphans of a killed worker
  // are reaped by init: give the counts a moment to settle.
  int clean = leak_settle(&before, &after, 100, 5);
  faultstat(&fs1);
  if (armed)
    printf(1, "mmfuzz: seed %d: faults injected: kalloc %d of %d, kmalloc %d of %d\n", seed0,
           fs1.kalloc_injected - fs0.kalloc_injected, fs1.kalloc_attempts - fs0.kalloc_attempts,
           fs1.kmalloc_injected - fs0.kmalloc_injected,
           fs1.kmalloc_attempts - fs0.kmalloc_attempts);

  if (sh->failed) {
    printf(1, "mmfuzz: FAIL seed %d: %s %d op %d (%s): ", seed0, role_name(sh->role), sh->who,
           sh->op, sh->opname);
    printf(1, sh->why, sh->arg[0], sh->arg[1], sh->arg[2], sh->arg[3]);
    printf(1, "\n");
    exit();
  }
  if (missing >= 0 && !armed) {
    printf(1, "mmfuzz: FAIL seed %d: worker %d died before its end\n", seed0, missing);
    exit();
  }
  if (!clean) {
    leak_report(1, "mmfuzz", &before, &after);
    printf(1, "mmfuzz: FAIL seed %d: leak counters not back to baseline\n", seed0);
    exit();
  }
  if (missing >= 0)
    printf(1, "mmfuzz: seed %d: worker %d was killed (allowed with faults armed)\n", seed0,
           missing);
  munmap(page, PGSIZE);
  printf(1, "mmfuzz: PASS\n");
  exit();
}
