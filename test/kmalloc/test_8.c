// Leak checks: five children in turn allocate 200 blocks of many sizes,
// free half of them and exit holding the rest; then a process allocates and
// frees in random order. Free pages and the allocator's live-block counts
// must come back to where they started.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"
#include "kmstat.h"

static uint seed = 1;

static uint
rnd(void)
{
  seed = seed * 1103515245 + 12345;
  return (seed >> 8) & 0xffffff;
}

static int
livecount(void)
{
  struct kmstat st;
  int n = 0;
  if(kmstat(&st) < 0)
    return -1;
  for(int k = 0; k < KM_NORDER; k++)
    n += st.order[k].live;
  return n;
}

int
main(int argc, char *argv[])
{
  int before = freepages();
  int live0 = livecount();

  for(int c = 0; c < 5; c++){
    int pid = fork();
    if(pid == 0){
      void *b[200];
      seed = 100 + c;
      for(int i = 0; i < 200; i++)
        b[i] = kmalloc(1 + rnd() % 4096);
      for(int i = 0; i < 200; i += 2)
        kmfree(b[i]);
      exit();
    }
    wait();
  }
  int after = freepages();
  if(after == before)
    printf(1, "XV6_TEST_OUTPUT children exiting with blocks: no leak\n");
  else
    printf(1, "XV6_TEST_OUTPUT children exiting with blocks: %d pages lost\n", before - after);

  void *b[300];
  seed = 7;
  int ok = 1;
  for(int i = 0; i < 300; i++)
    if((b[i] = kmalloc(1 + rnd() % 4096)) == 0)
      ok = 0;
  // Free in a random order (Fisher-Yates).
  for(int i = 299; i > 0; i--){
    int j = rnd() % (i + 1);
    void *t = b[i];
    b[i] = b[j];
    b[j] = t;
  }
  for(int i = 0; i < 300; i++)
    if(b[i] && kmfree(b[i]) != 0)
      ok = 0;
  printf(1, "XV6_TEST_OUTPUT 300 random sizes freed in random order: %s\n",
         ok ? "ok" : "WRONG");

  say_free_pages(before, 0);
  if(livecount() == live0)
    printf(1, "XV6_TEST_OUTPUT live blocks unchanged\n");
  else
    printf(1, "XV6_TEST_OUTPUT live blocks %d before, %d after\n", live0, livecount());
  exit();
}
