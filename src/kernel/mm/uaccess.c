// uaccess: copies between kernel memory and the current process's user
// memory (see uaccess.h for the rule). It sits above the fault handler:
// fault_in() checks a range against KERNBASE and the page table and asks
// mm/pagefault.c for every page user mode could not access yet (lazy,
// copy-on-write), exactly as a fault from user mode would. Once a page has passed that check it stays mapped
// for the rest of the system call: only the process itself could unmap
// it, and it is busy in the kernel. No locks of its own.
#include "types.h"
#include "mmu.h"
#include "memlayout.h"
#include "proc/proc.h"
#include "mm/vm.h"
#include "mm/vmspace.h"
#include "mm/pagefault.h"
#include "mm/uaccess.h"
#include "lib/klib.h"

// Make [uva, uva+n) of the current process usable by the kernel (writable
// when `write` is set). 0, or -1 if some page is not a page the process
// may access that way.
static int fault_in(uint uva, uint n, int write) {
  struct proc *p = myproc();
  if (n == 0)
    return uva <= KERNBASE ? 0 : -1;
  if (uva >= KERNBASE || n > KERNBASE - uva)
    return -1;
  for (uint a = PGROUNDDOWN(uva); a < uva + n; a += PGSIZE) {
    pte_t *pte = walkpgdir(p->vm->pgdir, (void *)a, 0);
    int present = pte && (*pte & PTE_P);
    if (present && (*pte & PTE_U) && (!write || (*pte & PTE_W)))
      continue;
    uint err = PF_USER | (write ? PF_WRITE : 0) | (present ? PF_PROT : 0);
    if (handle_page_fault(p->vm, a, err) < 0)
      return -1;
  }
  return 0;
}

int copyin(void *dst, uint uva, uint n) {
  if (fault_in(uva, n, 0) < 0)
    return -1;
  memmove(dst, (void *)uva, n);
  return 0;
}

int copyout_user(uint uva, const void *src, uint n) {
  if (fault_in(uva, n, 1) < 0)
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
    if (fault_in(a, 1, 0) < 0)
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
  return fault_in(uva, n, write);
}
