// Write-ahead redo log with group commit; newly allocated blocks skip it.
//
// On disk the log area is a header block followed by up to LOGSIZE copies
// of modified blocks. The header lists the home block number of each copy;
// a header with n > 0 means "these n copies form a committed transaction
// that may not have reached its home blocks yet". Writing the header is
// the atomic commit point; recovery simply re-installs whatever a
// committed header lists, so replaying twice is harmless.
//
// Operations are batched into numbered groups: each begin_op() joins the
// open group (reserving room for MAXOPBLOCKS blocks), and each end_op()
// returns only once its group is committed, so a finished system call's
// changes are on disk when it returns. The last operation of a group to
// end does the commit for everybody in it.
//
// Fresh blocks. A block that balloc() hands out was free on disk (unless
// this very group freed it: see `freed`), so nothing on disk refers to it
// and its old contents matter to nobody. Such a block is not copied into
// the log: the commit writes it straight to its home location before the
// header, so it costs one disk write instead of two. A crash before the
// header leaves it free on disk (the bitmap change is logged), so the
// stray bytes are unreachable. A block the group freed was in use on
// disk, and stays so until the group commits: if the group allocates it
// again it is logged like any other block.
//
// Linger. A caller the last commit released (it waited for its group)
// is typically about to start its next operation. If such a caller is
// runnable but has not started one yet, the last operation of the open
// group to end yields the CPU once before committing (unless someone
// already waits for the group), so that the caller can join this group:
// concurrent writers share one commit per round instead of taking turns.
// Only released callers that are runnable count, so a lone writer, or
// one beside a process that computes, never gives its CPU away. The
// group stays bounded: each process is in a group at most once, and
// whoever resumes from the yield to find operations still running
// closes the group and waits.
//
// Invariants:
//  - every block in lh.home[] or fresh[] is pinned in the buffer cache
//    (so no stale copy is ever read back from disk) until the commit has
//    written it home;
//  - lh.n + nfresh + outstanding * MAXOPBLOCKS <= cap: whatever the
//    running operations still log fits, and the log never pins more than
//    LOGSIZE buffers (NBUF leaves the rest to everybody else);
//  - once an operation waits in end_op, its group is closed and new
//    operations wait for the next group (so a stream of newcomers cannot
//    keep a group open, and its waiters, forever); groups commit in
//    order, and no operation runs while one commits, so the cache holds
//    exactly the committing group's results.
// Lock order: log.lock is a spinlock taken with no other spinlock held
// (log_write and friends take it under a buffer's sleeplock); callers of
// begin_op hold no inode or buffer lock, and commit() runs without
// log.lock.
#include "types.h"
#include "param.h"
#include "fs.h"
#include "lock/spinlock.h"
#include "lock/sleeplock.h"
#include "proc/proc.h"
#include "dev/console.h"
#include "dev/ide.h"
#include "lib/klib.h"
#include "fs/buf.h"
#include "fs/log.h"

// The header block as stored on disk (and mirrored in memory).
struct log_header {
  uint n;                // blocks in the committed transaction
  uint home[LOGSIZE];    // home block number of each log copy
};
_Static_assert(sizeof(struct log_header) <= BSIZE, "log header must fit in a block");

static struct {
  struct spinlock lock;
  int dev;
  uint start;          // header block; copies follow it
  uint cap;            // copies the log area can hold (<= LOGSIZE)
  int outstanding;     // operations of the open group not yet ended
  int committing;      // a commit is in progress: no new operations
  int closed;          // an operation waits for the open group's commit:
                       // newcomers wait for the next group
  // Callers waiting for the open group's commit, and those the last
  // commit released that have not begun another operation (for Linger).
  struct proc *waiting[NPROC];
  int nwaiting;
  struct proc *released[NPROC];
  int nreleased;
  uint group;          // number of the open group (the one begin_op joins)
  uint committed;      // number of the last group whose commit finished
  struct log_header lh;  // blocks of the open group that go through the log
  uint nfresh;         // blocks of the open group written home directly
  uint fresh[LOGSIZE];
  // Blocks in use on disk that the open group freed (one bit per block):
  // reallocating one of them in the same group must go through the log.
  // (No disk here is bigger than FSSIZE; a block beyond it would set
  // freed_beyond, which counts every such block as freed.)
  uchar freed[(FSSIZE + 7) / 8];
  int freed_beyond;
  // The bytes of `freed` this group set lie in [freed_lo, freed_hi): the
  // commit clears only those (the whole map is 16 KiB, and clearing it
  // every commit cost ~4k instructions a commit, mostly groups that freed
  // nothing).
  uint freed_lo, freed_hi;
  // Private buffer for log-area I/O. Keeping log blocks out of the
  // buffer cache means a commit never needs a free cache slot (all the
  // transaction's blocks may be pinned), and the cache never holds stale
  // copies of log blocks. Only the committer (or recovery) uses it.
  struct buf io;
} log;

static void commit(void);

