// tinyexit with a file ten times larger (sysbench execbig): the same code
// and the same pages touched, plus initialized data it never reads. An
// exec that loads the whole file pays for the data; one that maps the
// file and reads pages on first touch does not.
#include "types.h"
#include "user.h"

// Initialized, so it is in the file (bss would not be). Sized so the file
// is about ten times tinyexit's; sysbench checks the ratio of the sizes.
#define UNTOUCHED_BYTES (14 * 1024 + 512)
char untouched[UNTOUCHED_BYTES] = {1};

int main(int argc, char *argv[]) {
  exit();
}
