// exec: load an ELF program into a fresh address space and switch the
// current process over to it.
//
// New user image (xv6 layout):
//   0               page 0, never mapped (NULL pointers fault)
//   USERBASE ..     program segments (text, data, bss)
//   next page       guard page, mapped but not user-accessible
//   next page       stack, top = the image's end; holds argv strings, then
//                   [0xffffffff, argc, argv, argv[0..argc-1], 0] at sp
// The image is built in a new address space (mm/vmspace.h); nothing of the
// old one is touched until the new one is complete.
#include "types.h"
#include "param.h"
#include "stat.h"
#include "mmu.h"
#include "memlayout.h"
#include "arch/x86.h"
#include "proc/proc.h"
#include "mm/vmspace.h"
#include "dev/console.h"
#include "lib/klib.h"
#include "fs/elf.h"
#include "fs/inode.h"
#include "fs/log.h"
#include "fs/exec.h"

#define ELF_CLASS_32 1   // ident[0] is EI_CLASS (byte 4 of the file)

// Load every PT_LOAD segment of ip into vm (empty, ending at USERBASE).
// 0, or -1 on failure or when there is nothing to load. Nothing may load
// below USERBASE: page 0 stays unmapped.
static int load_segments(struct vmspace *vm, struct inode *ip, struct elfhdr *eh) {
  struct proghdr ph;

  for (uint i = 0; i < eh->phnum; i++) {
    uint off = eh->phoff + i * sizeof(ph);
    if (off < eh->phoff || readi(ip, (char *)&ph, off, sizeof(ph)) != sizeof(ph))
      return -1;
    if (ph.type != ELF_PROG_LOAD || ph.memsz == 0)
      continue;
    if (ph.memsz < ph.filesz)
      return -1;
    if (ph.vaddr + ph.memsz < ph.vaddr)   // wraps around
      return -1;
    if (ph.vaddr % PGSIZE != 0)           // segments are loaded in whole pages
      return -1;
    if (ph.vaddr < USERBASE)
      return -1;
    // New pages are zeroed, which provides the bss.
    if (vmspace_extend(vm, ph.vaddr + ph.memsz) < 0)
      return -1;
    if (vmspace_load(vm, ph.vaddr, ip, ph.off, ph.filesz) < 0)
      return -1;
  }
  return vmspace_heap_end(vm) > USERBASE ? 0 : -1;
}

int exec(char *path, char **argv) {
  struct proc *p = myproc();
  struct inode *ip;
  struct vmspace *vm = 0;
  struct elfhdr eh;
  uint sp, stack_base;
  uint ustack[3 + MAXARG + 1];
  int argc;

  begin_op();
  if ((ip = namei(path)) == 0) {
    end_op();
    cprintf("exec: fail\n");
    return -1;
  }
  ilock(ip);

  if (ip->type != T_FILE)
    goto bad;
  if (readi(ip, (char *)&eh, 0, sizeof(eh)) != sizeof(eh))
    goto bad;
  if (eh.magic != ELF_MAGIC || eh.ident[0] != ELF_CLASS_32)
    goto bad;
  if ((vm = vmspace_create()) == 0)
    goto bad;
  if (load_segments(vm, ip, &eh) < 0)
    goto bad;
  iunlockput(ip);
  end_op();
  ip = 0;

  // Guard page plus one stack page, on the next page boundary.
  if ((sp = vmspace_add_stack(vm)) == 0)
    goto bad;
  stack_base = sp - PGSIZE;

  // The strings first (word aligned), remembering where each went; they
  // are kernel copies, so their lengths cannot change under us.
  for (argc = 0;; argc++) {
    if (argc >= MAXARG)
      goto bad;   // no room for the terminating 0 in ustack
    if (argv[argc] == 0)
      break;
    uint len = strlen(argv[argc]) + 1;
    if (len > sp - stack_base)
      goto bad;
    sp = (sp - len) & ~3;
    if (sp < stack_base || vmspace_copyout(vm, sp, argv[argc], len) < 0)
      goto bad;
    ustack[3 + argc] = sp;
  }
  ustack[3 + argc] = 0;

  // Then what main(argc, argv) expects to find above its return address.
  ustack[0] = 0xffffffff;                  // fake return pc
  ustack[1] = argc;
  ustack[2] = sp - (argc + 1) * 4;         // where argv[] will be
  uint frame = (3 + argc + 1) * 4;
  if (frame > sp - stack_base)
    goto bad;
  sp -= frame;
  if (vmspace_copyout(vm, sp, ustack, frame) < 0)
    goto bad;

  // Name the process after the last path element.
  char *last = path;
  for (char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  safestrcpy(p->name, last, sizeof(p->name));

  // Success is certain from here on: switch to the new image (the old
  // one's regions, shared file pages written back, and memory go).
  p->tf->eip = eh.entry;
  p->tf->esp = sp;
  vmspace_switch(vm);
  return 0;

bad:
  if (vm)
    vmspace_release(vm);
  if (ip) {
    iunlockput(ip);
    end_op();
  }
  return -1;
}
