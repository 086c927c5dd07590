// Running out of in-memory inodes is an error, not a panic. 60 distinct
// files (the kernel caches NINODE = 50) are pinned two ways: by mappings
// whose descriptors were closed, and by five processes holding 12 open
// files each. Opening, creating, exec and mkdir then fail with -1; once
// the files are let go, everything works again and nothing leaked.
#include "hostile_mm.h"

#define NFILES 60
#define HOLDERS 5
#define PER_HOLDER (NFILES / HOLDERS)

static char *name_of(int i) {
  static char name[8];
  strcpy(name, "h102_00");
  name[5] = '0' + i / 10;
  name[6] = '0' + i % 10;
  return name;
}

// While the table is full: none of these may succeed, and none may panic.
// Returns 1 when every call failed cleanly.
static int calls_fail(void) {
  int ok = 1;
  int fd = open("h102_new", O_CREATE | O_RDWR);
  if (fd >= 0) {
    close(fd);
    ok = 0;
  }
  if (mkdir("h102_dir") == 0)
    ok = 0;
  char *argv[] = { "echo", "exec should fail", 0 };
  int pid = fork();
  if (pid == 0) {
    exec("echo", argv);
    exit();            // exec failed, as it should
  }
  if (pid > 0)
    wait();
  return ok;
}

int
main(int argc, char *argv[])
{
  for (int i = 0; i < NFILES; i++)
    if (make_file(name_of(i), 100, 'a' + i % 26) < 0) {
      report("make the files", 0);
      exit();
    }
  baseline();

  // 1. Mappings pin the inodes of files whose descriptors are closed.
  char *maps[NFILES];
  int mapped = 0, refused = 0;
  for (int i = 0; i < NFILES; i++) {
    maps[i] = 0;
    int fd = open(name_of(i), O_RDWR);
    if (fd < 0) {
      refused++;
      continue;
    }
    char *p = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p != MAP_FAILED) {
      maps[i] = p;
      mapped++;
    }
  }
  report("mappings: open refuses when the inode table is full", refused > 0 && mapped > 0);
  report("mappings: creating, mkdir and exec fail", calls_fail());
  int data_ok = 1;
  for (int i = 0; i < NFILES; i++)
    if (maps[i] && maps[i][99] != 'a' + i % 26)
      data_ok = 0;
  report("mappings: every mapping still reads its file", data_ok);
  for (int i = 0; i < NFILES; i++)
    if (maps[i])
      munmap(maps[i], PGSIZE);

  // 2. Plain open(): five processes hold 12 files each until told to go.
  int up[2], go[2];
  if (pipe(up) < 0 || pipe(go) < 0) {
    report("pipe", 0);
    exit();
  }
  // Under fault injection a fork may fail or a holder may be killed before
  // it reports: each holder closes its end of `up` once it has written,
  // so the parent's reads end at the holders that started, or at end of
  // file, instead of waiting for ever.
  int started = 0;
  for (int h = 0; h < HOLDERS; h++) {
    int pid = fork();
    if (pid > 0)
      started++;
    if (pid == 0) {
      close(up[0]);
      close(go[1]);
      int failed = 0;
      for (int i = h * PER_HOLDER; i < (h + 1) * PER_HOLDER; i++)
        if (open(name_of(i), O_RDONLY) < 0)
          failed++;
      char c = failed ? 'f' : 'o';
      write(up[1], &c, 1);
      close(up[1]);
      read(go[0], &c, 1);        // hold the files until the parent is done
      exit();
    }
  }
  close(up[1]);
  close(go[0]);
  int failures = 0;
  char c;
  for (int h = 0; h < started && read(up[0], &c, 1) == 1; h++)
    if (c == 'f')
      failures++;
  report("open: some holder was refused", failures > 0);
  report("open: creating, mkdir and exec fail", calls_fail());
  close(go[1]);                  // every holder reads end of file and exits
  while (wait() >= 0)
    ;
  close(up[0]);

  // 3. With the files let go, everything works again; no name was made.
  int all_open = 1;
  for (int i = 0; i < NFILES; i++) {
    int fd = open(name_of(i), O_RDONLY);
    if (fd < 0)
      all_open = 0;
    else
      close(fd);
  }
  report("afterwards every file opens", all_open);
  report("no half-made file or directory is left",
         open("h102_new", O_RDONLY) < 0 && open("h102_dir", O_RDONLY) < 0);
  int fd = open("h102_new", O_CREATE | O_RDWR);
  report("creating works again", fd >= 0 && close(fd) == 0 && unlink("h102_new") == 0);
  for (int i = 0; i < NFILES; i++)
    unlink(name_of(i));
  report("counters back at baseline", back_to_baseline());
  exit();
}
