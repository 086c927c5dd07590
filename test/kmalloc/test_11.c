// Besides the per-process limit, all processes together may hold at most
// 64 MiB through kmalloc(): seventeen processes each trying to hold 1024
// blocks of 4096 bytes (68 MiB) get 16384 blocks in all. When they exit,
// every page comes back.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

#define NCHILD 17

int
main(int argc, char *argv[])
{
  int before = freepages();
  int counts[2], go[2];
  pipe_or_exit(counts);
  pipe_or_exit(go);
  for(int c = 0; c < NCHILD; c++){
    if(fork_or_exit() == 0){
      close(counts[0]);
      close(go[1]);
      int got = 0;
      while(got < 1024 && kmalloc(4096) != 0)
        got++;
      write(counts[1], &got, sizeof(got));
      char x;
      read(go[0], &x, 1);        // hold the blocks until the parent says go
      exit();
    }
  }
  close(counts[1]);
  close(go[0]);
  int total = 0, got;
  for(int c = 0; c < NCHILD; c++)
    if(read(counts[0], &got, sizeof(got)) == sizeof(got))
      total += got;
  printf(1, "XV6_TEST_OUTPUT %d processes hold %d blocks of 4096 in all\n", NCHILD, total);
  close(go[1]);                  // every child's read returns 0: they exit
  close(counts[0]);
  for(int c = 0; c < NCHILD; c++)
    wait();
  say_free_pages(before, 0);
  exit();
}
