// Pipes: a ring of PIPESIZE bytes between a read end and a write end.
// The two counters only ever grow (uint wrap-around is harmless because
// PIPESIZE divides 2^32): the ring is empty when they are equal and full
// when they differ by PIPESIZE. Data moves in chunks, one memmove per
// contiguous stretch of the ring. Lock order: p->lock, then the process
// table's lock (taken by sleep and wakeup on the counters).
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "lock/spinlock.h"
#include "proc/proc.h"
#include "mm/kmalloc.h"
#include "dev/console.h"
#include "fs/file.h"
#include "fs/pipe.h"
#include "lib/klib.h"

struct pipe {
  struct spinlock lock;
  uint rpos;            // total bytes read
  uint wpos;            // total bytes written
  int read_open;        // is the read end still open?
  int write_open;       // is the write end still open?
  int readers_asleep;   // processes in sleep(&rpos): waiting for data
  int writers_asleep;   // processes in sleep(&wpos): waiting for room
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
  p->readers_asleep = p->writers_asleep = 0;

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

// The contiguous stretch of the ring starting at counter value pos, at
// most `limit` bytes: a chunk never wraps, so it is one memmove.
static uint contiguous(uint pos, uint limit) {
  uint to_end = PIPESIZE - pos % PIPESIZE;
  return limit < to_end ? limit : to_end;
}

// wakeup() scans the whole process table, so it is called only when
// someone is asleep on the pipe. The counts change under p->lock, which
// sleep() gives up only once the sleeper is on its channel, so no wakeup
// is lost.
static void wake_readers(struct pipe *p) {
  if (p->readers_asleep)
    wakeup(&p->rpos);
}

// Bytes move a chunk at a time (as much as fits, up to the end of the
// ring), so `killed` and the reader are checked per chunk, not per byte,
// and readers are woken when the ring is full or the write is done. addr was validated (and faulted in) by the system call,
// and no other thread shares this address space, so a plain memmove
// under the spinlock cannot fault.
int pipewrite(struct pipe *p, char *addr, int n) {
  int done = 0;
  acquire(&p->lock);
  while (done < n) {
    // Nobody will ever read this: fail at once (a "broken pipe"), even
    // if part of the data already went in.
    if (!p->read_open || myproc()->killed) {
      release(&p->lock);
      return -1;
    }
    uint room = PIPESIZE - (p->wpos - p->rpos);
    if (room == 0) {
      // Full: let readers drain it.
      wake_readers(p);
      p->writers_asleep++;
      sleep(&p->wpos, &p->lock);
      p->writers_asleep--;
      continue;
    }
    uint k = contiguous(p->wpos, room < (uint)(n - done) ? room : (uint)(n - done));
    memmove(p->ring + p->wpos % PIPESIZE, addr + done, k);
    p->wpos += k;
    done += k;
  }
  wake_readers(p);
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
    p->readers_asleep++;
    sleep(&p->rpos, &p->lock);
    p->readers_asleep--;
  }
  // At most two chunks: up to the end of the ring, then from its start.
  int done = 0;
  while (done < n && p->rpos != p->wpos) {
    uint avail = p->wpos - p->rpos;
    uint k = contiguous(p->rpos, avail < (uint)(n - done) ? avail : (uint)(n - done));
    memmove(addr + done, p->ring + p->rpos % PIPESIZE, k);
    p->rpos += k;
    done += k;
  }
  if (p->writers_asleep)   // there is room for them now
    wakeup(&p->wpos);
  release(&p->lock);
  return done;
}
