// Small helpers for user programs (there is no libc): gets, stat, atoi.
// The memory and string functions live one per file beside this one
// (see ustring.h).

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

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
