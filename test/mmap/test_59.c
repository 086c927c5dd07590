// A program whose file is removed while it runs keeps running: a copy of
// this program is exec'd by a child and unlinked while the child waits;
// then the child reads pages of its text it had not touched before (they
// come from the removed file on first touch) and gets the right bytes.
// The file's blocks stay allocated while the program runs (its regions
// hold the file open) and are freed when it exits.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mmtest.h"

#define BIG_PAGES 64
#define WORDS_PER_PAGE (PGSIZE / 4)
#define PAGE_A 40                   // past what exec maps at once
#define PAGE_B 60
#define MARK_A 0x59a0a0a0
#define MARK_B 0x59b0b0b0
#define COPY "t59prog"

const uint big[BIG_PAGES * WORDS_PER_PAGE] = {
  [0] = 1,
  [PAGE_A * WORDS_PER_PAGE + 3] = MARK_A,
  [PAGE_B * WORDS_PER_PAGE + 5] = MARK_B,
};

static void child(int to_parent, int from_parent) {
  char c = 'r';
  write(to_parent, &c, 1);          // running; now the file may go
  read(from_parent, &c, 1);
  volatile const uint *p = big;
  c = p[PAGE_A * WORDS_PER_PAGE + 3] == MARK_A && p[PAGE_B * WORDS_PER_PAGE + 5] == MARK_B ? 'y' : 'n';
  write(to_parent, &c, 1);
  exit();
}

int
main(int argc, char *argv[])
{
  if (argc == 4 && strcmp(argv[1], "child") == 0)
    child(atoi(argv[2]), atoi(argv[3]));

  // The name once first: the directory may need a new block for it, and
  // directories never shrink.
  int c2p[2], p2c[2];
  pipe_or_exit(c2p);
  pipe_or_exit(p2c);
  close(open(COPY, O_CREATE | O_RDWR));
  unlink(COPY);
  uint free0 = disk_free();
  report("a copy of this program", copy_file(argv[0], COPY));
  uint free1 = disk_free();

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
  report("the copy runs", c == 'r');
  report("unlink while it runs", unlink(COPY) == 0 && open(COPY, O_RDONLY) < 0);
  report("its blocks stay while it runs", disk_free() == free1 && free1 < free0);
  write(p2c[1], "g", 1);
  c = 0;
  read(c2p[0], &c, 1);
  report("it reads pages of its removed file right", c == 'y');
  report("it exits normally", wait() == pid);
  report("its blocks are freed when it exits", disk_free() == free0);
  exit();
}
