// The memory is real and distinct: the in-kernel self-test allocates
// random sizes, fills every byte with a pattern, checks alignment, that no
// two live blocks overlap and that patterns survive, frees in random order
// and checks that every page went back.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

int
main(int argc, char *argv[])
{
  int before = freepages();
  int seeds[] = { 1, 2, 3, 12345, 77777 };
  for(int i = 0; i < 5; i++){
    int r = kmtest(seeds[i], 3000);
    if(r == 0)
      printf(1, "XV6_TEST_OUTPUT kmtest seed %d: pass\n", seeds[i]);
    else
      printf(1, "XV6_TEST_OUTPUT kmtest seed %d: error %d\n", seeds[i], r);
  }
  printf(1, "XV6_TEST_OUTPUT kmtest with no rounds: %d\n", kmtest(5, 0));
  printf(1, "XV6_TEST_OUTPUT kmtest with bad rounds: %d\n", kmtest(5, -1));
  say_free_pages(before, 0);
  exit();
}
