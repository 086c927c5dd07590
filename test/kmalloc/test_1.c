// 500 rounds of kmalloc(2000)/kmfree, as the course's test does, and no
// page may leak.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

int
main(int argc, char *argv[])
{
  int before = freepages();
  int bad = 0;
  for(int i = 0; i < 500; i++){
    void *p = kmalloc(2000);
    if(p == 0){
      printf(1, "XV6_TEST_OUTPUT kmalloc(2000) failed in round %d\n", i);
      bad = 1;
      break;
    }
    if(kmfree(p) != 0){
      printf(1, "XV6_TEST_OUTPUT kmfree failed in round %d\n", i);
      bad = 1;
      break;
    }
  }
  if(!bad)
    printf(1, "XV6_TEST_OUTPUT 500 rounds of kmalloc(2000)/kmfree ok\n");
  say_free_pages(before, 1);
  exit();
}
