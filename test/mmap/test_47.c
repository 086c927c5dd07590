// Course-style code: an array initializer and a struct copy (clang turns
// both into memcpy/memset calls) and a memcmp of the test's own, with its
// own signature, next to the user library's. It maps sample.txt in the
// course's file form and compares it with what read() gives.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"

// The test's own memcmp: returns 1 on the first difference, else 0.
int memcmp(const void *a, const void *b, int n) {
  const char *p = a, *q = b;
  for (int i = 0; i < n; i++)
    if (p[i] != q[i])
      return 1;
  return 0;
}

struct record {
  char name[50];
  int values[16];
};

int
main(int argc, char *argv[])
{
  char name[50] = "sample.txt";
  struct record r = {"sample.txt", {1, 2, 3}};
  struct record copy;
  copy = r;
  printf(1, "XV6_TEST_OUTPUT initializer: %s\n",
         memcmp(name, "sample.txt", 11) == 0 && name[49] == 0 ? "ok" : "FAIL");
  printf(1, "XV6_TEST_OUTPUT struct copy: %s\n",
         memcmp(&copy, &r, sizeof r) == 0 && copy.values[2] == 3 && copy.values[15] == 0
             ? "ok" : "FAIL");
  printf(1, "XV6_TEST_OUTPUT own memcmp is the one called: %s\n",
         memcmp("ab", "ba", 2) == 1 ? "ok" : "FAIL");

  int fd = open(name, O_RDONLY);
  static char buf[4096];
  int n = read(fd, buf, sizeof buf);
  char *m = mmap(0, 4096, 0, 0, fd, 0);
  printf(1, "XV6_TEST_OUTPUT sample.txt maps in the course form: %s\n",
         fd >= 0 && n > 0 && m != 0 && memcmp(m, buf, n) == 0 ? "ok" : "FAIL");
  close(fd);
  exit();
}
