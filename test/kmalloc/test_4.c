// Bad kmfree calls return -1 and change nothing: random, user and kernel
// addresses, pointers into or next to our own blocks, a block already freed,
// and freeing twice. The kernel must not panic and must keep working.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

int
main(int argc, char *argv[])
{
  int before = freepages();
  int local = 0;
  char *p = kmalloc(100);
  char *q = kmalloc(4096);
  check("two blocks", p != 0 && q != 0);

  check("random address", kmfree((void *)0x12345) == -1);
  check("user stack address", kmfree(&local) == -1);
  check("user code address", kmfree((void *)check) == -1);
  check("kernel text address", kmfree((void *)0x80100000) == -1);
  check("KERNBASE", kmfree((void *)0x80000000) == -1);
  check("top of memory", kmfree((void *)0xfffffff0) == -1);
  check("inside our block", kmfree(p + 16) == -1);
  check("misaligned", kmfree(p + 1) == -1);
  check("inside our page block", kmfree(q + 2048) == -1);
  check("just past our block", kmfree(p + 128) == -1);

  check("free p", kmfree(p) == 0);
  check("free p again", kmfree(p) == -1);
  check("free q", kmfree(q) == 0);
  check("free q again", kmfree(q) == -1);

  // Many stale pointers: a whole batch freed, then freed again.
  void *b[50];
  int ok = 1;
  for(int i = 0; i < 50; i++)
    if((b[i] = kmalloc(16 + i * 80)) == 0)
      ok = 0;
  for(int i = 0; i < 50; i++)
    if(b[i] && kmfree(b[i]) != 0)
      ok = 0;
  for(int i = 0; i < 50; i++)
    if(b[i] && kmfree(b[i]) != -1)
      ok = 0;
  check("50 stale pointers", ok);

  p = kmalloc(100);
  check("still works", p != 0 && kmfree(p) == 0);
  check("free pages unchanged", freepages() == before);
  exit();
}
