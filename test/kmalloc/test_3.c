// Size limits: kmalloc(4096) and kmalloc(1) succeed; kmalloc(4097),
// kmalloc(0) and a huge size return 0; kmfree(0) returns 0.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "kmtest_util.h"

int
main(int argc, char *argv[])
{
  int before = freepages();
  void *p = kmalloc(4096);
  check("kmalloc(4096) succeeds", p != 0);
  check("kmfree of it returns 0", kmfree(p) == 0);
  p = kmalloc(1);
  check("kmalloc(1) succeeds", p != 0);
  check("kmfree of it returns 0", kmfree(p) == 0);
  check("kmalloc(4097) returns 0", kmalloc(4097) == 0);
  check("kmalloc(0) returns 0", kmalloc(0) == 0);
  check("kmalloc(0xffffffff) returns 0", kmalloc(0xffffffff) == 0);
  check("kmalloc(0x80000000) returns 0", kmalloc(0x80000000) == 0);
  check("kmfree(0) returns 0", kmfree(0) == 0);
  check("free pages unchanged", freepages() == before);
  exit();
}
