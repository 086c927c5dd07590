// strlen: length of a string, without its terminator.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

uint strlen(const char *s) {
  const char *e = s;
  while (*e != '\0')
    e++;
  return (uint)(e - s);
}
