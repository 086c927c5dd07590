// Blocks belong to the process that got them. A child cannot free its
// parent's block (and the parent cannot free the child's): kmfree returns
// -1 and the owner can still free it. A child that exits holding blocks
// gets them freed by exit: the free-page count comes back.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

int
main(int argc, char *argv[])
{
  int before = freepages();
  void *mine = kmalloc(300);
  int fds[2];
  check("parent block", mine != 0);
  if(pipe(fds) < 0){
    printf(1, "XV6_TEST_OUTPUT pipe failed\n");
    exit();
  }

  int pid = fork();
  if(pid == 0){
    close(fds[0]);
    // The parent's block is not ours.
    int r = kmfree(mine);
    void *own = kmalloc(300);
    int ok = r == -1 && own != 0 && kmfree(own) == 0;
    // Keep some blocks and pass one address to the parent.
    void *keep[20];
    for(int i = 0; i < 20; i++)
      keep[i] = kmalloc(64 + i * 200);
    for(int i = 0; i < 20; i++)
      if(keep[i] == 0)
        ok = 0;
    write(fds[1], &ok, sizeof(ok));
    write(fds[1], &keep[5], sizeof(keep[5]));
    close(fds[1]);
    // Wait until the parent has tried to free our block, then exit
    // without freeing anything.
    sleep(20);
    exit();
  }

  close(fds[1]);
  int childok = 0;
  void *theirs = 0;
  read(fds[0], &childok, sizeof(childok));
  read(fds[0], &theirs, sizeof(theirs));
  close(fds[0]);
  check("child cannot free the parent's block", childok);
  check("parent cannot free the child's block", theirs != 0 && kmfree(theirs) == -1);
  wait();
  check("parent's block survived", kmfree(mine) == 0);
  check("child's blocks stay unusable", kmfree(theirs) == -1);
  check("free pages unchanged after the child exited", freepages() == before);
  exit();
}
