// kill: kill the processes whose ids are given.

#include "types.h"
#include "stat.h"
#include "user.h"

int main(int argc, char *argv[]) {
  if (argc < 2) {
    printf(2, "usage: kill pid...\n");
    exit();
  }
  for (int i = 1; i < argc; i++)
    if (kill(atoi(argv[i])) < 0)
      printf(2, "kill: cannot kill %s (no such process, or init)\n", argv[i]);
  exit();
}
