// Thousands of MAP_SHARED mappings of one file page, in four processes. Write-back used to
// ask every mapping of the file whether it had dirtied a page, for every
// page of every mapping it wrote back: exit (and a msync over all of them)
// cost mappings squared page-table walks with a spinlock held, minutes of
// a CPU that never came back to user space (sysfuzz hung CI this way).
// Exit and munmap now ask only the mapping going away (each mapping writes
// its own stores); msync asks all of them, once per file page per call.
// The data rules stay: a store through any mapping reaches the file on
// msync of any other, and on exit. (With the old write-back this test
// needs some two billion page-table walks: minutes, past the hostile
// folder's time limit, HOSTILE_TEST_TIMEOUT in test/suites.py.)
#include "hostile.h"

#define NMAPS 8000
#define NPROCS 4
#define FILE "/h106"

static int file_byte(int at) {
  char buf[3 * NPROCS];
  int fd = open(FILE, O_RDONLY);
  if (fd < 0)
    return -1;
  int ok = read(fd, buf, sizeof(buf)) == sizeof(buf);
  close(fd);
  return ok ? buf[at] : -1;
}

static char *maps[NMAPS];

// What each attacker saw, for the observer to report in a fixed order.
enum check { MAPPED, READS, MSYNC_ONE, MSYNC_ONE_DATA, MSYNC_ALL, MSYNC_ALL_DATA, NCHECKS };
static char *check_names[NCHECKS] = {
  "map one page 8000 times", "every mapping reads the file", "msync of one mapping",
  "writes what another mapping stored", "msync over every mapping", "it wrote the store",
};
static volatile int (*seen)[NCHECKS];   // shared with the attackers

static void attack(int k) {
  int fd = open(FILE, O_RDWR);
  if (fd < 0) {
    return;
  }
  int made = 0;
  for (; made < NMAPS; made++) {
    maps[made] = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (maps[made] == MAP_FAILED)
      break;
  }
  seen[k][MAPPED] = made == NMAPS;
  if (made < NMAPS)
    return;
  int sum = 0;
  for (int i = 0; i < NMAPS; i++)
    sum += maps[i][100];     // every mapping has the page present (nobody stores there)
  seen[k][READS] = sum == NMAPS * '.';

  // A store through the last mapping, msync of the first.
  maps[NMAPS - 1][3 * k] = 'A' + k;
  seen[k][MSYNC_ONE] = msync(maps[0], PGSIZE, MS_SYNC) == 0;
  seen[k][MSYNC_ONE_DATA] = file_byte(3 * k) == 'A' + k;

  // msync over all of them at once (they lie side by side when placement
  // is lowest-fit; otherwise over each).
  maps[NMAPS / 2][3 * k + 1] = 'a' + k;
  char *lo = maps[0], *hi = maps[0];
  for (int i = 1; i < NMAPS; i++) {
    if (maps[i] < lo) lo = maps[i];
    if (maps[i] > hi) hi = maps[i];
  }
  int rc = 0;
  if (hi - lo == (NMAPS - 1) * PGSIZE)
    rc = msync(lo, hi - lo + PGSIZE, MS_SYNC);
  else
    for (int i = 0; i < NMAPS && rc == 0; i++)
      rc = msync(maps[i], PGSIZE, MS_SYNC);
  seen[k][MSYNC_ALL] = rc == 0;
  seen[k][MSYNC_ALL_DATA] = file_byte(3 * k + 1) == 'a' + k;

  // Exit with a store not yet written back, and the fd still open.
  maps[7][3 * k + 2] = '0' + k;
}

int main(int argc, char *argv[]) {
  static char page[PGSIZE];
  memset(page, '.', sizeof(page));
  int fd = open(FILE, O_CREATE | O_RDWR);
  int ok = fd >= 0 && write(fd, page, sizeof(page)) == sizeof(page);
  close(fd);
  report("make a one-page file", ok);
  seen = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, SHARED_ANON, -1, 0);
  if (seen == MAP_FAILED) {
    report("a shared page for the results", 0);
    exit();
  }
  seen[0][0] = 0;      // its page (and page table) exist before the baseline
  struct baseline b;
  baseline_take(&b);
  for (int k = 0; k < NPROCS; k++) {
    int pid = fork();
    if (pid == 0) {
      attack(k);
      exit();
    }
    if (pid < 0)
      report("fork an attacker", 0);
  }
  while (wait() >= 0)
    ;
  for (int c = 0; c < NCHECKS; c++) {
    ok = 1;
    for (int k = 0; k < NPROCS; k++)
      ok &= seen[k][c];
    report(check_names[c], ok);
  }
  ok = 1;
  for (int k = 0; k < NPROCS; k++)
    ok &= file_byte(3 * k + 2) == '0' + k;
  report("exit wrote the last stores", ok);
  report("kernel counters back where they were", baseline_back(&b));
  unlink(FILE);
  exit();
}
