// Console: COM1 serial port plus CGA screen and keyboard, and kernel printing.
#ifndef KERNEL_DEV_CONSOLE_H
#define KERNEL_DEV_CONSOLE_H

void consoleinit(void);
void consoleintr(int (*getc)(void));
void cprintf(const char *fmt, ...);
void panic(const char *msg) __attribute__((noreturn));

// uart.c
void uartinit(void);
void uartintr(void);
void uartputc(int c);
// kbd.c
void kbdintr(void);

#endif
