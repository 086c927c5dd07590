// PC/AT keyboard (scan code set 1) feeding the console.
#include "types.h"
#include "arch/x86.h"
#include "dev/console.h"

#define KBD_STATUS 0x64
#define KBD_DATA   0x60
#define KBD_HAVE_DATA 0x01

#define SHIFT 0x01
#define CTRL  0x02
#define ALT   0x04
#define CAPS  0x08
#define E0ESC 0x40   // the previous byte was the 0xE0 escape

#define C(x) ((x) - '@')   // control-x

// Scan codes 0x00..0x39 without and with shift.
static const char plain[0x3A] =
  "\0\x1b" "1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[0x3A] =
  "\0\x1b" "!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

static int modifier_bit(uchar code) {
  switch (code) {
  case 0x2A: case 0x36: return SHIFT;
  case 0x1D: return CTRL;
  case 0x38: return ALT;
  }
  return 0;
}

static int kbdgetc(void) {
  static uint state;
  if (!(inb(KBD_STATUS) & KBD_HAVE_DATA))
    return -1;
  uchar code = inb(KBD_DATA);

  if (code == 0xE0) {
    state |= E0ESC;
    return 0;
  }
  if (code & 0x80) {             // key released
    state &= ~(modifier_bit(code & 0x7F) | E0ESC);
    return 0;
  }
  if (state & E0ESC) {           // extended keys: only right ctrl/alt matter
    state &= ~E0ESC;
    state |= modifier_bit(code) & (CTRL | ALT);
    return 0;
  }
  int mod = modifier_bit(code);
  if (mod) {
    state |= mod;
    return 0;
  }
  if (code == 0x3A) {            // caps lock toggles
    state ^= CAPS;
    return 0;
  }
  if (code >= sizeof(plain))
    return 0;

  int c = (state & SHIFT) ? shifted[code] : plain[code];
  if (state & CAPS) {
    if ('a' <= c && c <= 'z')
      c += 'A' - 'a';
    else if ('A' <= c && c <= 'Z')
      c += 'a' - 'A';
  }
  if ((state & CTRL) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
    c = C(c & ~0x20);
  return c;
}

void kbdintr(void) {
  consoleintr(kbdgetc);
}
