// fork with a MAP_SHARED anonymous mapping (made with fd -1 and no
// MAP_ANONYMOUS, the course's convention): parent and child see each
// other's writes, also in pages first touched after the fork, by either.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "mmtest.h"

int
main(int argc, char *argv[])
{
  char *s = mmap_or_exit("mmap MAP_SHARED with fd -1", 0, 4 * PGSIZE, RW, MAP_SHARED, -1, 0);
  s[0] = 'a';
  s[PGSIZE] = 'b';            // pages 2 and 3 untouched before fork

  int p2c[2], c2p[2];
  pipe_or_exit(p2c);
  pipe_or_exit(c2p);
  int pid = fork_with_pipes(p2c, c2p);
  if (pid == 0) {
    char c, res[2];
    res[0] = s[0] == 'a' && s[PGSIZE] == 'b' && s[2 * PGSIZE] == 0 ? 'y' : 'n';
    s[0] = 'c';                // page touched before fork
    s[2 * PGSIZE] = 'C';       // first touched now, by the child
    write(c2p[1], "1", 1);
    read(p2c[0], &c, 1);
    res[1] = s[PGSIZE + 1] == 'p' && s[3 * PGSIZE] == 'P' ? 'y' : 'n';
    s[3 * PGSIZE + 1] = 'Q';   // a page the parent touched first
    write(c2p[1], res, 2);
    exit();
  }
  char c, res[2];
  read(c2p[0], &c, 1);
  report("parent sees the child's write to a page touched before fork", s[0] == 'c');
  report("parent sees a page the child touched first after fork", s[2 * PGSIZE] == 'C');
  s[PGSIZE + 1] = 'p';
  s[3 * PGSIZE] = 'P';         // first touched now, by the parent
  write(p2c[1], "2", 1);
  int n = read(c2p[0], res, 2);
  wait();
  report("child saw the parent's data at fork", n == 2 && res[0] == 'y');
  report("child sees the parent's writes, also to a page the parent touched first",
         n == 2 && res[1] == 'y');
  report("parent sees the child's write to a page the parent touched first",
         s[3 * PGSIZE + 1] == 'Q');
  report("the shared data outlives the child", s[0] == 'c' && s[2 * PGSIZE] == 'C');
  if (fork() == 0) {
    munmap(s, 4 * PGSIZE);
    exit();
  }
  wait();
  s[1] = 'z';
  report("a child's munmap does not take the pages from the parent",
         s[0] == 'c' && s[1] == 'z' && s[3 * PGSIZE + 1] == 'Q');

  // Split by mprotect: each piece still maps its own pages of the set.
  mprotect(s + PGSIZE, PGSIZE, PROT_READ);
  if (fork() == 0) {
    s[2 * PGSIZE + 2] = 'S';
    s[3 * PGSIZE + 2] = 'T';
    s[2] = 'U';
    exit();
  }
  wait();
  report("after an mprotect split, a child's stores land on the right shared pages",
         s[2] == 'U' && s[2 * PGSIZE + 2] == 'S' && s[3 * PGSIZE + 2] == 'T' &&
         s[2 * PGSIZE] == 'C' && s[3 * PGSIZE] == 'P' && s[PGSIZE] == 'b' && s[PGSIZE + 2] == 0);
  exit();
}
