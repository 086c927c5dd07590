// Path strings are read from user memory once. The attacker keeps a path
// in a shared page whose last byte is its terminating NUL, with nothing
// mapped after the page; a second process flips that NUL on and off while
// the attacker calls everything that takes a path. A kernel that checks
// the string and then reads it again (walking the path) runs off the page:
// "page fault in kernel". Each call must instead see one consistent copy:
// the path, or an unterminated string (-1).
#include "hostile.h"

#define LEN 40       // path bytes before the NUL
#define ROUNDS 150

static char *path;

static void attack(void) {
  char *page = shared_page_before_hole();
  if (page == 0) {
    report("map a shared page before a hole", 0);
    return;
  }
  volatile int *beat = (int *)page;   // the path is at the other end
  path = page + PGSIZE - 1 - LEN;
  path[0] = '/';
  memset(path + 1, 'h', LEN - 1);
  path[LEN] = 0;

  // Without anyone flipping: the path works, and unterminated it is -1.
  int ok = mkdir(path) == 0 && chdir(path) == 0 && chdir("/") == 0 && unlink(path) == 0;
  path[LEN] = 'h';
  int fd = open(path, O_CREATE | O_RDWR);
  ok = ok && fd < 0 && mkdir(path) < 0 && chdir(path) < 0 && unlink(path) < 0 &&
       mknod(path, 1, 1) < 0 && link("/hostile.1", path) < 0 && link(path, "/h1.l") < 0;
  if (fd >= 0)
    close(fd);
  path[LEN] = 0;
  report("a path ending on the page's last byte works; unterminated it is -1", ok);

  if (start_flipper(&path[LEN], 'h', beat) < 0) {
    report("fork the flipper", 0);
    return;
  }
  for (int i = 0; i < ROUNDS; i++) {
    (*beat)++;
    if ((fd = open(path, O_CREATE | O_RDWR)) >= 0)
      close(fd);
    if ((fd = open(path, O_RDONLY)) >= 0)
      close(fd);
    unlink(path);
    mkdir(path);
    chdir(path);
    chdir("/");
    unlink(path);
    mknod(path, 1, 1);
    unlink(path);
    link("/hostile.1", path);
    unlink(path);
    link(path, "/h1.l");
    unlink("/h1.l");
  }
  stop_children();
  path[LEN] = 0;
  unlink(path);
  unlink("/h1.l");
  report("open, mkdir, mknod, chdir, unlink, link with a path changing under them", 1);
}

int main(int argc, char *argv[]) {
  struct baseline b;
  int fd = open("/hostile.1", O_CREATE | O_RDWR);
  if (fd >= 0)
    close(fd);
  baseline_take(&b);
  attacker(attack);
  report("kernel counters back where they were", baseline_back(&b));
  unlink("/hostile.1");
  exit();
}
