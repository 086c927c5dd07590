// Thin C wrappers around x86 instructions the kernel needs.
#ifndef KERNEL_ARCH_X86_H
#define KERNEL_ARCH_X86_H

#include "types.h"

static inline uchar inb(ushort port) {
  uchar v;
  asm volatile("inb %1, %0" : "=a"(v) : "d"(port));
  return v;
}
static inline ushort inw(ushort port) {
  ushort v;
  asm volatile("inw %1, %0" : "=a"(v) : "d"(port));
  return v;
}
static inline void insl(int port, void *addr, int cnt) {
  asm volatile("cld; rep insl" : "=D"(addr), "=c"(cnt)
               : "d"(port), "0"(addr), "1"(cnt) : "memory", "cc");
}
static inline void outb(ushort port, uchar v) {
  asm volatile("outb %0, %1" : : "a"(v), "d"(port));
}
static inline void outw(ushort port, ushort v) {
  asm volatile("outw %0, %1" : : "a"(v), "d"(port));
}
static inline void outsl(int port, const void *addr, int cnt) {
  asm volatile("cld; rep outsl" : "=S"(addr), "=c"(cnt)
               : "d"(port), "0"(addr), "1"(cnt) : "cc");
}
static inline void stosb(void *addr, int data, int cnt) {
  asm volatile("cld; rep stosb" : "=D"(addr), "=c"(cnt)
               : "0"(addr), "1"(cnt), "a"(data) : "memory", "cc");
}
static inline void stosl(void *addr, int data, int cnt) {
  asm volatile("cld; rep stosl" : "=D"(addr), "=c"(cnt)
               : "0"(addr), "1"(cnt), "a"(data) : "memory", "cc");
}

struct segdesc;
struct gatedesc;

static inline void lgdt(struct segdesc *p, int size) {
  volatile ushort pd[3];
  pd[0] = size - 1;
  pd[1] = (uint)p;
  pd[2] = (uint)p >> 16;
  asm volatile("lgdt (%0)" : : "r"(pd));
}
static inline void lidt(struct gatedesc *p, int size) {
  volatile ushort pd[3];
  pd[0] = size - 1;
  pd[1] = (uint)p;
  pd[2] = (uint)p >> 16;
  asm volatile("lidt (%0)" : : "r"(pd));
}
static inline void ltr(ushort sel) { asm volatile("ltr %0" : : "r"(sel)); }
static inline void loadgs(ushort v) { asm volatile("movw %0, %%gs" : : "r"(v)); }

static inline uint readeflags(void) {
  uint f;
  asm volatile("pushfl; popl %0" : "=r"(f));
  return f;
}
static inline void cli(void) { asm volatile("cli"); }
static inline void sti(void) { asm volatile("sti"); }
static inline void hlt(void) { asm volatile("hlt"); }

// Atomically swap *addr and newval; returns the old value.
static inline uint xchg(volatile uint *addr, uint newval) {
  uint result;
  asm volatile("lock; xchgl %0, %1"
               : "+m"(*addr), "=a"(result) : "1"(newval) : "cc");
  return result;
}

static inline uint rcr2(void) {
  uint v;
  asm volatile("movl %%cr2, %0" : "=r"(v));
  return v;
}
static inline void lcr3(uint pa) { asm volatile("movl %0, %%cr3" : : "r"(pa)); }
static inline uint rcr3(void) {
  uint v;
  asm volatile("movl %%cr3, %0" : "=r"(v));
  return v;
}
static inline void invlpg(void *va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }

// The registers trapasm.S pushes on entry; trap() receives a pointer to it.
struct trapframe {
  // pushal
  uint edi;
  uint esi;
  uint ebp;
  uint oesp;      // ignored
  uint ebx;
  uint edx;
  uint ecx;
  uint eax;
  // segment registers
  ushort gs;
  ushort padding1;
  ushort fs;
  ushort padding2;
  ushort es;
  ushort padding3;
  ushort ds;
  ushort padding4;
  uint trapno;
  // pushed by the CPU (err by the CPU or the vector stub)
  uint err;
  uint eip;
  ushort cs;
  ushort padding5;
  uint eflags;
  // only present when crossing from user to kernel
  uint esp;
  ushort ss;
  ushort padding6;
};

#endif
