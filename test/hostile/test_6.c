// create into a directory being removed. One process makes and removes a
// directory over and over; three others create entries in it (files with
// open O_CREATE, hard links with link) and remove them again. An entry
// created in the directory must be removable by the same path right after,
// because the directory cannot be removed while it holds the entry. A
// kernel that links the entry into the directory after its removal has
// been decided (checking the parent unlocked) loses that entry's inode for
// good: the unlink finds no such path. The free on-disk inodes must come
// back too: the makers' files and the remover's directories take and free
// the same lowest inode numbers over and over, and a kernel that lets
// ialloc reuse a number whose last iput has not finished leaves an inode
// allocated with no links (it came back one short in about 1 of 6 runs).
#include "hostile.h"

#define ROUNDS 1000
// ...or fewer: the rounds stop after this many ticks (20 s). Each round
// hands d's lock back and forth hundreds of times, and on a loaded host
// with more virtual CPUs than real ones a round can take half a second;
// the time bound keeps the test's length in hand, never its verdict.
#define MAX_TICKS 2000
#define NMAKERS 3
#define DOTS 55        // "./" elements in a maker's path

struct shared {
  volatile int done;
  volatile int round;             // the remover's current directory
  volatile int seen[NMAKERS];     // the round of a maker's latest attempt
  volatile int made[NMAKERS];     // entries created
  volatile int lost[NMAKERS];     // ... that their path did not remove
};
static struct shared *sh;

static void maker(int k) {
  // Each "." is one more lookup in d, between which d's lock is free: a
  // window for the remover, while this maker holds a reference to d.
  static char path[7 + 2 * DOTS + 3];   // within MAXPATH
  strcpy(path, "/h6p/d/");
  for (int i = 0; i < DOTS; i++)
    strcpy(path + strlen(path), "./");
  strcpy(path + strlen(path), "e0");
  path[strlen(path) - 1] = '0' + k;
  int last = 0;
  while (!sh->done) {
    // One attempt per directory, so that most attempts race with its
    // removal: wait for the next one, spinning a little, then a tick at a
    // time, and give up when none comes (the remover is gone).
    for (int spin = 0; sh->round == last && !sh->done; spin++) {
      if (spin < 2000)
        continue;
      if (spin > 2000 + 300)
        exit();
      sleep(1);
    }
    last = sh->round;
    sh->seen[k] = last;
    int ok;
    if (k % 2 == 0) {
      // create() (mkdir and mknod take the same path).
      int fd = open(path, O_CREATE | O_RDWR);
      ok = fd >= 0;
      if (fd >= 0)
        close(fd);
    } else {
      ok = link("/hostile.6", path) == 0;
    }
    if (ok) {
      sh->made[k]++;
      if (unlink(path) < 0)
        sh->lost[k]++;
    }
  }
  exit();
}

static void attack(void) {
  sh = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, SHARED_ANON, -1, 0);
  if (sh == MAP_FAILED) {
    report("map a shared page", 0);
    return;
  }
  for (int k = 0; k < NMAKERS; k++) {
    int pid = fork_tracked();
    if (pid < 0) {
      sh->done = 1;
      stop_children();
      report("fork the makers", 0);
      return;
    }
    if (pid == 0)
      maker(k);
  }
  int removed = 0;
  mkdir("/h6p");
  int started = uptime();
  for (int r = 0; r < ROUNDS && uptime() - started < MAX_TICKS; r++) {
    if (mkdir("/h6p/d") < 0)
      continue;
    // Let a maker start on this directory first, so that it holds the
    // directory while it is removed (a short wait: with fewer CPUs than
    // processes the makers may not be running at all).
    sh->round = r + 1;
    for (int spin = 0; spin < 2000; spin++) {
      int any = 0;
      for (int k = 0; k < NMAKERS; k++)
        if (sh->seen[k] == r + 1)
          any = 1;
      if (any)
        break;
    }
    // Retry until the makers' entries are gone (they remove them at once),
    // a tick apart: a maker needs the directory's lock some 57 times to
    // walk its path and remove its entry, and a remover retrying without
    // a pause takes that lock so often that on a busy host the makers
    // crawl (a test run took minutes).
    while (unlink("/h6p/d") < 0)
      sleep(1);
    removed++;
  }
  sh->done = 1;
  while (wait() >= 0)
    ;
  int made = 0, lost = 0;
  for (int k = 0; k < NMAKERS; k++) {
    made += sh->made[k];
    lost += sh->lost[k];
  }
  printf(1, "test_6: %d directories removed, %d entries made in them, %d lost\n", removed,
         made, lost);
  report("every entry made in the directory is removed by its path", lost == 0);
}

int main(int argc, char *argv[]) {
  // What an earlier, interrupted run may have left.
  char stale[] = "/h6p/d/e0";
  for (int k = 0; k < NMAKERS; k++) {
    stale[8] = '0' + k;
    unlink(stale);
  }
  unlink("/h6p/d");
  unlink("/h6p");
  int fd = open("/hostile.6", O_CREATE | O_RDWR);
  if (fd >= 0)
    close(fd);
  struct baseline b;
  baseline_take(&b);
  int inodes = free_inodes();
  attacker(attack);
  unlink("/h6p/d");
  unlink("/h6p");
  int after = free_inodes();
  printf(1, "test_6: free inodes %d -> %d\n", inodes, after);
  report("free on-disk inodes back", after == inodes);
  report("kernel counters back where they were", baseline_back(&b));
  unlink("/hostile.6");
  exit();
}
