// memchr: first occurrence of a byte in n bytes.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

void *memchr(const void *s, int c, uint n) {
  const uchar *p = s;
  for (; n > 0; n--, p++)
    if (*p == (uchar)c)
      return (void *)p;
  return 0;
}
