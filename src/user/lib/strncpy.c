// strncpy: copy at most n bytes of a string, padding with NULs.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

// As in C, the result is not terminated when src has n or more bytes.
char *strncpy(char *dst, const char *src, uint n) {
  uint i = 0;
  for (; i < n && src[i] != '\0'; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = '\0';
  return dst;
}
