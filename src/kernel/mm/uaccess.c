// uaccess: copies between kernel memory and the current process's user
// memory (see uaccess.h for the rule). Built on user_range_ok (mm/vm.c),
// which checks a range against KERNBASE and the page table and faults in
// lazily-mapped pages. Once a page has passed that check it stays mapped
// for the rest of the system call: only the process itself could unmap
// it, and it is busy in the kernel. No locks of its own.
#include "types.h"
#include "mmu.h"
#include "memlayout.h"
#include "mm/vm.h"
#include "mm/uaccess.h"
#include "lib/klib.h"

int copyin(void *dst, uint uva, uint n) {
  if (user_range_ok(uva, n, 0) < 0)
    return -1;
  memmove(dst, (void *)uva, n);
  return 0;
}

int copyout_user(uint uva, const void *src, uint n) {
  if (user_range_ok(uva, n, 1) < 0)
    return -1;
  memmove((void *)uva, src, n);
  return 0;
}

int copyinstr(char *dst, uint uva, uint max) {
  uint got = 0;
  while (got < max) {
    uint a = uva + got;
    if (a < uva || a >= KERNBASE)
      return -1;
    // Up to the end of this page, and no further than max.
    uint chunk = PGROUNDUP(a + 1) - a;
    if (chunk > max - got)
      chunk = max - got;
    if (user_range_ok(a, 1, 0) < 0)
      return -1;
    // Byte by byte: each user byte is read exactly once, into the copy,
    // and the copy is what is tested for the end.
    for (uint i = 0; i < chunk; i++) {
      char c = *(volatile char *)(a + i);
      dst[got++] = c;
      if (c == 0)
        return got - 1;
    }
  }
  return -1;
}

int user_buf_ok(uint uva, uint n, int write) {
  return user_range_ok(uva, n, write);
}
