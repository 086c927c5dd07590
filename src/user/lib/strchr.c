// strchr: first occurrence of a character in a string.
// One function per file, so the ulib archive links in only what a program
// calls and a program may define its own version without a clash.

#include "types.h"
#include "ustring.h"

// Returns 0 when c is absent. As in C, asking for '\0' finds the terminator.
char *strchr(const char *s, char c) {
  for (;; s++) {
    if (*s == c)
      return (char *)s;
    if (*s == '\0')
      return 0;
  }
}
