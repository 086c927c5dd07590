// strncmp: compare at most n bytes of two strings.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

int strncmp(const char *a, const char *b, uint n) {
  const uchar *p = (const uchar *)a;
  const uchar *q = (const uchar *)b;
  for (; n > 0; n--, p++, q++) {
    if (*p != *q)
      return (int)*p - (int)*q;
    if (*p == '\0')
      return 0;
  }
  return 0;
}
