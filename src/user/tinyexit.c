// The exec benchmark's program (sysbench execsmall): exits at once, so
// that fork + exec + wait measures what exec costs for a small file.
#include "types.h"
#include "user.h"

int main(int argc, char *argv[]) {
  exit();
}
