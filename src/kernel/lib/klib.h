// Freestanding string and memory helpers for the kernel.
#ifndef KERNEL_LIB_KLIB_H
#define KERNEL_LIB_KLIB_H

#include "types.h"

void *memset(void *dst, int c, uint n);
int   memcmp(const void *a, const void *b, uint n);
void *memmove(void *dst, const void *src, uint n);
void *memcpy(void *dst, const void *src, uint n);
int   strncmp(const char *a, const char *b, uint n);
char *strncpy(char *dst, const char *src, int n);
char *safestrcpy(char *dst, const char *src, int n);  // always NUL-terminates
int   strlen(const char *s);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
