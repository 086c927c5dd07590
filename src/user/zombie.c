// zombie: leave a zombie behind. The child exits at once; the parent
// sleeps and exits without waiting, so init must reap the child.

#include "types.h"
#include "stat.h"
#include "user.h"

int main(void) {
  int pid = fork();
  if (pid > 0)
    sleep(5);  // long enough for the child to become a zombie
  exit();
}
