// pmap of another process while that process maps and unmaps whole 4 MiB
// spans, and while it exits. munmap frees a span's page table once nothing
// uses it, and exit plus its parent's wait free the whole address space;
// pmap(pid) walks those page tables and the region tree. It must do so
// under the victim's vmspace lock and holding a reference: otherwise it
// reads a tree being relinked (entries out of order, repeated, or not the
// victim's), or a page table freed and reused (the victim fills its pages
// with 0xff, so a reused one reads as 1024 present entries), or panics.
//
// A reaper forks the victims one after another and waits for each; the
// observer is a third process, so a victim's address space is freed by
// the reaper's wait() while the observer may be reading it.
#include "hostile.h"

#define NVICTIMS 3
#define LOOKS    400                 // pmaps that saw regions, per victim
#define MAXROUNDS 20000              // a victim stops here if nobody looks
#define NSLOT    6                   // 4 MiB spans the victim toggles
#define SPAN     (4 * 1024 * 1024)
#define FAR      0x50000000u         // slot k is [FAR + k*SPAN, FAR + (k+1)*SPAN)
#define HOLE     512                 // page unmapped in the middle of a mapping
#define TOUCHED  4                   // pages written at each end of a mapping
#define MAXE     (2 * NSLOT + 2)

struct shared {
  volatile int victim;               // pid the observer should look at, or 0
  volatile int looks;                // its pmaps that saw regions so far
  volatile int done;                 // the reaper has reaped every victim
  volatile int stop;                 // the observer gave up: victims stop too
};
static struct shared *sh;

// Toggles slots in a scrambled order: mapping one is mmap, a munmap of a
// page in the middle (so two regions), stores at both ends; unmapping one
// frees its pages and its page table. Failures (fault injection) skip.
static void victim(void) {
  int mapped[NSLOT] = {0};
  for (int r = 0; r < MAXROUNDS && sh->looks < LOOKS && !sh->stop; r++) {
    int k = (r * 5) % NSLOT;
    char *base = (char *)(FAR + k * SPAN);
    if (mapped[k]) {
      munmap(base, SPAN);
      mapped[k] = 0;
      continue;
    }
    if (mmap(base, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0) != base)
      continue;
    mapped[k] = 1;
    int split = munmap(base + HOLE * PGSIZE, PGSIZE) == 0;
    memset(base, 0xff, TOUCHED * PGSIZE);
    if (split)      // (unsplit, a region holds only its head's pages)
      memset(base + SPAN - TOUCHED * PGSIZE, 0xff, TOUCHED * PGSIZE);
  }
}

// Could the victim have been in this state? Prints why not. Besides its
// slots it has the shared page it inherited (below FAR).
static int plausible(struct pmap_entry *e, int n) {
  if (n > 2 * NSLOT + 1) {
    printf(1, "test_107: pmap lists %d regions (at most %d)\n", n, 2 * NSLOT + 1);
    return 0;
  }
  uint prev_end = 0;
  for (int i = 0; i < n; i++) {
    if (i == 0 && e[i].start == (uint)sh && e[i].end == (uint)sh + PGSIZE &&
        (e[i].flags & MAP_SHARED) && e[i].resident <= 1) {
      prev_end = e[i].end;
      continue;
    }
    uint slot = (e[i].start - FAR) / SPAN;
    if (e[i].start % PGSIZE || e[i].end % PGSIZE || e[i].start >= e[i].end ||
        e[i].start < FAR || slot >= NSLOT || e[i].end > FAR + (slot + 1) * SPAN ||
        e[i].start < prev_end || e[i].resident > TOUCHED || e[i].fd_backed ||
        e[i].prot != (PROT_READ | PROT_WRITE)) {
      printf(1, "test_107: entry %d of %d: [0x%x, 0x%x) resident %d prot %d fd %d\n", i, n,
             e[i].start, e[i].end, e[i].resident, e[i].prot, e[i].fd_backed);
      return 0;
    }
    prev_end = e[i].end;
  }
  return 1;
}

static void reaper(void) {
  for (int v = 0; v < NVICTIMS && !sh->stop; v++) {
    sh->looks = 0;
    int pid = fork();
    if (pid == 0) {
      victim();
      exit();
    }
    if (pid > 0) {
      sh->victim = pid;
      wait();          // frees the victim's address space: pmap may be in it
    }
  }
  sh->done = 1;
}

static void attack(void) {
  sh = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, SHARED_ANON, -1, 0);
  if (sh == MAP_FAILED) {
    report("map a shared page", 0);
    return;
  }
  int rpid = fork_tracked();
  if (rpid < 0) {
    report("fork the reaper", 0);
    return;
  }
  if (rpid == 0) {
    reaper();
    exit();
  }
  static struct pmap_entry e[MAXE];
  int ok = 1, seen = 0;
  // Until the reaper is done (or gone: pmap of it fails once it is a zombie).
  while (ok && !sh->done && pmap(rpid, 0, 0) >= 0) {
    int pid = sh->victim;
    int n = pid ? pmap(pid, e, MAXE) : -1;
    if (n <= 0)
      continue;        // not started, exited, or between mappings
    ok = plausible(e, n < MAXE ? n : MAXE);
    seen++;
    sh->looks++;
  }
  sh->stop = 1;
  end_children();
  report("pmap of a process racing munmap/mmap and exit sees only real states", ok);
  report("pmap saw the victims' regions", seen > 0);
}

int main(int argc, char *argv[]) {
  attack_and_check(attack);
  exit();
}
