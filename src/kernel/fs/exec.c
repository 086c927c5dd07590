// exec: map an ELF program into a fresh address space and switch the
// current process over to it.
//
// New user image (xv6 layout), every part a region (mm/vmspace.c):
//   0               page 0, never mapped (NULL pointers fault)
//   USERBASE ..     program segments: text and data mapped private from
//                   the program's file (read on first touch; user
//                   programs are linked so that file offsets and addresses
//                   agree mod PGSIZE, see the Makefile), bss anonymous
//   next page       guard page (STACK_GUARD_PAGES), mapped by nothing
//   next page       stack, top = the heap's start; holds argv strings, then
//                   [0xffffffff, argc, argv, argv[0..argc-1], 0] at sp
// The regions hold a read-only open file of the program, so a program
// whose file is unlinked while it runs keeps running. The image is built
// in a new address space (mm/vmspace.h); nothing of the old one is
// touched until the new one is complete.
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
#include "fs/file.h"
#include "fs/exec.h"
#include "mman.h"

#define ELF_CLASS_32 1   // ident[0] is EI_CLASS (byte 4 of the file)

// Protection of a segment: every segment is readable on i386.
static int segment_prot(struct proghdr *ph) {
  int prot = PROT_READ;
  if (ph->flags & ELF_PROG_FLAG_WRITE)
    prot |= PROT_WRITE;
  if (ph->flags & ELF_PROG_FLAG_EXEC)
    prot |= PROT_EXEC;
  return prot;
}

// Map every PT_LOAD segment of f (whose inode ip is locked) into vm
// (empty, ending at USERBASE). 0, or -1 on failure or when there is
// nothing to load. Nothing may load below USERBASE: page 0 stays unmapped.
static int load_segments(struct vmspace *vm, struct file *f, struct inode *ip,
                         struct elfhdr *eh) {
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
    if (ph.vaddr < USERBASE)
      return -1;
    if (ph.off + ph.filesz < ph.off)
      return -1;
    if (vmspace_map_segment(vm, f, ph.vaddr, ph.off, ph.filesz, ph.memsz, segment_prot(&ph)) < 0)
      return -1;
  }
  return vmspace_heap_end(vm) > USERBASE ? 0 : -1;
}

int exec(char *path, char **argv) {
  struct proc *p = myproc();
  struct inode *ip;
  struct file *f = 0;
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
  // The program's file, open read-only, for its regions to map.
  if ((f = filealloc()) == 0)
    goto bad;
  f->type = FD_INODE;
  f->ip = idup(ip);
  f->readable = 1;
  f->writable = 0;
  f->off = 0;
  if (load_segments(vm, f, ip, &eh) < 0)
    goto bad;
  iunlockput(ip);
  end_op();
  ip = 0;
  fileclose(f);   // the regions hold their own references
  f = 0;
  vmspace_prefault(vm);

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
  // The transaction ends first: dropping the last reference to f (ours
  // or a region's) may start one of its own.
  if (ip) {
    iunlockput(ip);
    end_op();
  }
  if (f)
    fileclose(f);
  if (vm)
    vmspace_release(vm);
  return -1;
}
