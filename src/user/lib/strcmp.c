// strcmp: compare two strings.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

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