// Transfer log-area block `blockno` between the disk and log.io.
static void log_io(uint blockno, int write) {
  acquiresleep(&log.io.lock);
  log.io.dev = log.dev;
  log.io.blockno = blockno;
  log.io.flags = write ? (B_VALID | B_DIRTY) : 0;
  iderw(&log.io);
  releasesleep(&log.io.lock);
}

static void read_header(void) {
  log_io(log.start, 0);
  memmove(&log.lh, log.io.data, sizeof(log.lh));
  if (log.lh.n > log.cap)
    panic("log: corrupt header");
}

// Write the in-memory header; when lh.n > 0 this commits.
static void write_header(void) {
  acquiresleep(&log.io.lock);
  memset(log.io.data, 0, BSIZE);
  memmove(log.io.data, &log.lh, sizeof(log.lh));
  log.io.dev = log.dev;
  log.io.blockno = log.start;
  log.io.flags = B_VALID | B_DIRTY;
  iderw(&log.io);
  releasesleep(&log.io.lock);
}

// Copy every logged block from the cache into the log area.
static void save_copies(void) {
  for (uint i = 0; i < log.lh.n; i++) {
    struct buf *b = bread(log.dev, log.lh.home[i]);   // pinned: a cache hit
    acquiresleep(&log.io.lock);
    memmove(log.io.data, b->data, BSIZE);
    log.io.dev = log.dev;
    log.io.blockno = log.start + 1 + i;
    log.io.flags = B_VALID | B_DIRTY;
    iderw(&log.io);
    releasesleep(&log.io.lock);
    brelse(b);
  }
}

// Write the group's fresh blocks to their home locations and unpin them.
// Must finish before the header: the committed inodes point at them.
static void write_fresh(void) {
  for (uint i = 0; i < log.nfresh; i++) {
    struct buf *b = bread(log.dev, log.fresh[i]);     // pinned: a cache hit
    bwrite(b);
    bunpin(b);
    brelse(b);
  }
  log.nfresh = 0;
}

// Write the committed blocks to their home locations. After a crash the
// data comes from the log area; otherwise the pinned cache buffers
// already hold exactly what was logged.
static void install(int recovering) {
  for (uint i = 0; i < log.lh.n; i++) {
    struct buf *home = bread(log.dev, log.lh.home[i]);
    if (recovering) {
      acquiresleep(&log.io.lock);
      log.io.dev = log.dev;
      log.io.blockno = log.start + 1 + i;
      log.io.flags = 0;
      iderw(&log.io);
      memmove(home->data, log.io.data, BSIZE);
      releasesleep(&log.io.lock);
    }
    bwrite(home);
    if (!recovering)
      bunpin(home);
    brelse(home);
  }
}

void initlog(int dev, struct superblock *sb) {
  initlock(&log.lock, "log");
  initsleeplock(&log.io.lock, "log io");
  if (sb->nlog < 2)
    panic("initlog: log area too small");
  log.dev = dev;
  log.start = sb->logstart;
  log.cap = sb->nlog - 1;
  if (log.cap > LOGSIZE)
    log.cap = LOGSIZE;
  if (log.cap < MAXOPBLOCKS)
    panic("initlog: log smaller than one operation");

  // Crash recovery: finish a transaction that committed but may not
  // have been installed, then mark the log empty.
  read_header();
  install(1);
  log.lh.n = 0;
  write_header();
  log.group = 1;
  log.committed = 0;
}

// Drop p from the released callers. Caller holds log.lock.
static void forget_released(struct proc *p) {
  for (int i = 0; i < log.nreleased; i++) {
    if (log.released[i] == p) {
      log.released[i] = log.released[--log.nreleased];
      return;
    }
  }
}

// Whether a caller the last commit released is runnable and has not
// begun another operation (state is read without the process table
// lock: a stale answer costs one needless yield, or one missed join).
static int released_runnable(void) {
  for (int i = 0; i < log.nreleased; i++)
    if (log.released[i] != myproc() && log.released[i]->state == RUNNABLE)
      return 1;
  return 0;
}

void begin_op(void) {
  acquire(&log.lock);
  forget_released(myproc());
  for (;;) {
    if (log.committing || log.closed) {
      sleep(&log, &log.lock);
    } else if (log.lh.n + log.nfresh + (log.outstanding + 1) * MAXOPBLOCKS > log.cap) {
      // Not enough room if every running operation used its full
      // allowance; wait for the current group to commit.
      sleep(&log, &log.lock);
    } else {
      log.outstanding++;
      release(&log.lock);
      return;
    }
  }
}

// True once group g's commit has finished (wrap-safe comparison).
static int group_done(uint g) {
  return (int)(log.committed - g) >= 0;
}

