// Statistics: kmstat() sees exactly the blocks this test holds. Ten
// kmalloc(100) are ten live 128-byte blocks with 1000 bytes requested
// (280 wasted); a kmalloc(4096) is one whole page with no waste; after the
// frees the counts return.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"
#include "kmstat.h"

int
main(int argc, char *argv[])
{
  struct kmstat a, b, c;
  void *p[10];

  check("kmstat works", kmstat(&a) == 0);
  check("block sizes 16..4096", a.order[0].size == 16 && a.order[KM_NORDER - 1].size == 4096);
  for(int i = 0; i < 10; i++)
    p[i] = kmalloc(100);
  void *page = kmalloc(4096);
  kmstat(&b);
  check("ten more live 128-byte blocks", b.order[3].live - a.order[3].live == 10);
  check("1000 more bytes requested", b.order[3].requested - a.order[3].requested == 1000);
  check("one more live page block", b.order[8].live - a.order[8].live == 1);
  check("page block wastes nothing",
        b.order[8].live * 4096 - b.order[8].requested ==
        a.order[8].live * 4096 - a.order[8].requested);
  for(int i = 0; i < 10; i++)
    kmfree(p[i]);
  kmfree(page);
  kmstat(&c);
  check("live counts back", c.order[3].live == a.order[3].live && c.order[8].live == a.order[8].live);
  check("requested bytes back", c.order[3].requested == a.order[3].requested);
  check("kmstat rejects a bad pointer", kmstat((struct kmstat *)0x80000000) == -1);
  exit();
}
