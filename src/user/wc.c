// wc: count lines, words and bytes in each file (or standard input).

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

static char buf[1024];

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'; }

static void count(int fd, const char *name) {
  int lines = 0, words = 0, bytes = 0, inword = 0, n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    bytes += n;
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n')
        lines++;
      // A word starts at each non-space that follows a space.
      if (is_space(buf[i])) {
        inword = 0;
      } else if (!inword) {
        inword = 1;
        words++;
      }
    }
  }
  if (n < 0) {
    printf(2, "wc: read error\n");
    exit();
  }
  printf(1, "%d %d %d %s\n", lines, words, bytes, name);
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    count(0, "");
    exit();
  }
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      printf(2, "wc: %s: no such file\n", argv[i]);
      exit();
    }
    count(fd, argv[i]);
    close(fd);
  }
  exit();
}