void end_op(void) {
  acquire(&log.lock);
  if (log.outstanding < 1)
    panic("end_op: no operation in progress");
  if (log.committing)
    panic("end_op: commit in progress");
  uint mine = log.group;   // a group cannot commit while we are in it
  log.outstanding--;
  if (log.outstanding == 0 && !log.closed && released_runnable()) {
    // Last one out of a group nobody waits for yet. Before committing,
    // give up the CPU once: the callers the previous commit released are
    // usually about to start their next operation, and joining this
    // group lets them share its commit instead of paying for their own.
    // Each caller does this at most once per group, so the wait stays
    // bounded (see "Linger" at the top).
    release(&log.lock);
    yield();
    acquire(&log.lock);
  }
  if (log.outstanding > 0 || log.committing || group_done(mine)) {
    // Others are still in our group (or already committing it). Close it
    // so that it ends, then wait for whoever ends last to commit it.
    if (!group_done(mine)) {
      log.closed = 1;
      if (log.nwaiting < NPROC)
        log.waiting[log.nwaiting++] = myproc();
    }
    while (!group_done(mine))
      sleep(&log, &log.lock);
    release(&log.lock);
    return;
  }

  // Last one out commits for the whole group, without the spinlock (it
  // sleeps on disk I/O); `committing` keeps new operations out meanwhile.
  log.committing = 1;
  release(&log.lock);
  commit();
  acquire(&log.lock);
  log.committed = mine;
  log.group = mine + 1;
  log.committing = 0;
  log.closed = 0;
  memmove(log.released, log.waiting, log.nwaiting * sizeof(log.waiting[0]));
  log.nreleased = log.nwaiting;
  log.nwaiting = 0;
  wakeup(&log);   // the group's waiters, and begin_ops for the next group
  release(&log.lock);
}

static void commit(void) {
  write_fresh();    // home, before anything on disk can point at them
  if (log.lh.n > 0) {
    save_copies();
    write_header();   // the transaction is now durable
    install(0);
    log.lh.n = 0;
    write_header();   // and now forgotten
  }
  if (log.freed_lo < log.freed_hi)
    memset(log.freed + log.freed_lo, 0, log.freed_hi - log.freed_lo);
  log.freed_lo = log.freed_hi = 0;
  log.freed_beyond = 0;
}

// Index of blockno in list[0..n), or n. Caller holds log.lock.
static uint find(const uint *list, uint n, uint blockno) {
  uint i;
  for (i = 0; i < n; i++)
    if (list[i] == blockno)
      break;
  return i;
}

static int freed_here(uint blockno) {
  if (blockno >= FSSIZE)
    return log.freed_beyond;
  return (log.freed[blockno / 8] >> (blockno % 8)) & 1;
}

// Add b to the open group's copies unless it is there (or fresh)
// already ("absorption": a block written twice in a group costs once).
// Caller holds log.lock.
static void add_logged(struct buf *b) {
  if (find(log.fresh, log.nfresh, b->blockno) < log.nfresh)
    return;   // written home directly at commit, with these changes too
  if (find(log.lh.home, log.lh.n, b->blockno) < log.lh.n)
    return;
  if (log.lh.n + log.nfresh >= log.cap)
    panic("log_write: transaction too big");
  log.lh.home[log.lh.n++] = b->blockno;
  bpin(b);   // must stay cached until installed
}

static void in_transaction(struct buf *b, const char *who) {
  if (b && !holdingsleep(&b->lock))
    panic(who);
  if (log.outstanding < 1)
    panic(who);
}

void log_write(struct buf *b) {
  acquire(&log.lock);
  in_transaction(b, "log_write: buffer not locked or no transaction");
  add_logged(b);
  release(&log.lock);
}

void log_write_fresh(struct buf *b) {
  acquire(&log.lock);
  in_transaction(b, "log_write_fresh: buffer not locked or no transaction");
  if (freed_here(b->blockno) || find(log.lh.home, log.lh.n, b->blockno) < log.lh.n) {
    add_logged(b);   // in use on disk until this group commits
  } else if (find(log.fresh, log.nfresh, b->blockno) == log.nfresh) {
    if (log.lh.n + log.nfresh >= log.cap)
      panic("log_write_fresh: transaction too big");
    log.fresh[log.nfresh++] = b->blockno;
    bpin(b);   // must stay cached until written home
  }
  release(&log.lock);
}

// Set blockno's bit in `freed`, widening the range the commit clears.
// Caller holds log.lock.
static void mark_freed(uint blockno) {
  if (blockno >= FSSIZE) {
    log.freed_beyond = 1;
    return;
  }
  uint byte = blockno / 8;
  if (log.freed_lo == log.freed_hi) {
    log.freed_lo = byte;
    log.freed_hi = byte + 1;
  } else if (byte < log.freed_lo) {
    log.freed_lo = byte;
  } else if (byte >= log.freed_hi) {
    log.freed_hi = byte + 1;
  }
  log.freed[byte] |= 1 << (blockno % 8);
}

void log_freed(uint blockno) {
  acquire(&log.lock);
  in_transaction(0, "log_freed: no transaction");
  // A fresh block is still free on disk: reusing it needs no care.
  if (find(log.fresh, log.nfresh, blockno) == log.nfresh)
    mark_freed(blockno);
  release(&log.lock);
}
