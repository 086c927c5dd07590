// echo: print the arguments separated by blanks, then a newline.

#include "types.h"
#include "stat.h"
#include "user.h"

int main(int argc, char *argv[]) {
  // Build the whole line first so it reaches the console in one write.
  uint len = 1;
  for (int i = 1; i < argc; i++)
    len += strlen(argv[i]) + 1;
  char *out = malloc(len);
  if (out == 0) {
    // Out of memory: fall back to one write per word.
    for (int i = 1; i < argc; i++)
      printf(1, "%s%s", argv[i], i + 1 < argc ? " " : "\n");
    if (argc < 2)
      write(1, "\n", 1);
    exit();
  }
  uint n = 0;
  for (int i = 1; i < argc; i++) {
    if (i > 1)
      out[n++] = ' ';
    strcpy(out + n, argv[i]);
    n += strlen(argv[i]);
  }
  out[n++] = '\n';
  write(1, out, (int)n);
  exit();
}
