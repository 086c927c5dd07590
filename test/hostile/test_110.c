// pmap of another process while that process maps, touches, splits and
// unmaps, each munmap taking several regions at once. munmap must change
// the region tree and free page tables in one step under the victim's
// vmspace lock: pmap may see the state before it or after it, never one
// in between (some regions gone, others still there), never a page table
// freed and reused (the victim fills its pages with 0xff, so a reused one
// reads as far more resident pages than it touches), and no panic.
//
// Each round, in a 4 MiB span of its own (so the last munmap frees the
// span's page table): map A, then B right above it, touch both, cut a
// hole in A (A1, A2), then one munmap of everything. The victim's states,
// in order, are {}, {A}, {A, B}, {A1, A2, B}, {}: B is never there
// without all of A, which a munmap done region by region would show.
#include "hostile.h"

#define ROUNDS   600
#define NPAGES   16                  // pages in A and in B
#define TOUCHED  4                   // pages the victim writes in each
#define HOLE     1                   // A's hole: pages [HOLE, HOLE + 2)
#define FAR      0x60000000u         // round r uses span FAR + (r % 8) * SPAN
#define SPAN     (4 * 1024 * 1024)
#define MAXE     8
#define LEN      (NPAGES * PGSIZE)

static void touch(char *p) {
  for (int i = 0; i < TOUCHED; i++)
    memset(p + i * PGSIZE, 0xff, PGSIZE);
}

// Failures (fault injection) skip to the next round.
static void victim(void) {
  for (int r = 0; r < ROUNDS; r++) {
    char *a = (char *)(FAR + (r % 8) * SPAN);
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    if (mmap(a, LEN, PROT_READ | PROT_WRITE, flags, -1, 0) != a)
      continue;
    if (mmap(a + LEN, LEN, PROT_READ | PROT_WRITE, flags, -1, 0) == a + LEN) {
      touch(a);
      touch(a + LEN);
      munmap(a + HOLE * PGSIZE, 2 * PGSIZE);
    }
    munmap(a, 2 * LEN);
  }
}

// Could the victim be in this state? Prints why not.
static int plausible(struct pmap_entry *e, int n) {
  if (n > 3) {
    printf(1, "test_110: pmap lists %d regions (at most 3)\n", n);
    return 0;
  }
  uint prev_end = 0;
  for (int i = 0; i < n; i++) {
    if (e[i].start % PGSIZE || e[i].end % PGSIZE || e[i].start >= e[i].end ||
        e[i].start < prev_end || e[i].start < FAR || e[i].end > FAR + 8 * SPAN ||
        e[i].end - e[i].start > LEN || e[i].resident > TOUCHED || e[i].fd_backed) {
      printf(1, "test_110: region %d of %d: [0x%x, 0x%x) resident %d fd %d\n", i, n,
             e[i].start, e[i].end, e[i].resident, e[i].fd_backed);
      return 0;
    }
    prev_end = e[i].end;
  }
  // B (the last region, starting LEN above a span's start) is there only
  // with all of A: A whole, or A1 and A2.
  if (n > 0 && e[n - 1].start % SPAN == LEN) {
    uint a = e[n - 1].start - LEN;
    int whole_a = n == 2 && e[0].start == a && e[0].end == a + LEN;
    int split_a = n == 3 && e[0].start == a && e[0].end == a + HOLE * PGSIZE &&
                  e[1].start == a + (HOLE + 2) * PGSIZE && e[1].end == a + LEN;
    if (!whole_a && !split_a) {
      printf(1, "test_110: B at 0x%x without all of A (%d regions): a munmap seen halfway\n",
             e[n - 1].start, n);
      return 0;
    }
  }
  return 1;
}

static void attack(void) {
  int pid = fork_tracked();
  if (pid < 0) {
    report("fork the victim", 0);
    return;
  }
  if (pid == 0) {
    victim();
    exit();
  }
  static struct pmap_entry e[MAXE];
  int ok = 1, n, seen = 0;
  // pmap fails once the victim is a zombie (or when fault injection
  // denies it the buffer); either ends the watch.
  while (ok && (n = pmap(pid, e, MAXE)) >= 0) {
    ok = plausible(e, n < MAXE ? n : MAXE);
    seen += n > 0;
  }
  end_children();
  report("pmap of a process racing mmap/split/munmap sees only real states", ok);
  report("pmap saw the victim's regions", seen > 0);
}

int main(int argc, char *argv[]) {
  attack_and_check(attack);
  exit();
}
