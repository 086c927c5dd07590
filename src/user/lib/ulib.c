// Small string and memory helpers for user programs (there is no libc).
//
// Deliberately no memcmp here: course test programs supply their own and
// would clash with ours at link time.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

char *strcpy(char *dst, const char *src) {
  char *d = dst;
  while ((*d++ = *src++) != '\0')
    ;
  return dst;
}

// Compare as unsigned bytes so that characters above 0x7f sort last.
int strcmp(const char *a, const char *b) {
  const uchar *p = (const uchar *)a;
  const uchar *q = (const uchar *)b;
  while (*p != '\0' && *p == *q) {
    p++;
    q++;
  }
  return (int)*p - (int)*q;
}

uint strlen(const char *s) {
  const char *e = s;
  while (*e != '\0')
    e++;
  return (uint)(e - s);
}

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

// First occurrence of c in s, or 0. Like C's strchr, asking for '\0'
// finds the terminator.
char *strchr(const char *s, char c) {
  for (;; s++) {
    if (*s == c)
      return (char *)s;
    if (*s == '\0')
      return 0;
  }
}

// Read one line (keeping the newline) into buf, at most max-1 bytes, and
// NUL-terminate it. At end of input the result is the empty string.
char *gets(char *buf, int max) {
  int n = 0;
  while (n + 1 < max) {
    char c;
    if (read(0, &c, 1) != 1)
      break;
    buf[n++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  if (max > 0)
    buf[n] = '\0';
  return buf;
}

int stat(const char *path, struct stat *st) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int r = fstat(fd, st);
  close(fd);
  return r;
}

// Decimal string to int; skips leading blanks and takes an optional sign.
int atoi(const char *s) {
  int neg = 0;
  uint v = 0;
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == '-' || *s == '+')
    neg = (*s++ == '-');
  while (*s >= '0' && *s <= '9')
    v = v * 10 + (uint)(*s++ - '0');
  return neg ? -(int)v : (int)v;
}

// Copy n bytes; the regions may overlap, so pick the safe direction.
void *memmove(void *dst, const void *src, int n) {
  uchar *d = dst;
  const uchar *s = src;
  if (n <= 0 || d == s)
    return dst;
  if (d < s || d >= s + n) {
    while (n-- > 0)
      *d++ = *s++;
  } else {
    d += n;
    s += n;
    while (n-- > 0)
      *--d = *--s;
  }
  return dst;
}
