// Writing dirty mapped pages back into the holes of a sparse file must fit
// the log: each page there needs 8 new data blocks plus the bitmap, the
// indirect block and the inode (9 data blocks at the course form's
// unaligned offset). Write-back comes from msync(MS_SYNC), munmap and
// exit; a plain write() over the holes follows the same rule. Several
// processes do it at once, each to its own file, so that their
// transactions share the log (three at 12 blocks each overflowed it).
#include "hostile_mm.h"

#define WRITERS 6               // for the course form (the worst case)
#define FEW_WRITERS 3           // for the others
#define SIZE (32 * 1024)        // most of it in the indirect block's range
#define COURSE_ROUNDS 3         // the worst case, repeated: the writers must overlap

// A file of SIZE bytes that is all holes but its last byte.
static int make_sparse(char *name) {
  unlink(name);
  int fd = open(name, O_CREATE | O_RDWR);
  if (fd < 0 || lseek(fd, SIZE - 1, SEEK_SET) != SIZE - 1 || write(fd, "z", 1) != 1)
    return -1;
  close(fd);
  return 0;
}

// Does the file hold byte pattern(i) at each i in [from, to)?
static int file_holds(char *name, int from, int to, int salt) {
  static char buf[1024];
  int fd = open(name, O_RDONLY);
  if (fd < 0 || lseek(fd, from, SEEK_SET) != from)
    return 0;
  int ok = 1;
  for (int at = from; at < to;) {
    int n = to - at < (int)sizeof(buf) ? to - at : (int)sizeof(buf);
    if (read(fd, buf, n) != n) {
      ok = 0;
      break;
    }
    for (int i = 0; i < n; i++)
      if (buf[i] != (char)((at + i) * 7 + salt))
        ok = 0;
    at += n;
  }
  close(fd);
  return ok;
}

static void fill(char *p, int from, int to, int salt) {
  for (int i = from; i < to; i++)
    p[i - from] = (char)(i * 7 + salt);
}

// The ways to write into the holes (one per scenario).
enum how { BY_MSYNC, BY_MUNMAP, BY_EXIT, BY_COURSE_FORM, BY_WRITE, NHOW };
static char *what[NHOW] = {
  "msync into holes", "munmap into holes", "exit into holes",
  "course form at an unaligned offset", "write() into holes",
};

// One writer: fill its file's holes the given way and check the file.
// Returns 1 if the file holds the data.
static int writer(enum how how, char *name, int salt) {
  if (make_sparse(name) < 0)
    return 0;
  int fd = open(name, O_RDWR);
  int from = 0, ok = 1;
  char *p;
  switch (how) {
  case BY_MSYNC:
  case BY_MUNMAP:
  case BY_EXIT:
    p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
      return 0;
    fill(p, 0, SIZE, salt);
    if (how == BY_EXIT)
      return -1;             // the caller exits with the mapping in place
    if (how == BY_MSYNC)
      ok = msync(p, SIZE, MS_SYNC) == 0;
    ok = munmap(p, SIZE) == 0 && ok;
    break;
  case BY_COURSE_FORM:
    // 9 new blocks a page: the page starts inside a block.
    from = 1000;
    p = mmap(0, SIZE - from, 0, 0, fd, from);
    close(fd);
    if (p == MAP_FAILED)
      return 0;
    fill(p, from, SIZE, salt);
    ok = msync(p, SIZE - from, MS_SYNC) == 0 && munmap(p, SIZE - from) == 0;
    break;
  case BY_WRITE:
    from = 300;
    p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      return 0;
    fill(p, from, SIZE, salt);
    ok = lseek(fd, from, SEEK_SET) == from && write(fd, p, SIZE - from) == SIZE - from;
    close(fd);
    munmap(p, SIZE);
    break;
  default:
    return 0;
  }
  return ok && file_holds(name, from, SIZE, salt);
}

int
main(int argc, char *argv[])
{
  baseline();
  char name[8];
  strcpy(name, "h103_0");
  for (int step = 0; step < NHOW + COURSE_ROUNDS - 1; step++) {
    int how = step < BY_COURSE_FORM ? step : step < BY_COURSE_FORM + COURSE_ROUNDS ?
              BY_COURSE_FORM : step - COURSE_ROUNDS + 1;
    int fds[2];
    if (pipe(fds) < 0) {
      report("pipe", 0);
      exit();
    }
    int writers = how == BY_COURSE_FORM ? WRITERS : FEW_WRITERS;
    for (int w = 0; w < writers; w++) {
      if (fork() == 0) {
        close(fds[0]);
        name[5] = '0' + w;
        int r = writer(how, name, step * 16 + w);
        if (r >= 0)
          write(fds[1], r ? "k" : "x", 1);
        exit();            // BY_EXIT: the write-back happens here
      }
    }
    close(fds[1]);
    for (int w = 0; w < writers; w++)
      wait();
    int ok = 1;
    char c;
    if (how == BY_EXIT) {
      for (int w = 0; w < writers; w++) {
        name[5] = '0' + w;
        if (!file_holds(name, 0, SIZE, step * 16 + w))
          ok = 0;
      }
    } else {
      for (int w = 0; w < writers; w++)
        if (read(fds[0], &c, 1) != 1 || c != 'k')
          ok = 0;
    }
    close(fds[0]);
    report(what[how], ok);
  }
  for (int w = 0; w < WRITERS; w++) {
    name[5] = '0' + w;
    unlink(name);
  }
  report("counters back at baseline", back_to_baseline());
  exit();
}
