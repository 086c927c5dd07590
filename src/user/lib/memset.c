// memset: fill n bytes with a byte value.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

void *memset(void *dst, int c, uint n) {
  uchar *d = dst;
  uchar v = (uchar)c;
  // Byte stores until aligned, then whole words: memset shows up in
  // hot paths (zeroing buffers), so a little speed is worth it.
  while (n > 0 && ((uint)d & 3) != 0) {
    *d++ = v;
    n--;
  }
  if (n >= 4) {
    uint word = v * 0x01010101u;
    uint *w = (uint *)d;
    for (; n >= 4; n -= 4)
      *w++ = word;
    d = (uchar *)w;
  }
  while (n-- > 0)
    *d++ = v;
  return dst;
}
