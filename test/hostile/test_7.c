// Link counts are bounded. Four processes give one file names until link()
// refuses: that must happen when the file has exactly LINK_MAX names
// (param.h), however the links interleave, not never (a 16-bit count that
// wraps makes the next unlink panic "unlink: inode without links", and a
// count that wraps to 0 frees an inode directories still name). Every
// name can be removed again, down to the last one.
#include "hostile.h"

#define NPROCS 4      // each links into a directory of its own
#define TRIES (LINK_MAX + 10)

static int *made;     // shared: names each linker made

static char *name(int k, int i) {
  static char buf[16];
  strcpy(buf, "/h7d0/n000");
  buf[4] = '0' + k;
  buf[7] = '0' + i / 100 % 10;
  buf[8] = '0' + i / 10 % 10;
  buf[9] = '0' + i % 10;
  if (i >= 1000)
    buf[6] = 'a' + i / 1000;
  return buf;
}

static int nlink(char *path) {
  struct stat st;
  if (stat(path, &st) < 0)
    return -1;
  return st.nlink;
}

// Fork NPROCS processes running fn(k) and wait for them.
static void in_parallel(void (*fn)(int)) {
  for (int k = 0; k < NPROCS; k++) {
    int pid = fork();
    if (pid == 0) {
      fn(k);
      exit();
    }
  }
  while (wait() >= 0)
    ;
}

static int total_made(void) {
  int total = 0;
  for (int k = 0; k < NPROCS; k++)
    total += made[k];
  return total;
}

static void linker(int k) {
  // Link until refused (the first refusal ends it: a full disk would
  // too), or until far enough past the limit to show it is not there.
  while (total_made() < TRIES && link("/h7f", name(k, made[k])) == 0)
    made[k]++;
}

static void unlinker(int k) {
  for (int i = 0; i < made[k]; i++)
    if (unlink(name(k, i)) == 0)
      made[k + NPROCS]++;
}

static void attack(void) {
  made = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, SHARED_ANON, -1, 0);
  int fd = open("/h7f", O_CREATE | O_RDWR);
  if (made == MAP_FAILED || fd < 0) {
    report("create the file and a shared page", 0);
    return;
  }
  close(fd);
  char dir[] = "/h7d0";
  for (int k = 0; k < NPROCS; k++) {
    dir[4] = '0' + k;
    mkdir(dir);
  }
  in_parallel(linker);
  int total = total_made();
  if (total != LINK_MAX - 1)
    printf(1, "test_7: %d links made, nlink %d\n", total, nlink("/h7f"));
  report("link() is refused at LINK_MAX names", total == LINK_MAX - 1 &&
                                                  nlink("/h7f") == LINK_MAX);
  report("and still refused", link("/h7f", "/h7d0/more") < 0);
  in_parallel(unlinker);
  int removed = 0;
  for (int k = 0; k < NPROCS; k++)
    removed += made[k + NPROCS];
  report("every name is removed again", removed == total && nlink("/h7f") == 1);
  // Whatever is left (an unlinker that could not be forked).
  for (int k = 0; k < NPROCS && removed != total; k++)
    for (int i = 0; i < made[k]; i++)
      unlink(name(k, i));
  report("the last name too", unlink("/h7f") == 0 && nlink("/h7f") < 0);
  for (int k = 0; k < NPROCS; k++) {
    dir[4] = '0' + k;
    unlink(dir);
  }
}

int main(int argc, char *argv[]) {
  attack_and_check(attack);
  exit();
}
