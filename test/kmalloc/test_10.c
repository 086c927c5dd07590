// Several processes at once (on several CPUs) allocate and free random
// sizes, each checking its own results, while another process keeps
// draining every CPU's kmalloc cache (freepages() does that); then nothing
// may have leaked.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

#define NCHILD 4
#define NLIVE 64

int
main(int argc, char *argv[])
{
  int before = freepages();
  int fds[2];
  pipe_or_exit(fds);
  for(int c = 0; c < NCHILD; c++){
    if(fork() == 0){
      uint seed = 31 + c;
      void *live[NLIVE];
      int ok = 1;
      for(int i = 0; i < NLIVE; i++)
        live[i] = 0;
      for(int i = 0; i < 6000; i++){
        seed = seed * 1103515245 + 12345;
        int j = (seed >> 8) % NLIVE;
        if(live[j]){
          if(kmfree(live[j]) != 0)
            ok = 0;
          if(kmfree(live[j]) != -1)     // double free is refused
            ok = 0;
          live[j] = 0;
        } else {
          live[j] = kmalloc(1 + (seed >> 12) % 4096);
          if(live[j] == 0)
            ok = 0;
        }
      }
      for(int i = 0; i < NLIVE; i++)
        if(live[i] && kmfree(live[i]) != 0)
          ok = 0;
      write(fds[1], &ok, sizeof(ok));
      exit();
    }
  }
  int drainer = fork();
  if(drainer == 0){
    for(int i = 0; i < 3000; i++)
      freepages();
    exit();
  }
  close(fds[1]);
  int good = 0, ok;
  for(int c = 0; c < NCHILD; c++)
    if(read(fds[0], &ok, sizeof(ok)) == sizeof(ok) && ok)
      good++;
  close(fds[0]);
  for(int c = 0; c < NCHILD + 1; c++)
    wait();
  printf(1, "XV6_TEST_OUTPUT %d of %d concurrent processes ok\n", good, NCHILD);
  say_free_pages(before, 0);
  exit();
}
