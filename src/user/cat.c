// cat: copy each named file (or standard input) to standard output.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "user.h"

static char buf[1024];

// Returns 0 on success, -1 after reporting a read or write error.
static int copy(int fd, const char *name) {
  int n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    if (write(1, buf, n) != n) {
      printf(2, "cat: write error\n");
      return -1;
    }
  }
  if (n < 0) {
    printf(2, "cat: read error on %s\n", name);
    return -1;
  }
  return 0;
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    copy(0, "standard input");
    exit();
  }
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      printf(2, "cat: %s: no such file\n", argv[i]);
      exit();
    }
    int r = copy(fd, argv[i]);
    close(fd);
    if (r < 0)
      exit();
  }
  exit();
}
