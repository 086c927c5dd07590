// ln: make a new name (hard link) for an existing file.

#include "types.h"
#include "stat.h"
#include "user.h"

int main(int argc, char *argv[]) {
  if (argc != 3) {
    printf(2, "usage: ln old new\n");
    exit();
  }
  if (link(argv[1], argv[2]) < 0)
    printf(2, "ln: cannot link %s to %s\n", argv[1], argv[2]);
  exit();
}
