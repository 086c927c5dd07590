// poweroff: ask the kernel to stop the machine.

#include "types.h"
#include "stat.h"
#include "user.h"

int main(void) {
  poweroff();
  // Only reached if the kernel refused or could not stop QEMU.
  printf(2, "poweroff: failed\n");
  exit();
}
