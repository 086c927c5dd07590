// A process may hold at most NKMUSER (1024) blocks through kmalloc(): the
// 1025th call returns 0, freeing one makes room for one more, and a child
// that exits holding the full 1024 (of 4096 bytes: 4 MiB) gives all of
// them back.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

#define NKMUSER 1024

static void *blk[NKMUSER + 1];

int
main(int argc, char *argv[])
{
  int before = freepages();
  int n = 0;
  while(n <= NKMUSER && (blk[n] = kmalloc(16)) != 0)
    n++;
  check("exactly 1024 blocks", n == NKMUSER);
  check("the next one is refused", kmalloc(16) == 0);
  check("free one", kmfree(blk[100]) == 0);
  blk[100] = kmalloc(32);
  check("room for one more", blk[100] != 0);
  check("then refused again", kmalloc(4096) == 0);
  int ok = 1;
  for(int i = 0; i < n; i++)
    if(kmfree(blk[i]) != 0)
      ok = 0;
  check("free all 1024", ok);
  check("free pages unchanged", freepages() == before);

  int pid = fork();
  if(pid == 0){
    int got = 0;
    while(got <= NKMUSER && kmalloc(4096) != 0)
      got++;
    printf(1, "XV6_TEST_OUTPUT child got %d blocks of 4096\n", got);
    exit();
  }
  wait();
  check("free pages unchanged after the child exited", freepages() == before);
  exit();
}
