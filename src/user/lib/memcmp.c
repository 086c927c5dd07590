// memcmp: compare n bytes.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

// Bytes compare as unsigned, as in C.
int memcmp(const void *a, const void *b, uint n) {
  const uchar *p = a;
  const uchar *q = b;
  for (; n > 0; n--, p++, q++)
    if (*p != *q)
      return (int)*p - (int)*q;
  return 0;
}
