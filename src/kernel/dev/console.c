// The console device: output to the serial port and the CGA screen,
// input from either with simple line editing, and kernel printf/panic.
#include "types.h"
#include "param.h"
#include "memlayout.h"
#include "traps.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "lock/spinlock.h"
#include "proc/proc.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "dev/console.h"
#include "lib/klib.h"

// No libc headers in the kernel: the compiler provides varargs.
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

#define BACKSPACE 0x100   // internal code: erase one character
#define C(x) ((x) - '@')

static struct spinlock cons_lock;
static int cons_locking;            // 0 while panicking or before init
static volatile int panicked;       // freezes every CPU's output

// ---- output ----

#define CRT_PORT 0x3D4
static ushort *crt = (ushort *)P2V(0xB8000);   // 80x25 text, colour
#define CRT_COLS 80
#define CRT_ROWS 25
#define CRT_ATTR 0x0700                        // grey on black

static int crt_get_cursor(void) {
  outb(CRT_PORT, 14);
  int pos = inb(CRT_PORT + 1) << 8;
  outb(CRT_PORT, 15);
  return pos | inb(CRT_PORT + 1);
}

static void crt_set_cursor(int pos) {
  outb(CRT_PORT, 14);
  outb(CRT_PORT + 1, pos >> 8);
  outb(CRT_PORT, 15);
  outb(CRT_PORT + 1, pos);
}

static void crt_putc(int c) {
  int pos = crt_get_cursor();
  if (c == '\n')
    pos += CRT_COLS - pos % CRT_COLS;
  else if (c == BACKSPACE) {
    if (pos > 0)
      pos--;
  } else
    crt[pos++] = (c & 0xFF) | CRT_ATTR;

  if (pos < 0 || pos > CRT_ROWS * CRT_COLS)
    pos = 0;
  if (pos / CRT_COLS >= CRT_ROWS - 1) {   // scroll up one line
    memmove(crt, crt + CRT_COLS, sizeof(crt[0]) * (CRT_ROWS - 2) * CRT_COLS);
    pos -= CRT_COLS;
    memset(crt + pos, 0, sizeof(crt[0]) * (CRT_ROWS * CRT_COLS - pos));
  }
  crt_set_cursor(pos);
  crt[pos] = ' ' | CRT_ATTR;
}

static void cons_putc(int c) {
  if (panicked) {   // another CPU panicked: stop here
    cli();
    for (;;)
      hlt();
  }
  if (c == BACKSPACE) {
    uartputc('\b');
    uartputc(' ');
    uartputc('\b');
  } else {
    uartputc(c);
  }
  crt_putc(c);
}

static void print_number(uint value, int base, int is_signed) {
  static const char digits[] = "0123456789abcdef";
  char buf[16];
  int neg = is_signed && (int)value < 0;
  uint x = neg ? -(int)value : value;
  int i = 0;
  do {
    buf[i++] = digits[x % base];
  } while ((x /= base) != 0);
  if (neg)
    buf[i++] = '-';
  while (--i >= 0)
    cons_putc(buf[i]);
}

// Kernel printf: %d %u %x %p %s %c %%.
void cprintf(const char *fmt, ...) {
  int locking = cons_locking;
  if (locking)
    acquire(&cons_lock);
  if (fmt == 0)
    panic("cprintf: null format");

  va_list ap;
  va_start(ap, fmt);
  for (const char *f = fmt; *f; f++) {
    if (*f != '%') {
      cons_putc(*f);
      continue;
    }
    switch (*++f) {
    case 'd': print_number(va_arg(ap, int), 10, 1); break;
    case 'u': print_number(va_arg(ap, uint), 10, 0); break;
    case 'x':
    case 'p': print_number(va_arg(ap, uint), 16, 0); break;
    case 'c': cons_putc(va_arg(ap, int)); break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      for (s = s ? s : "(null)"; *s; s++)
        cons_putc(*s);
      break;
    }
    case '%': cons_putc('%'); break;
    case 0: f--; break;                      // format ends in '%'
    default: cons_putc('%'); cons_putc(*f); break;
    }
  }
  va_end(ap);
  if (locking)
    release(&cons_lock);
}

void panic(const char *msg) {
  cli();
  cons_locking = 0;   // print even if the console lock is held
  cprintf("panic (cpu %d): %s\n", lapicid(), msg);
  uint pcs[10];
  getcallerpcs(&msg, pcs);
  cprintf("stack:");
  for (int i = 0; i < 10 && pcs[i]; i++)
    cprintf(" 0x%x", pcs[i]);
  cprintf("\n");
  panicked = 1;
  for (;;)
    hlt();
}

// ---- input ----

#define INPUT_SIZE 128
static struct {
  char buf[INPUT_SIZE];
  uint r;   // next byte read() returns
  uint w;   // end of committed lines
  uint e;   // end of the line being edited
} input;

// Called from keyboard and serial interrupts with a function that
// returns the next character (or -1 when there is none).
void consoleintr(int (*getc)(void)) {
  int c, dump = 0;
  acquire(&cons_lock);
  while ((c = getc()) >= 0) {
    switch (c) {
    case C('P'):        // list processes (after releasing the lock)
      dump = 1;
      break;
    case C('U'):        // erase the line
      while (input.e != input.w && input.buf[(input.e - 1) % INPUT_SIZE] != '\n') {
        input.e--;
        cons_putc(BACKSPACE);
      }
      break;
    case C('H'):
    case '\x7f':        // backspace
      if (input.e != input.w) {
        input.e--;
        cons_putc(BACKSPACE);
      }
      break;
    default:
      if (c == 0 || input.e - input.r >= INPUT_SIZE)
        break;
      c = (c == '\r') ? '\n' : c;
      input.buf[input.e++ % INPUT_SIZE] = c;
      cons_putc(c);
      if (c == '\n' || c == C('D') || input.e == input.r + INPUT_SIZE) {
        input.w = input.e;   // a whole line (or EOF) is ready
        wakeup(&input.r);
      }
    }
  }
  release(&cons_lock);
  if (dump)
    procdump();
}

static int consoleread(struct inode *ip, char *dst, int n) {
  int want = n;
  iunlock(ip);
  acquire(&cons_lock);
  while (n > 0) {
    while (input.r == input.w) {
      if (myproc()->killed) {
        release(&cons_lock);
        ilock(ip);
        return -1;
      }
      sleep(&input.r, &cons_lock);
    }
    int c = input.buf[input.r++ % INPUT_SIZE];
    if (c == C('D')) {
      // End of file. If we already have data, keep the ^D for the
      // next read so that one returns 0.
      if (n < want)
        input.r--;
      break;
    }
    *dst++ = c;
    n--;
    if (c == '\n')
      break;
  }
  release(&cons_lock);
  ilock(ip);
  return want - n;
}

static int consolewrite(struct inode *ip, char *src, int n) {
  iunlock(ip);
  acquire(&cons_lock);
  for (int i = 0; i < n; i++)
    cons_putc(src[i] & 0xFF);
  release(&cons_lock);
  ilock(ip);
  return n;
}

void consoleinit(void) {
  initlock(&cons_lock, "console");
  devsw[CONSOLE].read = consoleread;
  devsw[CONSOLE].write = consolewrite;
  cons_locking = 1;
  ioapicenable(IRQ_KBD, 0);
}
