// Reusing an inode number before its last iput has finished. iput marks
// a disk inode free and only then drops its table reference; an ialloc
// that took the number in between shared the dying entry, and its own
// last iput saw two references and freed nothing: an inode left
// allocated with no links, for good. Here four processes create files,
// each in its own directory whose one block is full, on a full disk: each
// create allocates the lowest free inode, cannot add the name, and frees
// the inode again, so each one reuses the number the others are freeing.
// (Separate directories: a create frees its inode while it still holds
// the directory's lock.)
// The window is a few instructions (a CPU preempted inside it), so on a
// kernel with the bug this fails only now and then.
#include "hostile.h"
#include "fs.h"

#define NPROCS 4
#define ROUNDS 150
#define NLINKS 30             // with "." and "..": one full directory block
#define FILE_MAX ((int)(MAXFILE * BSIZE))   // the largest file (fs.h)

struct shared {
  volatile int made[NPROCS];  // creates that worked (none should)
};
static struct shared *sh;

static int fill_disk(void) {
  static char buf[512];
  memset(buf, 'f', sizeof(buf));
  char name[] = "/h20fa";
  for (int f = 0; f < 26; f++) {
    name[5] = 'a' + f;
    int fd = open(name, O_CREATE | O_RDWR);
    if (fd < 0)
      return 0;
    while (write(fd, buf, sizeof(buf)) == sizeof(buf))
      ;
    struct stat st;
    int full = fstat(fd, &st) == 0 && st.size < FILE_MAX;   // the disk stopped it
    close(fd);
    if (full)
      return 1;
  }
  return 0;
}

// Directory k full of links to /hostile.20; 0 if some step failed.
static int full_dir(int k, int make) {
  char dir[] = "/h20d0";
  char name[] = "/h20d0/l00";
  dir[5] = name[5] = '0' + k;
  if (make && mkdir(dir) < 0)
    return 0;
  for (int i = 0; i < NLINKS; i++) {
    name[8] = '0' + i / 10;
    name[9] = '0' + i % 10;
    if (make ? link("/hostile.20", name) < 0 : unlink(name) < 0)
      return 0;
  }
  return make || unlink(dir) == 0;
}

static void cleanup(void) {
  char name[] = "/h20fa";
  for (int f = 0; f < 26; f++) {
    name[5] = 'a' + f;
    unlink(name);
  }
  for (int k = 0; k < NPROCS; k++)
    full_dir(k, 0);
}

static void creator(int k) {
  char name[] = "/h20d0/n";
  name[5] = '0' + k;
  for (int r = 0; r < ROUNDS; r++) {
    int fd = open(name, O_CREATE | O_RDWR);
    if (fd >= 0) {
      sh->made[k]++;
      close(fd);
      unlink(name);
    }
  }
  exit();
}

static void attack(void) {
  sh = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, SHARED_ANON, -1, 0);
  int ok = sh != MAP_FAILED;
  for (int k = 0; k < NPROCS && ok; k++)
    ok = full_dir(k, 1);
  report("fill a directory block with links", ok);
  report("fill the disk", ok && fill_disk());
  if (sh == MAP_FAILED)
    return;
  for (int k = 0; k < NPROCS; k++) {
    int pid = fork_tracked();
    if (pid < 0)
      break;
    if (pid == 0)
      creator(k);
  }
  while (wait() >= 0)
    ;
  int made = 0;
  for (int k = 0; k < NPROCS; k++)
    made += sh->made[k];
  report("no create in the full directory works", made == 0);
}

int main(int argc, char *argv[]) {
  cleanup();   // what an earlier, interrupted run may have left
  int fd = open("/hostile.20", O_CREATE | O_RDWR);
  if (fd >= 0)
    close(fd);
  struct baseline b;
  baseline_take(&b);
  int inodes = free_inodes();
  attacker(attack);
  cleanup();
  int after = free_inodes();
  printf(1, "test_20: free inodes %d -> %d\n", inodes, after);
  report("free on-disk inodes back", after == inodes);
  report("kernel counters back where they were", baseline_back(&b));
  unlink("/hostile.20");
  exit();
}
