// fork with a private anonymous mapping: the child sees the parent's data
// (and zeros in untouched pages); after that, every write, by either side
// and by store or by read() into the page, stays with the writer.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

int page_is(char *p, char c) {
  for (int i = 0; i < PGSIZE; i++)
    if (p[i] != c)
      return 0;
  return 1;
}

int
main(int argc, char *argv[])
{
  char *p = mmap_or_exit("mmap", 0, 6 * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int pg = 0; pg < 4; pg++)
    memset(p + pg * PGSIZE, 'A' + pg, PGSIZE);   // pages 4, 5 untouched

  int p2c[2], c2p[2], data[2];
  pipe_or_exit(p2c);
  pipe_or_exit(c2p);
  pipe_or_exit(data);
  int pid = fork_with_pipes(p2c, c2p);
  if (pid == 0) {
    char res[4], c;
    close(data[1]);
    res[0] = page_is(p, 'A') && page_is(p + PGSIZE, 'B') && page_is(p + 3 * PGSIZE, 'D') &&
             page_is(p + 4 * PGSIZE, 0) ? 'y' : 'n';
    memset(p, 'c', PGSIZE);                       // COW page
    memset(p + 4 * PGSIZE, 'c', PGSIZE);          // untouched page
    read(data[0], p + PGSIZE + 100, 4);           // kernel writes a COW page
    write(c2p[1], "1", 1);
    read(p2c[0], &c, 1);                          // parent has written now
    res[1] = page_is(p + 2 * PGSIZE, 'C') && page_is(p + 5 * PGSIZE, 0) ? 'y' : 'n';
    res[2] = page_is(p, 'c') && p[PGSIZE + 100] == 'K' && p[PGSIZE + 103] == 'K' &&
             p[PGSIZE + 99] == 'B' ? 'y' : 'n';
    write(c2p[1], res, 3);
    exit();
  }
  close(data[0]);
  write(data[1], "KKKK", 4);
  char c, res[3];
  read(c2p[0], &c, 1);
  report("parent's page 0 unchanged by the child's write", page_is(p, 'A'));
  report("parent's untouched page still zero after the child wrote it", page_is(p + 4 * PGSIZE, 0));
  report("parent's page 1 unchanged by read() into the child's copy", page_is(p + PGSIZE, 'B'));
  memset(p + 2 * PGSIZE, 'P', PGSIZE);
  memset(p + 5 * PGSIZE, 'P', PGSIZE);
  write(p2c[1], "2", 1);
  int n = read(c2p[0], res, 3);
  wait();
  report("child saw the parent's data and zeros at fork", n == 3 && res[0] == 'y');
  report("child unaffected by the parent's later writes", n == 3 && res[1] == 'y');
  report("child kept its own writes", n == 3 && res[2] == 'y');
  report("parent kept its own writes",
         page_is(p + 2 * PGSIZE, 'P') && page_is(p + 5 * PGSIZE, 'P') && page_is(p + 3 * PGSIZE, 'D'));
  exit();
}
