// Memory and string helpers for the freestanding kernel.
#include "types.h"
#include "arch/x86.h"
#include "lib/klib.h"

void *memset(void *dst, int c, uint n) {
  // Whole words when everything is aligned: rep stosl is much faster.
  if ((uint)dst % 4 == 0 && n % 4 == 0) {
    uint b = c & 0xFF;
    stosl(dst, (b << 24) | (b << 16) | (b << 8) | b, n / 4);
  } else {
    stosb(dst, c, n);
  }
  return dst;
}

int memcmp(const void *a, const void *b, uint n) {
  const uchar *x = a, *y = b;
  for (; n > 0; n--, x++, y++)
    if (*x != *y)
      return *x - *y;
  return 0;
}

void *memmove(void *dst, const void *src, uint n) {
  const char *s = src;
  char *d = dst;
  if ((s >= d || s + n <= d) && (((uint)s | (uint)d | n) & 3) == 0) {
    // Forward copy of whole aligned words (page copies for fork and
    // copy-on-write): rep movsl moves 4 bytes per step.
    uint words = n / 4;
    asm volatile("cld; rep movsl" : "+D"(d), "+S"(s), "+c"(words) : : "memory", "cc");
    return dst;
  }
  if (s < d && s + n > d) {
    // Overlap with the destination above: copy backwards.
    s += n;
    d += n;
    while (n-- > 0)
      *--d = *--s;
  } else {
    while (n-- > 0)
      *d++ = *s++;
  }
  return dst;
}

// The compiler may emit calls to memcpy for structure copies.
void *memcpy(void *dst, const void *src, uint n) {
  return memmove(dst, src, n);
}

int strncmp(const char *a, const char *b, uint n) {
  for (; n > 0 && *a && *a == *b; n--, a++, b++)
    ;
  if (n == 0)
    return 0;
  return (uchar)*a - (uchar)*b;
}

// Like C's strncpy: pads with NULs, may leave dst unterminated.
char *strncpy(char *dst, const char *src, int n) {
  char *d = dst;
  while (n > 0 && (*d = *src) != 0) {
    d++;
    src++;
    n--;
  }
  while (n-- > 1)
    *++d = 0;
  return dst;
}

char *safestrcpy(char *dst, const char *src, int n) {
  char *d = dst;
  if (n <= 0)
    return dst;
  while (--n > 0 && (*d = *src) != 0) {
    d++;
    src++;
  }
  *d = 0;
  return dst;
}

int strlen(const char *s) {
  int n = 0;
  while (s[n])
    n++;
  return n;
}
