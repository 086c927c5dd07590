// memleak: run a program and check that the kernel holds exactly what it
// held before.
//
//   memleak [-w warmups] [-r runs] prog [args...] [+ prog [args...]]...
//
// Runs prog (fork + exec + wait) `warmups` times first (default 1), then
// takes memstat(), runs it `runs` more times (default 1), takes memstat()
// again and prints every counter that differs:
//   memleak: LEAK free_pages 1234 -> 1230
// or, when none does, "memleak: clean". Before that come a line
// "memleak: measuring prog" when it starts and a line with the counters.
// With fault injection armed, a line says how many allocations were
// attempted and made to fail during the measured runs.
//
// Several programs separated by "+" are measured one after the other, each
// on its own (a test runner saves a shell command per program that way,
// which matters when fault injection makes most forks fail).
//
// What is compared (struct memstat, src/include/memstat.h):
//   free_pages      pages free for allocation (kalloc's list plus pages
//                   the kmalloc allocator keeps wholly free; the call
//                   drains its per-CPU caches first, so this is exact),
//                   file-cache pages reclaim would free counted as free
//   kalloc_free     kalloc's free list alone (and those cache pages)
//   km_live_blocks  kmalloc blocks handed out
//   regions         mmap regions of every process
//   pagesets        shared page sets of MAP_SHARED anonymous memory and
//                   course-form file mappings (file page caches are not
//                   counted: they outlive their mappings)
//   open_files      entries in use in the file table
//   procs           process slots in use
//
// Not compared: km_pages (pages kmalloc holds) counts pages whose blocks are
// all parked in per-CPU caches too, and memstat() reads it before it drains
// those caches, so it moves with the cache state (measured: 3 -> 1 around a
// run of test/mmap's test_9, with free_pages and every other counter equal);
// free_pages, read after the drain, is the exact one. disk_writes only grows.
//
// What may legitimately change and does not show here: the buffer cache
// and the log are fixed arrays (their contents change, their memory does
// not); so is the in-memory inode cache (a program's inode stays cached
// after it exits, in a slot that was already allocated); the disk itself
// (files a program creates) is not memory. None of these is counted.
//
// Why a warm-up run: it makes the measurement independent of the first
// use of anything that allocates once and keeps it. Measured on this
// kernel (ls, kmstat, forktest, pmap, mmfuzz, usertests tests, the kmalloc
// course tests, CPUS=2): the first run and the following runs leave the
// counters exactly where they were, warm-up or not; the warm-up stays as a
// guard (-w 0 turns it off). Orphans a program leaves behind are reaped by
// init, a little later: when the counters differ, memleak waits up to
// about a second for them to settle before it reports.
#include "types.h"
#include "stat.h"
#include "memstat.h"
#include "leakcheck.h"
#include "mman.h"
#include "user.h"

#define ATTEMPTS 200

// One word shared with the children: a child whose exec failed sets it.
static volatile int *execfailed;
static int armed;

// Run argv to completion; returns the number of attempts it took, or -1
// if it could not be started. With fault injection armed, fork and exec
// fail often (every process allocates dozens of pages), so each is tried
// again, up to ATTEMPTS times; the failed attempts are inside the
// measurement too, so their error paths must not leak either.
static int run(char **argv) {
  for (int attempt = 1; attempt <= (armed ? ATTEMPTS : 1); attempt++) {
    int pid = -1;
    for (int t = 0; t < (armed ? ATTEMPTS : 20) && pid < 0; t++) {
      pid = fork();
      if (pid < 0 && !armed)
        sleep(2);       // the process table may be full for a moment
    }
    if (pid < 0)
      return -1;
    *execfailed = 0;
    if (pid == 0) {
      exec(argv[0], argv);
      *execfailed = 1;
      if (!armed)
        printf(1, "memleak: exec %s failed\n", argv[0]);
      exit();
    }
    int w;
    while ((w = wait()) >= 0 && w != pid)
      ;
    if (!*execfailed)
      return attempt;
  }
  return -1;
}

// Measure one program; prints its verdict.
static void measure(char **prog, int warmups, int runs) {
  printf(1, "memleak: measuring %s\n", prog[0]);
  for (int k = 0; k < warmups; k++)
    if (run(prog) < 0) {
      printf(1, "memleak: cannot run %s\n", prog[0]);
      return;
    }

  struct leak_counters before, after;
  struct faultstat f0, f1;
  if (leak_take(&before) < 0) {
    printf(1, "memleak: memstat failed\n");
    exit();
  }
  faultstat(&f0);
  int attempts = 0;
  for (int k = 0; k < runs; k++) {
    int a = run(prog);
    if (a < 0) {
      printf(1, "memleak: cannot run %s\n", prog[0]);
      return;
    }
    attempts += a;
  }
  faultstat(&f1);
  // Orphans are reaped by init, soon: let the counts settle.
  leak_settle(&before, &after, 21, 5);

  printf(1, "memleak: %s:", prog[0]);
  for (int k = 0; k < LEAK_NCOUNTERS; k++)
    printf(1, " %s %d", leak_counter_names[k], after.v[k]);
  printf(1, "\n");
  if (f1.armed)
    printf(1, "memleak: faults injected: kalloc %d of %d, kmalloc %d of %d (%d attempts to "
           "start %d runs)\n",
           f1.kalloc_injected - f0.kalloc_injected, f1.kalloc_attempts - f0.kalloc_attempts,
           f1.kmalloc_injected - f0.kmalloc_injected,
           f1.kmalloc_attempts - f0.kmalloc_attempts, attempts, runs);
  if (leak_report(1, "memleak", &before, &after) == 0)
    printf(1, "memleak: clean\n");
}

static void usage(void) {
  printf(2, "usage: memleak [-w warmups] [-r runs] prog [args...] [+ prog [args...]]...\n");
  exit();
}

int main(int argc, char *argv[]) {
  int warmups = 1, runs = 1, i = 1;
  while (i + 1 < argc && argv[i][0] == '-' && argv[i][1] && argv[i][2] == 0) {
    if (argv[i][1] == 'w')
      warmups = atoi(argv[i + 1]);
    else if (argv[i][1] == 'r')
      runs = atoi(argv[i + 1]);
    else
      usage();
    i += 2;
  }
  if (i >= argc || warmups < 0 || runs < 1)
    usage();
  struct faultstat fs;
  faultstat(&fs);
  armed = fs.armed;

  // The shared word: a page mapped shared, faulted in by a system call
  // (memstat writes into it) so that the children find it present. With
  // faults armed both may need a few tries.
  void *page = MAP_FAILED;
  for (int t = 0; t < 50 && page == MAP_FAILED; t++)
    page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int t = 0;
  while (page != MAP_FAILED && memstat(page) < 0 && ++t < 50)
    ;
  if (page == MAP_FAILED || t == 50) {
    printf(1, "memleak: cannot map a shared page\n");
    exit();
  }
  execfailed = page;

  // Programs are separated by "+" arguments.
  while (i < argc) {
    int end = i;
    while (end < argc && strcmp(argv[end], "+") != 0)
      end++;
    if (end == i)
      usage();
    argv[end < argc ? end : argc] = 0;   // argv[argc] is 0 already
    measure(argv + i, warmups, runs);
    i = end + 1;
  }
  exit();
}
