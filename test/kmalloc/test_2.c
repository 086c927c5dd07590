// Loops of kmalloc/kmfree over many sizes: the edges of every block size,
// then every seventh size from 1 to 4096 with up to 64 blocks live at once.
// All must succeed, live blocks must be distinct, and nothing may leak.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

static uint edges[] = {
  1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257,
  500, 511, 512, 513, 1000, 1023, 1024, 1025, 2000, 2047, 2048, 2049, 3000,
  4095, 4096,
};

#define RING 64

int
main(int argc, char *argv[])
{
  int before = freepages();
  int bad = 0;

  for(int e = 0; e < sizeof(edges) / sizeof(edges[0]) && !bad; e++){
    for(int r = 0; r < 50; r++){
      void *p = kmalloc(edges[e]);
      if(p == 0 || kmfree(p) != 0){
        printf(1, "XV6_TEST_OUTPUT size %d failed\n", edges[e]);
        bad = 1;
        break;
      }
    }
  }
  if(!bad)
    printf(1, "XV6_TEST_OUTPUT block-size edges ok\n");

  void *ring[RING];
  int n = 0;
  for(int i = 0; i < RING; i++)
    ring[i] = 0;
  for(uint size = 1; size <= 4096 && !bad; size += 7){
    int slot = n++ % RING;
    if(ring[slot] && kmfree(ring[slot]) != 0){
      printf(1, "XV6_TEST_OUTPUT kmfree of a live block failed\n");
      bad = 1;
    }
    ring[slot] = kmalloc(size);
    if(ring[slot] == 0){
      printf(1, "XV6_TEST_OUTPUT kmalloc(%d) failed\n", size);
      bad = 1;
    }
    for(int j = 0; j < RING && !bad; j++)
      if(j != slot && ring[j] == ring[slot]){
        printf(1, "XV6_TEST_OUTPUT two live blocks at the same address\n");
        bad = 1;
      }
  }
  for(int i = 0; i < RING; i++)
    if(ring[i] && kmfree(ring[i]) != 0)
      bad = 1;
  if(!bad)
    printf(1, "XV6_TEST_OUTPUT sizes 1..4096 with 64 live ok\n");

  say_free_pages(before, 1);
  exit();
}
