// Write-ahead redo log: makes each file-system operation atomic with
// respect to crashes.
//
// Usage in every system call that modifies the file system:
//   begin_op();
//   ... bp = bread(...); modify bp->data; log_write(bp); brelse(bp); ...
//   end_op();
// An operation may log_write at most MAXOPBLOCKS distinct blocks.
#ifndef KERNEL_FS_LOG_H
#define KERNEL_FS_LOG_H

struct buf;
struct superblock;

// Set up the log described by sb and replay any committed transaction
// left by a crash. Process context (it does disk I/O).
void initlog(int dev, struct superblock *sb);
void begin_op(void);
// Ends the operation and returns once its changes are committed (durable):
// with other operations in flight it waits for its group's commit.
void end_op(void);
// Record that a locked, modified buffer belongs to the current
// operation; it reaches its home location only after commit.
void log_write(struct buf *b);
// Like log_write, for a block the operation has just allocated and
// filled: unless this group freed it, it is written home directly at
// commit (before the commit record) instead of through the log.
void log_write_fresh(struct buf *b);
// The operation has freed block blockno in the bitmap; until the group
// commits, the block is still in use on disk.
void log_freed(uint blockno);

#endif
