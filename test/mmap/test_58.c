// A big program that touches little costs little: this program carries a
// 512 KiB read-only array in its text. A child execs a fresh copy of it
// (a file nobody has read, so none of its pages are cached) and reads one
// page far into the array; while the child waits, the free pages it costs
// (kernel stack, page directory and table, stack, data, the first pages
// exec maps at once (EXEC_PREFAULT_PAGES), the page it read) are counted:
// fewer than half the array's 128 pages, because the rest are read from
// the file only on first touch. The page read has the right bytes, and
// every page comes back once the child has exited.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mmtest.h"

#define BIG_PAGES 128
#define WORDS_PER_PAGE (PGSIZE / 4)
#define FAR_PAGE 100                // well past what exec maps at once
#define COPY "t58prog"
#define MARK 0x5a58f00d

const uint big[BIG_PAGES * WORDS_PER_PAGE] = {
  [0] = 1,
  [FAR_PAGE * WORDS_PER_PAGE + 7] = MARK,
};

// The child: read the far page, say what it saw, wait to be told to go.
static void child(int to_parent, int from_parent) {
  volatile const uint *p = big;
  char c = p[FAR_PAGE * WORDS_PER_PAGE + 7] == MARK && p[FAR_PAGE * WORDS_PER_PAGE] == 0 ? 'y' : 'n';
  write(to_parent, &c, 1);
  read(from_parent, &c, 1);
  exit();
}

int
main(int argc, char *argv[])
{
  if (argc == 4 && strcmp(argv[1], "child") == 0)
    child(atoi(argv[2]), atoi(argv[3]));

  int c2p[2], p2c[2];
  pipe_or_exit(c2p);
  pipe_or_exit(p2c);
  unlink(COPY);
  report("a fresh copy of this program", copy_file(argv[0], COPY));

  int before = freepages();
  int pid = fork_with_pipes(p2c, c2p);
  if (pid < 0) {
    report("fork", 0);
    unlink(COPY);            // leave nothing behind
    exit();
  }
  if (pid == 0)
    exec_child(COPY, c2p[1], p2c[0]);
  // Only the child holds its ends now: a child that is gone reads as the
  // end of the pipe, not as a wait forever.
  char c = 0;
  read(c2p[0], &c, 1);
  int during = freepages();
  write(p2c[1], "g", 1);
  wait();
  int after = freepages();
  unlink(COPY);
  printf(1, "the child cost %d pages\n", before - during);

  report("the child read the right bytes far into its text", c == 'y');
  report("the child cost fewer pages than half its array", before - during < BIG_PAGES / 2);
  report("every page back after it exited", after == before);
  exit();
}
