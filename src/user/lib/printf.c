// Formatted output for user programs: printf(fd, fmt, ...).
//
// Conversions: %d %i %u %x %X %p %s %c %%, with an optional '-' or '0' flag,
// a field width, and 'l'/'h' length letters (accepted and ignored: int and
// long are the same size here). As in xv6, %p prints plain hex digits with
// no "0x" in front.
//
// Output is collected in a buffer and handed to write() in one piece when
// the call ends (or the buffer fills), so that a line printed by one
// process is not broken up by output from another.

#include "types.h"
#include "user.h"

// -nostdinc hides <stdarg.h>; the compiler builtins are all it wraps.
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type)   __builtin_va_arg(ap, type)
#define va_end(ap)         __builtin_va_end(ap)

#define OUTBUF 512

struct out {
  int fd;
  int len;
  char buf[OUTBUF];
};

static void flush(struct out *o) {
  if (o->len > 0)
    write(o->fd, o->buf, o->len);
  o->len = 0;
}

static void put(struct out *o, char c) {
  if (o->len == OUTBUF)
    flush(o);
  o->buf[o->len++] = c;
}

// Emit `s` (n bytes) in a field of `width`, padded on the left with
// `pad` or on the right with blanks when `left` is set.
static void field(struct out *o, const char *s, int n, int width, int left, char pad) {
  int fill = width > n ? width - n : 0;
  if (!left) {
    // Zero padding goes after a minus sign, not before it.
    if (pad == '0' && n > 0 && s[0] == '-') {
      put(o, '-');
      s++;
      n--;
    }
    while (fill-- > 0)
      put(o, pad);
  }
  for (int i = 0; i < n; i++)
    put(o, s[i]);
  if (left)
    while (fill-- > 0)
      put(o, ' ');
}

// Digits of v in `base` (10 or 16), with a leading '-' when neg.
// Only 32-bit arithmetic: there is no runtime for 64-bit division.
static int numtext(char *tmp, uint v, uint base, int neg, int upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char rev[12];
  int n = 0, len = 0;
  do {
    rev[n++] = digits[v % base];
    v /= base;
  } while (v != 0);
  if (neg)
    tmp[len++] = '-';
  while (n > 0)
    tmp[len++] = rev[--n];
  return len;
}

void printf(int fd, const char *fmt, ...) {
  struct out o;
  va_list ap;
  char tmp[16];

  o.fd = fd;
  o.len = 0;
  va_start(ap, fmt);
  for (const char *p = fmt; *p != '\0'; p++) {
    if (*p != '%') {
      put(&o, *p);
      continue;
    }
    p++;
    int left = 0, width = 0;
    char pad = ' ';
    for (; *p == '-' || *p == '0'; p++) {
      if (*p == '-')
        left = 1;
      else
        pad = '0';
    }
    for (; *p >= '0' && *p <= '9'; p++)
      width = width * 10 + (*p - '0');
    while (*p == 'l' || *p == 'h')
      p++;
    if (left)
      pad = ' ';

    int n;
    switch (*p) {
    case 'd':
    case 'i': {
      int v = va_arg(ap, int);
      // Negate in unsigned arithmetic so INT_MIN comes out right.
      n = numtext(tmp, v < 0 ? 0u - (uint)v : (uint)v, 10, v < 0, 0);
      field(&o, tmp, n, width, left, pad);
      break;
    }
    case 'u':
      n = numtext(tmp, va_arg(ap, uint), 10, 0, 0);
      field(&o, tmp, n, width, left, pad);
      break;
    case 'x':
    case 'X':
      n = numtext(tmp, va_arg(ap, uint), 16, 0, *p == 'X');
      field(&o, tmp, n, width, left, pad);
      break;
    case 'p':
      n = numtext(tmp, (uint)va_arg(ap, void *), 16, 0, 0);
      field(&o, tmp, n, width, left, pad);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s == 0)
        s = "(null)";
      field(&o, s, (int)strlen(s), width, left, ' ');
      break;
    }
    case 'c':
      tmp[0] = (char)va_arg(ap, int);
      field(&o, tmp, 1, width, left, ' ');
      break;
    case '%':
      put(&o, '%');
      break;
    case '\0':
      // A lone '%' at the very end: print it and stop.
      put(&o, '%');
      p--;
      break;
    default:
      // Unknown conversion: show it as written so the mistake is visible.
      put(&o, '%');
      put(&o, *p);
      break;
    }
  }
  va_end(ap);
  flush(&o);
}
