// A test that brings its own memcpy still links with the user library
// while using the library's other string functions (once all in one
// object, they clashed), and the compiler's struct copies work. (Whether
// a copy calls memcpy is the compiler's choice, so that is not checked.)
#include "types.h"
#include "user.h"
#include "mman.h"

void *memcpy(void *dst, const void *src, uint n) {
  char *d = dst;
  const char *s = src;
  while (n-- > 0)
    *d++ = *s++;
  return dst;
}

struct big {
  int v[64];
};

int
main(int argc, char *argv[])
{
  struct big *a = mmap(0, 2 * sizeof(struct big), PROT_READ | PROT_WRITE, MAP_ANONYMOUS, -1, 0);
  if (a == 0) {
    printf(1, "XV6_TEST_OUTPUT mmap: FAIL\n");
    exit();
  }
  for (int i = 0; i < 64; i++)
    a[0].v[i] = i * i;
  a[1] = a[0];
  printf(1, "XV6_TEST_OUTPUT struct copy: %s\n",
         a[1].v[63] == 63 * 63 && a[1].v[1] == 1 ? "ok" : "FAIL");
  char s[16];
  memset(s, 'z', sizeof s);
  strcpy(s, "hello");
  printf(1, "XV6_TEST_OUTPUT library memset, strcpy, strlen, strcmp beside it: %s\n",
         strlen(s) == 5 && strcmp(s, "hello") == 0 && s[6] == 'z' ? "ok" : "FAIL");
  munmap(a, 2 * sizeof(struct big));
  exit();
}
