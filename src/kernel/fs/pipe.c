// Pipes. The two counters only ever grow (uint wrap-around is harmless
// because PIPESIZE divides 2^32): the ring is empty when they are equal
// and full when they differ by PIPESIZE.
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "lock/spinlock.h"
#include "proc/proc.h"
#include "mm/kmalloc.h"
#include "dev/console.h"
#include "fs/file.h"
#include "fs/pipe.h"

struct pipe {
  struct spinlock lock;
  uint rpos;            // total bytes read
  uint wpos;            // total bytes written
  int read_open;        // is the read end still open?
  int write_open;       // is the write end still open?
  char *ring;           // PIPESIZE bytes, a kmalloc block of its own
};

// The ring and the header are separate kmalloc blocks (512 + 64 bytes)
// rather than one 580-byte object, which would take a 1024-byte block,
// or a whole page as in xv6.
_Static_assert((PIPESIZE & (PIPESIZE - 1)) == 0, "PIPESIZE must be a power of two");

int pipealloc(struct file **rf, struct file **wf) {
  struct pipe *p = 0;

  *rf = *wf = 0;
  if ((*rf = filealloc()) == 0 || (*wf = filealloc()) == 0)
    goto fail;
  if ((p = kmalloc(sizeof(*p))) == 0)
    goto fail;
  if ((p->ring = kmalloc(PIPESIZE)) == 0)
    goto fail;

  initlock(&p->lock, "pipe");
  p->rpos = p->wpos = 0;
  p->read_open = p->write_open = 1;

  (*rf)->type = FD_PIPE;
  (*rf)->readable = 1;
  (*rf)->writable = 0;
  (*rf)->pipe = p;
  (*wf)->type = FD_PIPE;
  (*wf)->readable = 0;
  (*wf)->writable = 1;
  (*wf)->pipe = p;
  return 0;

fail:
  if (p) {
    kmfree(p->ring);
    kmfree(p);
  }
  // Files still of type FD_NONE: closing them only frees the slots.
  if (*rf)
    fileclose(*rf);
  if (*wf)
    fileclose(*wf);
  *rf = *wf = 0;
  return -1;
}

void pipeclose(struct pipe *p, int writable) {
  acquire(&p->lock);
  if (writable) {
    p->write_open = 0;
    wakeup(&p->rpos);   // readers see end of file
  } else {
    p->read_open = 0;
    wakeup(&p->wpos);   // writers see a broken pipe
  }
  int dead = !p->read_open && !p->write_open;
  release(&p->lock);
  if (dead) {
    kmfree(p->ring);
    kmfree(p);
  }
}

int pipewrite(struct pipe *p, char *addr, int n) {
  acquire(&p->lock);
  for (int i = 0; i < n; i++) {
    for (;;) {
      // Nobody will ever read this: fail at once (a "broken pipe"),
      // whether or not there is room.
      if (!p->read_open || myproc()->killed) {
        release(&p->lock);
        return -1;
      }
      if (p->wpos - p->rpos < PIPESIZE)
        break;
      // Full: let readers drain it.
      wakeup(&p->rpos);
      sleep(&p->wpos, &p->lock);
    }
    p->ring[p->wpos % PIPESIZE] = addr[i];
    p->wpos++;
  }
  wakeup(&p->rpos);
  release(&p->lock);
  return n;
}

int piperead(struct pipe *p, char *addr, int n) {
  acquire(&p->lock);
  // Wait for data, unless no writer is left (end of file).
  while (p->rpos == p->wpos && p->write_open) {
    if (myproc()->killed) {
      release(&p->lock);
      return -1;
    }
    sleep(&p->rpos, &p->lock);
  }
  int i;
  for (i = 0; i < n && p->rpos != p->wpos; i++) {
    addr[i] = p->ring[p->rpos % PIPESIZE];
    p->rpos++;
  }
  wakeup(&p->wpos);   // room for writers
  release(&p->lock);
  return i;
}
