// exec frees the old image's mappings: a child with touched anonymous,
// shared and file mappings execs this program again (its arguments living
// in a mapping); the new image has no regions, and after wait() the
// free-page count and kernel counters are back. A failed exec leaves the
// mappings alone.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define FILE "mm23.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

void child(int out) {
  int fd = open(FILE, O_RDWR);
  char *a = mmap(0, 20 * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *s = mmap(0, 5 * PGSIZE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  char *f = mmap(0, 2 * PGSIZE, RW, MAP_SHARED, fd, 0);
  close(fd);
  if (a == MAP_FAILED || s == MAP_FAILED || f == MAP_FAILED)
    exit();
  for (int i = 0; i < 20; i++)
    a[i * PGSIZE] = 1;
  for (int i = 0; i < 5; i++)
    s[i * PGSIZE] = 1;
  f[0] = 'E';
  f[PGSIZE] = 'e';

  // argv and its strings in a mapping (the last page, never touched yet
  // except by these stores).
  char *arg = a + 19 * PGSIZE;
  char **argv = (char **)arg;
  strcpy(arg + 64, "test_23");
  strcpy(arg + 80, "exec");
  arg[96] = '0' + out;
  arg[97] = 0;
  argv[0] = arg + 64;
  argv[1] = arg + 80;
  argv[2] = arg + 96;
  argv[3] = 0;

  char *bad[] = { "no-such-program", 0 };
  int failed = exec("no-such-program", bad) == -1;
  int intact = failed && pmap(0, ents, 146) == 3 && a[0] == 1 && f[0] == 'E';
  write(out, intact ? "y" : "n", 1);
  exec("test_23", argv);
  write(out, "X", 1);    // exec failed
  exit();
}

int
main(int argc, char *argv[])
{
  if (argc == 3 && strcmp(argv[1], "exec") == 0) {
    // The new image: no regions at all.
    int out = argv[2][0] - '0';
    write(out, pmap(0, ents, 146) == 0 ? "y" : "n", 1);
    exit();
  }

  close(create_file('x', 2 * PGSIZE));

  int fds[2];
  pipe_or_exit(fds);
  if (fds[1] > 9) {
    report("pipe", 0);
    exit();
  }
  struct memstat m0, m1;
  memstat(&m0);
  int f0 = freepages();
  int pid = fork();
  if (pid == 0) {
    close(fds[0]);
    child(fds[1]);
  }
  close(fds[1]);
  char res[3];
  int n = 0, r;
  while (n < 3 && (r = read(fds[0], res + n, 3 - n)) > 0)
    n += r;
  report("wait() returns the child", wait() == pid);
  report("a failed exec leaves the mappings intact", n >= 1 && res[0] == 'y');
  report("exec with arguments in a mapping runs the new image", n == 2);
  report("the new image has no regions", n == 2 && res[1] == 'y');
  memstat(&m1);
  int f1 = freepages();
  if (f1 != f0)
    printf(1, "free pages %d before, %d after\n", f0, f1);
  report("free-page count unchanged", f1 == f0);
  // (The parent closed the pipe's write end since m0.)
  report("no regions, page sets, open files or processes left",
         m1.regions == m0.regions && m1.pagesets == m0.pagesets &&
         m1.open_files == m0.open_files - 1 && m1.procs == m0.procs);

  // The shared file pages were written back by exec.
  int fd = open(FILE, O_RDONLY);
  static char skip[PGSIZE - 1];
  char c1 = 0, c2 = 0;
  read(fd, &c1, 1);
  read(fd, skip, sizeof(skip));
  read(fd, &c2, 1);
  close(fd);
  report("exec wrote the shared file pages back", c1 == 'E' && c2 == 'e');
  unlink(FILE);
  exit();
}
