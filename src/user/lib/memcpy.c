// memcpy: copy n bytes between regions that do not overlap.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

// clang emits calls to memcpy for struct copies and array initializers
// even in freestanding code, so every program may need it.
void *memcpy(void *dst, const void *src, uint n) {
  uchar *d = dst;
  const uchar *s = src;
  while (n-- > 0)
    *d++ = *s++;
  return dst;
}
