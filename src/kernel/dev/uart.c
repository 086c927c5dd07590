// 16550 UART on COM1: the serial console.
#include "types.h"
#include "traps.h"
#include "arch/x86.h"
#include "arch/arch.h"
#include "dev/console.h"

#define COM1 0x3F8
// Register offsets from COM1.
#define UART_DATA 0   // receive / transmit (divisor low when DLAB set)
#define UART_IER  1   // interrupt enable (divisor high when DLAB set)
#define UART_FCR  2   // FIFO control
#define UART_IIR  2   // interrupt identification
#define UART_LCR  3   // line control
#define UART_MCR  4   // modem control
#define UART_LSR  5   // line status
#define   LSR_RX_READY 0x01
#define   LSR_TX_EMPTY 0x20

static int present;

void uartinit(void) {
  outb(COM1 + UART_FCR, 0);            // FIFOs off
  outb(COM1 + UART_LCR, 0x80);         // DLAB: set the baud divisor
  outb(COM1 + UART_DATA, 115200 / 9600);
  outb(COM1 + UART_IER, 0);
  outb(COM1 + UART_LCR, 0x03);         // 8 data bits, 1 stop, no parity
  outb(COM1 + UART_MCR, 0);
  outb(COM1 + UART_IER, 0x01);         // interrupt on received data

  if (inb(COM1 + UART_LSR) == 0xFF)    // no UART here
    return;
  present = 1;

  // Clear anything pending, then take interrupts.
  (void)inb(COM1 + UART_IIR);
  (void)inb(COM1 + UART_DATA);
  ioapicenable(IRQ_COM1, 0);
}

void uartputc(int c) {
  if (!present)
    return;
  for (int i = 0; i < 128 && !(inb(COM1 + UART_LSR) & LSR_TX_EMPTY); i++)
    microdelay(10);
  outb(COM1 + UART_DATA, c);
}

static int uartgetc(void) {
  if (!present || !(inb(COM1 + UART_LSR) & LSR_RX_READY))
    return -1;
  return inb(COM1 + UART_DATA);
}

void uartintr(void) {
  consoleintr(uartgetc);
}
