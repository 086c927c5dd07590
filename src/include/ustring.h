// Memory and string functions of the user library, one per object file of
// build/user/lib/ulib.a (src/user/lib/<name>.c): a program links only the
// ones it calls, so it may define its own memcmp or memcpy without a
// duplicate symbol. user.h declares xv6's classic subset; this header
// declares them all. Not included by user.h, so a program's own
// definitions need not match these signatures. (Not named string.h: host
// tools built with -Isrc/include include the C library's <string.h>.)
#ifndef XV6_USTRING_H
#define XV6_USTRING_H

#include "types.h"

void *memset(void *dst, int c, uint n);
void *memcpy(void *dst, const void *src, uint n);
void *memmove(void *dst, const void *src, int n);
int   memcmp(const void *a, const void *b, uint n);
void *memchr(const void *s, int c, uint n);
uint  strlen(const char *s);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, uint n);
char *strcat(char *dst, const char *src);
int   strcmp(const char *a, const char *b);
int   strncmp(const char *a, const char *b, uint n);
char *strchr(const char *s, char c);

#endif
