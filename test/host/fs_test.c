// Host tests of the kernel file system: the unmodified sources in
// src/kernel/fs (buffer cache, log, inodes and directories, open files,
// pipes, file system calls) run against an in-memory disk, with the
// kernel services they need faked by fs_stubs.c. Build rules are in
// test/host/Makefile.fs.
//
// Every test prints "PASS fs: <name>" or "FAIL fs: <name>: <why>"; the
// exit status is non-zero if any test failed.
//
// The disk starts as an image made by our own mkfs (build/mkfs, run at
// start-up on a few generated files), so the tests also check that mkfs
// and the kernel agree on the format. After each test an independent
// checker (fsck below) reads the raw disk and verifies the structure:
// block and inode accounting, link counts, directory trees.
//
// The kernel's tables cannot be reset, so every test runs in a forked
// child, and so does every "boot" of a test that needs more than one
// (persistence, crash recovery). The disk lives in shared memory so that
// a later process sees what an earlier one wrote, as after a reboot.
//
// The crash tests stop the disk after every possible number of block
// writes of a fixed sequence of file-system operations, then boot again
// (running log recovery) and require the disk to be exactly as it was
// after some whole number of transactions: the last one whose commit
// record reached the disk. They also crash recovery itself. The disk
// model is the IDE driver's: whole-block writes, synchronous and in
// order; a crash loses every write from some point on. One of them
// (crash-mapped-writeback) writes back dirty pages of a shared mapping
// the way mm/filemap.c does, through the same fs.c call, and checks
// what the log promises each page.
//
// `fs_test NAME...` runs only the tests named.
//
// FS_TEST_VERBOSE=1 shows the kernel's console messages and crash-test
// counts on stderr.
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "types.h"
#include "param.h"
#include "fs.h"
#include "fcntl.h"
#include "mmu.h"
// The kernel's struct stat, named so it cannot meet the host's.
#define stat xv6_stat
#include "stat.h"
#undef stat
#include "lock/sleeplock.h"
#include "fs/inode.h"
#include "fs/log.h"
#include "fs/file.h"
#include "fs/pipe.h"
#include "fs_host.h"

// Where the Makefile built mkfs: relative to the repository root unless
// absolute. FS_TEST_MKFS in the environment wins.
#ifndef FS_TEST_MKFS
#define FS_TEST_MKFS "build/mkfs"
#endif

#define IMG_BYTES ((size_t)FSSIZE * BSIZE)
#define MAXBYTES ((int)(MAXFILE * BSIZE))   // largest file
// Table blocks of a file of the largest size: the indirect block, and
// each doubly-indirect block with its NINDIRECT indirect blocks.
#define MAXFILE_TABLES (1 + NDOUBLE * (1 + (int)NINDIRECT))
#define WHY_SIZE 1024

// ---- harness --------------------------------------------------------------

static char *why;            // reason for the current failure (shared memory)
static uchar *base_image;    // what mkfs produced; each test starts from it
static int failures;

void host_fail(const char *fmt, ...) {
  if (why[0] == 0) {   // keep the first reason
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, WHY_SIZE, fmt, ap);
    va_end(ap);
  }
  _exit(1);
}

#define CHECK(cond) \
  do { if (!(cond)) host_fail("line %d: %s", __LINE__, #cond); } while (0)
#define CHECKF(cond, fmt, ...) \
  do { if (!(cond)) host_fail("line %d: " fmt, __LINE__, ##__VA_ARGS__); } while (0)

// Fail with some context in front of the reason a child process left.
static void rethrow(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void rethrow(const char *fmt, ...) {
  char inner[WHY_SIZE], context[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(context, sizeof(context), fmt, ap);
  va_end(ap);
  snprintf(inner, sizeof(inner), "%s", why);
  why[0] = 0;
  host_fail("%s: %s", context, inner);
}

// Run fn(arg) in a child process and wait for it. Returns 0 if it
// finished, HOST_CRASH_EXIT if it stopped at a simulated power failure,
// or -1 if it failed (why then says why).
static int in_child(void (*fn)(void *), void *arg) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(why, WHY_SIZE, "fork: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    fn(arg);
    _exit(0);   // no atexit/leak processing: the parent goes on
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      snprintf(why, WHY_SIZE, "waitpid: %s", strerror(errno));
      return -1;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == HOST_CRASH_EXIT)
    return HOST_CRASH_EXIT;
  // A sanitizer report or a signal ends the child without a reason.
  if (why[0] == 0) {
    if (WIFEXITED(status))
      snprintf(why, WHY_SIZE, "test process exited with status %d (see stderr)",
               WEXITSTATUS(status));
    else
      snprintf(why, WHY_SIZE, "test process killed by signal %d (see stderr)",
               WTERMSIG(status));
  }
  return -1;
}

static char **only;   // test names given on the command line (0: all)
static const uchar zero_block[BSIZE];

// The first block at or after b with flags[block] set, or FSSIZE. Skips
// eight clear flags at a time: most of the disk is never written.
static uint next_set(const uchar *flags, uint b) {
  while (b < FSSIZE) {
    uint64_t w;
    if (b % 8 == 0 && b + 8 <= FSSIZE && (memcpy(&w, flags + b, 8), w == 0)) {
      b += 8;
      continue;
    }
    if (flags[b])
      return b;
    b++;
  }
  return FSSIZE;
}

// Put the disk back to the base image. Only blocks written since the
// last restore can differ (host_touched), so only those are copied.
static void restore_base(void) {
  for (uint b = next_set(host_touched, 0); b < FSSIZE; b = next_set(host_touched, b + 1)) {
    memcpy(host_disk + (size_t)b * BSIZE, base_image + (size_t)b * BSIZE, BSIZE);
    host_touched[b] = 0;
  }
}

static void run_case(const char *name, void (*fn)(void *)) {
  if (only) {
    char **o = only;
    while (*o && strcmp(*o, name) != 0)
      o++;
    if (*o == 0)
      return;
  }
  memset(why, 0, WHY_SIZE);
  restore_base();
  int r = in_child(fn, 0);
  if (r == 0) {
    printf("PASS fs: %s\n", name);
  } else {
    if (r == HOST_CRASH_EXIT)
      snprintf(why, WHY_SIZE, "unexpected simulated crash");
    for (char *p = why; *p; p++)   // the report is one line
      if (*p == '\n')
        *p = ' ';
    printf("FAIL fs: %s: %s\n", name, why);
    failures++;
  }
  fflush(stdout);
}

// Deterministic file contents; blocks differ from one another (i >> 9).
static void pattern(uchar *buf, int n, int seed) {
  for (int i = 0; i < n; i++)
    buf[i] = (uchar)(i * 7 + seed * 31 + (i >> 9));
}

// ---- the image --------------------------------------------------------------

// Files given to mkfs. "_prog" checks that mkfs drops one leading '_'.
#define BIG_BYTES 20000
#define PROG_BYTES 700
static const char hello_text[] = "hello world\n";
static uchar big_data[BIG_BYTES];
static uchar prog_data[PROG_BYTES];

struct mkfs_input {
  const char *file;     // name given to mkfs
  const char *entry;    // the root-directory entry it should become
  const uchar *data;
  int len;
};
#define NINPUTS 3
#define MAX_INPUTS 3
static struct mkfs_input inputs[NINPUTS];

static int write_host_file(const char *path, const void *data, int len) {
  FILE *f = fopen(path, "wb");
  if (f == 0)
    return -1;
  int ok = fwrite(data, 1, len, f) == (size_t)len;
  return (fclose(f) == 0 && ok) ? 0 : -1;
}

// The mkfs to run. A relative FS_TEST_MKFS is taken from the repository
// root, found from this binary's own path (build/host/fs_test), so the
// test works from any current directory.
static const char *mkfs_path(void) {
  static char path[PATH_MAX + 64];
  const char *env = getenv("FS_TEST_MKFS");
  if (env && *env)
    return env;
  if (FS_TEST_MKFS[0] == '/')
    return FS_TEST_MKFS;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0)
    return FS_TEST_MKFS;   // no /proc: relative to the current directory
  exe[n] = 0;
  for (int up = 0; up < 3; up++) {   // drop fs_test, host, build
    char *slash = strrchr(exe, '/');
    if (slash == 0)
      return FS_TEST_MKFS;
    *slash = 0;
  }
  snprintf(path, sizeof(path), "%s/%s", exe, FS_TEST_MKFS);
  return path;
}

// Run mkfs on n inputs in a scratch folder and load the image into
// `image`, a fresh anonymous mapping of IMG_BYTES (zeros): only blocks
// that are not zero are stored (and marked in `nonzero`, if given), so
// the pages of a mostly free disk are never touched and every fork of
// this process stays cheap. Returns 0, or -1 with why set.
static int run_mkfs(const struct mkfs_input *in, int n, uchar *image, uchar *nonzero) {
  const char *mkfs = mkfs_path();
  if (access(mkfs, X_OK) != 0) {
    snprintf(why, WHY_SIZE, "%.400s: %s (build it with `make build/mkfs`)", mkfs, strerror(errno));
    return -1;
  }
  const char *tmp = getenv("TMPDIR");
  char dir[512], paths[MAX_INPUTS + 1][600];
  const char *args[MAX_INPUTS + 3];
  snprintf(dir, sizeof(dir), "%s/fs_test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(dir) == 0) {
    snprintf(why, WHY_SIZE, "mkdtemp %s: %s", dir, strerror(errno));
    return -1;
  }
  int result = -1;
  snprintf(paths[n], sizeof(paths[n]), "%s/fs.img", dir);
  args[0] = mkfs;
  args[1] = paths[n];
  for (int i = 0; i < n; i++) {
    snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, in[i].file);
    args[2 + i] = paths[i];
    if (write_host_file(paths[i], in[i].data, in[i].len) != 0) {
      snprintf(why, WHY_SIZE, "cannot write %s", paths[i]);
      goto out;
    }
  }
  args[2 + n] = 0;

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    // mkfs reports the layout on stdout; keep our output to PASS/FAIL lines.
    if (freopen("/dev/null", "w", stdout) == 0)
      _exit(126);
    execv(mkfs, (char **)args);
    _exit(127);
  }
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    snprintf(why, WHY_SIZE, "%.400s failed to build an image", mkfs);
    goto out;
  }

  FILE *f = fopen(paths[n], "rb");
  if (f == 0) {
    snprintf(why, WHY_SIZE, "mkfs wrote no image");
    goto out;
  }
  size_t bytes = 0;
  uchar block[BSIZE];
  while (bytes < IMG_BYTES && fread(block, 1, BSIZE, f) == BSIZE) {
    int used = memcmp(block, zero_block, BSIZE) != 0;
    if (used)
      memcpy(image + bytes, block, BSIZE);
    if (nonzero)
      nonzero[bytes / BSIZE] = used;
    bytes += BSIZE;
  }
  int extra = fgetc(f) != EOF;
  fclose(f);
  if (bytes != IMG_BYTES || extra) {
    snprintf(why, WHY_SIZE, "image is not FSSIZE*BSIZE = %zu bytes", IMG_BYTES);
    goto out;
  }
  result = 0;
out:
  for (int i = 0; i <= n; i++)
    unlink(paths[i]);
  rmdir(dir);
  return result;
}

// The base image every test starts from. The disk starts as zeros, so
// the first restore copies just the blocks that are not.
static int make_image(void) {
  pattern(big_data, BIG_BYTES, 1);
  pattern(prog_data, PROG_BYTES, 3);
  inputs[0] = (struct mkfs_input){"hello", "hello", (const uchar *)hello_text,
                                  (int)strlen(hello_text)};
  inputs[1] = (struct mkfs_input){"big", "big", big_data, BIG_BYTES};
  inputs[2] = (struct mkfs_input){"_prog", "prog", prog_data, PROG_BYTES};
  return run_mkfs(inputs, NINPUTS, base_image, host_touched);
}

// ---- raw disk access (independent of the kernel) ----------------------------

static struct superblock disk_sb(void) {
  struct superblock sb;
  memcpy(&sb, host_disk + BSIZE, sizeof(sb));
  return sb;
}

static uchar *disk_block(uint b) {
  return host_disk + (size_t)b * BSIZE;
}

static struct dinode *raw_inode(const struct superblock *sb, uint inum) {
  return (struct dinode *)disk_block(IBLOCK(inum, *sb)) + inum % IPB;
}

// Disk block of the bn'th block of d, or 0 for a hole. Follows the tables
// itself (only fs_bpath, the layout, is shared with the kernel).
static uint raw_bmap(const struct dinode *d, uint bn) {
  struct bpath p;
  if (!fs_bpath(bn, &p))
    return 0;
  uint b = d->addrs[p.slot];
  for (uint level = 0; level < p.depth && b != 0; level++) {
    if (b >= FSSIZE)
      return 0;
    memcpy(&b, disk_block(b) + 4 * p.idx[level], 4);
  }
  return b;
}

static void raw_read(const struct dinode *d, uint off, void *dst, uint n) {
  uchar *out = dst;
  for (uint i = 0; i < n; i++) {
    uint b = raw_bmap(d, (off + i) / BSIZE);
    out[i] = (b && b < FSSIZE) ? disk_block(b)[(off + i) % BSIZE] : 0;
  }
}

static uint log_header_count(void) {
  uint n;
  memcpy(&n, disk_block(disk_sb().logstart), sizeof(n));
  return n;
}

// First block outside the log that differs from the base image, or -1.
// (Blocks never written since the base image was restored cannot.)
static int first_changed_block(void) {
  struct superblock sb = disk_sb();
  for (uint b = next_set(host_touched, 0); b < FSSIZE; b = next_set(host_touched, b + 1)) {
    if (b >= sb.logstart && b < sb.logstart + sb.nlog)
      continue;
    if (memcmp(disk_block(b), base_image + (size_t)b * BSIZE, BSIZE) != 0)
      return b;
  }
  return -1;
}

// ---- fsck -----------------------------------------------------------------------

#define FSCK_MAX_INODES 1024

struct fsck_result {
  int errors;
  int orphans;       // allocated, no links, unreachable (a crash with the file open)
  int free_blocks;
  int used_inodes;
  char first[300];   // the first problem found
};

struct fsck_state {
  struct superblock sb;
  struct fsck_result r;
  uchar owner_seen[FSSIZE];       // data block claimed by some inode
  int refs[FSCK_MAX_INODES];      // directory entries naming each inode
  int subdirs[FSCK_MAX_INODES];   // subdirectories of each directory
  uchar reached[FSCK_MAX_INODES];
};

static void bad(struct fsck_state *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct fsck_state *s, const char *fmt, ...) {
  if (s->r.errors++ == 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->r.first, sizeof(s->r.first), fmt, ap);
    va_end(ap);
  }
}

static void claim_block(struct fsck_state *s, uint b, uint inum, uint datastart) {
  if (b < datastart || b >= s->sb.size) {
    bad(s, "inode %u points at block %u outside the data area", inum, b);
    return;
  }
  if (s->owner_seen[b])
    bad(s, "block %u is used twice (again by inode %u)", b, inum);
  s->owner_seen[b] = 1;
}

// Claim b and, for a table block (depth > 0), every block under it.
static void claim_tree(struct fsck_state *s, uint b, uint depth, uint inum, uint datastart) {
  claim_block(s, b, inum, datastart);
  if (depth == 0 || b < datastart || b >= s->sb.size)
    return;
  for (uint k = 0; k < NINDIRECT; k++) {
    uint c;
    memcpy(&c, disk_block(b) + 4 * k, 4);
    if (c)
      claim_tree(s, c, depth - 1, inum, datastart);
  }
}

static void walk_dir(struct fsck_state *s, uint dir, uint parent, int depth) {
  struct dinode *d = raw_inode(&s->sb, dir);
  if (depth > FSCK_MAX_INODES) {
    bad(s, "directory tree too deep (a cycle?)");
    return;
  }
  if (d->size % sizeof(struct dirent) != 0)
    bad(s, "directory %u has size %u, not a whole number of entries", dir, d->size);
  uint count = d->size / sizeof(struct dirent);
  if (count < 2) {
    bad(s, "directory %u lacks \".\" and \"..\"", dir);
    return;
  }
  char (*names)[DIRSIZ + 1] = calloc(count, DIRSIZ + 1);
  for (uint i = 0; i < count; i++) {
    struct dirent de;
    raw_read(d, i * sizeof(de), &de, sizeof(de));
    memcpy(names[i], de.name, DIRSIZ);
    names[i][DIRSIZ] = 0;
    const char *name = names[i];
    if (i < 2) {
      const char *want_name = i == 0 ? "." : "..";
      uint want_inum = i == 0 ? dir : parent;
      if (strcmp(name, want_name) != 0 || de.inum != want_inum)
        bad(s, "directory %u: entry %u is \"%s\" -> %u, want \"%s\" -> %u", dir, i, name,
            de.inum, want_name, want_inum);
      continue;
    }
    if (de.inum == 0)
      continue;
    if (name[0] == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
      bad(s, "directory %u: bad entry name \"%s\"", dir, name);
      continue;
    }
    for (uint j = 2; j < i; j++)
      if (names[j][0] && strcmp(names[j], name) == 0)
        bad(s, "directory %u: name \"%s\" appears twice", dir, name);
    if (de.inum >= s->sb.ninodes) {
      bad(s, "directory %u: \"%s\" names inode %u, beyond the last", dir, name, de.inum);
      continue;
    }
    struct dinode *child = raw_inode(&s->sb, de.inum);
    if (child->type == 0) {
      bad(s, "directory %u: \"%s\" names free inode %u", dir, name, de.inum);
      continue;
    }
    s->refs[de.inum]++;
    if (child->type == T_DIR) {
      if (s->reached[de.inum]) {
        bad(s, "directory %u has more than one name", de.inum);
        continue;
      }
      s->reached[de.inum] = 1;
      s->subdirs[dir]++;
      walk_dir(s, de.inum, dir, depth + 1);
    } else {
      s->reached[de.inum] = 1;
    }
  }
  free(names);
}

// Check the structure of the raw disk. Knows the format (fs.h) and the
// kernel's conventions: "." and ".." are the first two entries of every
// directory; a directory's nlink is 1 plus its number of subdirectories
// (their ".." entries); a file's nlink is the number of names it has.
static struct fsck_result fsck(void) {
  struct fsck_state *s = calloc(1, sizeof(*s));
  struct superblock *sb = &s->sb;
  *sb = disk_sb();
  uint ninodeblocks = (sb->ninodes + IPB - 1) / IPB;
  uint datastart = sb->bmapstart + (sb->size + BPB - 1) / BPB;
  if (sb->size != FSSIZE || sb->nlog < 2 || sb->logstart != 2 ||
      sb->inodestart != sb->logstart + sb->nlog || sb->ninodes == 0 ||
      sb->ninodes > FSCK_MAX_INODES || sb->bmapstart != sb->inodestart + ninodeblocks ||
      datastart >= sb->size || sb->nblocks != sb->size - datastart) {
    bad(s, "inconsistent superblock");
    goto out;
  }
  if (log_header_count() != 0)
    bad(s, "the log header still lists %u blocks", log_header_count());

  if (raw_inode(sb, 0)->type != 0)
    bad(s, "inode 0 is in use");
  for (uint i = 1; i < sb->ninodes; i++) {
    struct dinode *d = raw_inode(sb, i);
    if (d->type == 0) {
      int leftovers = d->nlink != 0 || d->size != 0;
      for (int k = 0; k < NADDRS; k++)
        leftovers |= d->addrs[k] != 0;
      if (leftovers)
        bad(s, "free inode %u still has links, size or blocks", i);
      continue;
    }
    s->r.used_inodes++;
    if (d->type != T_DIR && d->type != T_FILE && d->type != T_DEV)
      bad(s, "inode %u has type %d", i, d->type);
    if (d->size > (uint)MAXBYTES)
      bad(s, "inode %u has size %u, beyond the largest file", i, d->size);
    for (uint k = 0; k < NADDRS; k++)
      if (d->addrs[k])
        claim_tree(s, d->addrs[k], fs_slot_depth(k), i, datastart);
  }

  if (raw_inode(sb, ROOTINO)->type != T_DIR) {
    bad(s, "the root inode is not a directory");
    goto out;
  }
  s->reached[ROOTINO] = 1;
  walk_dir(s, ROOTINO, ROOTINO, 0);

  for (uint i = 1; i < sb->ninodes; i++) {
    struct dinode *d = raw_inode(sb, i);
    if (d->type == 0)
      continue;
    if (!s->reached[i]) {
      if (d->nlink != 0)
        bad(s, "inode %u (nlink %d) is not reachable from /", i, d->nlink);
      else
        s->r.orphans++;
      continue;
    }
    int want = d->type == T_DIR ? 1 + s->subdirs[i] : s->refs[i];
    if (d->nlink != want)
      bad(s, "inode %u (type %d) has nlink %d, want %d", i, d->type, d->nlink, want);
  }

  for (uint b = 0; b < sb->size; b++) {
    uchar byte = disk_block(BBLOCK(b, *sb))[(b % BPB) / 8];
    if (b % 8 == 0 && b >= datastart && b + 8 <= sb->size && byte == 0 &&
        memcmp(s->owner_seen + b, zero_block, 8) == 0) {
      s->r.free_blocks += 8;   // eight free blocks at once (most of the disk)
      b += 7;
      continue;
    }
    int bit = (byte >> (b % 8)) & 1;
    int want = b < datastart ? 1 : s->owner_seen[b];
    if (bit != want)
      bad(s, "block %u is marked %s in the bitmap but is %s", b, bit ? "used" : "free",
          want ? "in use" : "unused");
    if (!bit)
      s->r.free_blocks++;
  }
out:;
  struct fsck_result r = s->r;
  free(s);
  return r;
}

// fsck, failing the test on any problem. Orphans are acceptable only
// while their file is still open (the boot-time sweep frees the rest).
static struct fsck_result expect_clean(int allow_orphans) {
  struct fsck_result r = fsck();
  if (r.errors)
    host_fail("fsck: %s (%d problem%s)", r.first, r.errors, r.errors > 1 ? "s" : "");
  if (r.orphans && !allow_orphans)
    host_fail("fsck: %d allocated inode(s) with no links left over", r.orphans);
  return r;
}

// ---- helpers on top of the system calls ----------------------------------------

static struct xv6_stat stat_path(const char *path) {
  struct xv6_stat st;
  memset(&st, 0, sizeof(st));
  int fd = fs_open(path, O_RDONLY);
  CHECKF(fd >= 0, "cannot open %s", path);
  CHECK(fs_fstat(fd, &st) == 0);
  CHECK(fs_close(fd) == 0);
  return st;
}

// Create path holding data[0..n).
static void make_file(const char *path, const void *data, int n) {
  int fd = fs_open(path, O_CREATE | O_RDWR);
  CHECKF(fd >= 0, "cannot create %s", path);
  CHECKF(fs_write(fd, data, n) == n, "short write to %s", path);
  CHECK(fs_close(fd) == 0);
}

// path must hold exactly want[0..n).
static void expect_contents(const char *path, const void *want, int n) {
  static uchar got[MAXFILE * BSIZE + 1];
  int fd = fs_open(path, O_RDONLY);
  CHECKF(fd >= 0, "cannot open %s", path);
  int r = fs_read(fd, got, sizeof(got));
  CHECKF(r == n, "%s: read %d bytes, want %d", path, r, n);
  CHECKF(memcmp(got, want, n) == 0, "%s: wrong contents", path);
  CHECK(fs_close(fd) == 0);
}

// ---- tests ----------------------------------------------------------------------

// The image straight from mkfs, read without the kernel; then mounted.
static void t_mkfs_image(void *unused) {
  (void)unused;
  struct superblock sb = disk_sb();
  CHECK(sb.size == FSSIZE);
  CHECK(sb.nlog == LOGSIZE + 1);
  CHECK(log_header_count() == 0);
  struct fsck_result r = expect_clean(0);
  CHECK(r.used_inodes == 1 + NINPUTS);

  struct dinode *root = raw_inode(&sb, ROOTINO);
  CHECK(root->type == T_DIR && root->nlink == 1);
  CHECK(root->size > 0 && root->size % BSIZE == 0);   // rounded to whole blocks
  const char *want[] = {".", "..", "hello", "big", "prog"};
  for (uint i = 0; i < root->size / sizeof(struct dirent); i++) {
    struct dirent de;
    raw_read(root, i * sizeof(de), &de, sizeof(de));
    if (i >= 2 + NINPUTS) {
      CHECKF(de.inum == 0, "root entry %u should be free", i);
      continue;
    }
    CHECKF(strncmp(de.name, want[i], DIRSIZ) == 0, "root entry %u is \"%.14s\", want \"%s\"",
           i, de.name, want[i]);
    if (i < 2)
      continue;
    struct mkfs_input *in = &inputs[i - 2];
    struct dinode *d = raw_inode(&sb, de.inum);
    CHECKF(d->type == T_FILE && d->nlink == 1, "%s: bad inode", in->entry);
    CHECKF(d->size == (uint)in->len, "%s: size %u, want %d", in->entry, d->size, in->len);
    static uchar got[BIG_BYTES];
    raw_read(d, 0, got, in->len);
    CHECKF(memcmp(got, in->data, in->len) == 0, "%s: wrong contents in the image", in->entry);
  }

  // Mounting a clean image must change nothing outside the log.
  host_boot();
  int changed = first_changed_block();
  CHECKF(changed < 0, "mounting changed block %d", changed);
  expect_clean(0);
}

// The files mkfs put there, through the system calls.
static void t_read_mkfs_files(void *unused) {
  (void)unused;
  static uchar buf[BIG_BYTES + 100];
  struct xv6_stat st;
  host_boot();

  int fd = fs_open("hello", O_RDONLY);
  CHECK(fd == 0);   // the lowest free descriptor
  CHECK(fs_read(fd, buf, 100) == 12 && memcmp(buf, hello_text, 12) == 0);
  CHECK(fs_read(fd, buf, 100) == 0);   // end of file
  CHECK(fs_write(fd, "x", 1) == -1);   // opened read-only
  CHECK(fs_fstat(fd, &st) == 0);
  CHECK(st.type == T_FILE && st.nlink == 1 && st.size == 12 && st.dev == ROOTDEV);
  CHECK(fs_close(fd) == 0);

  // Odd-sized reads across block and indirect-block boundaries.
  fd = fs_open("/big", O_RDONLY);
  CHECK(fd >= 0);
  int got = 0, n;
  while ((n = fs_read(fd, buf + got, 777)) > 0)
    got += n;
  CHECK(n == 0 && got == BIG_BYTES && memcmp(buf, big_data, BIG_BYTES) == 0);
  CHECK(fs_close(fd) == 0);

  // mkfs named "_prog" "prog"; extra slashes and "." are harmless.
  expect_contents("prog", prog_data, PROG_BYTES);
  expect_contents("//prog", prog_data, PROG_BYTES);
  expect_contents("./prog", prog_data, PROG_BYTES);
  CHECK(fs_open("_prog", O_RDONLY) == -1);
  CHECK(nfiles_in_use() == 0);
  expect_clean(0);
}

// mkfs and the kernel agree on the doubly-indirect blocks: an image with
// one file of the largest size (its own image: kept out of the base one,
// which every crash point forks and checks), read through the system
// calls; it cannot grow, and unlinking it frees every block.
static void t_mkfs_max_file(void *unused) {
  (void)unused;
  static uchar image_flags[FSSIZE];
  size_t len = (size_t)MAXBYTES + BSIZE;
  uchar *data = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  uchar *image = mmap(0, IMG_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(data != MAP_FAILED && image != MAP_FAILED);
  pattern(data, MAXBYTES, 2);
  struct mkfs_input max = {"max", "max", data, MAXBYTES};
  if (run_mkfs(&max, 1, image, image_flags) != 0)
    rethrow("mkfs");
  for (uint b = 0; b < FSSIZE; b++) {   // load it; the next restore undoes it
    uchar *base = base_image + (size_t)b * BSIZE;
    if (image_flags[b] || host_touched[b] || memcmp(base, zero_block, BSIZE) != 0) {
      memcpy(disk_block(b), image + (size_t)b * BSIZE, BSIZE);
      host_touched[b] = 1;
    }
  }
  struct fsck_result r = expect_clean(0);
  CHECK(r.used_inodes == 2);

  host_boot();
  CHECK((int)fs_free_blocks() == r.free_blocks);
  int fd = fs_open("max", O_RDWR);
  CHECK(fd >= 0);
  // In one read; then the last byte may change, and nothing may follow it.
  static uchar buf[MAXFILE * BSIZE + 100];
  CHECK(fs_read(fd, buf, sizeof(buf)) == MAXBYTES && memcmp(buf, data, MAXBYTES) == 0);
  CHECK(fs_write(fd, "x", 1) == -1);
  CHECK(fs_lseek(fd, MAXBYTES - 1, SEEK_SET) == MAXBYTES - 1 && fs_write(fd, "y", 1) == 1);
  CHECK(fs_write(fd, "z", 1) == -1);
  struct xv6_stat st;
  CHECK(fs_fstat(fd, &st) == 0 && st.size == (uint)MAXBYTES);
  CHECK(fs_close(fd) == 0);
  expect_clean(0);
  CHECK(fs_unlink("max") == 0);
  struct fsck_result after = expect_clean(0);
  CHECK(after.free_blocks == r.free_blocks + (int)MAXFILE + MAXFILE_TABLES);
  CHECK((int)fs_free_blocks() == after.free_blocks);
}

static void t_write_read(void *unused) {
  (void)unused;
  static uchar data[20000], buf[20100];
  pattern(data, sizeof(data), 5);
  host_boot();
  struct fsck_result before = expect_clean(0);

  int fd = fs_open("f", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  int off = 0, step = 1;
  while (off < 20000) {   // chunk sizes 1, 4, 13, 40, ... 3280, then again
    int m = step < 20000 - off ? step : 20000 - off;
    CHECK(fs_write(fd, data + off, m) == m);
    off += m;
    step = step > 3000 ? 1 : step * 3 + 1;
  }
  CHECK(fs_lseek(fd, 0, SEEK_CUR) == 20000);
  CHECK(fs_lseek(fd, 0, SEEK_SET) == 0);
  CHECK(fs_read(fd, buf, sizeof(buf)) == 20000 && memcmp(buf, data, 20000) == 0);
  CHECK(fs_close(fd) == 0);
  expect_contents("f", data, 20000);

  // Overwrite in the middle through a write-only descriptor.
  fd = fs_open("f", O_WRONLY);
  CHECK(fd >= 0);
  CHECK(fs_read(fd, buf, 1) == -1);
  CHECK(fs_lseek(fd, 1000, SEEK_SET) == 1000);
  CHECK(fs_write(fd, "ZZZZZZZZZZ", 10) == 10);
  CHECK(fs_close(fd) == 0);
  memset(data + 1000, 'Z', 10);

  // O_CREATE of an existing file opens it as it is (no truncation).
  fd = fs_open("f", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  CHECK(fs_close(fd) == 0);
  expect_contents("f", data, 20000);
  CHECK(stat_path("f").size == 20000);

  struct fsck_result mid = expect_clean(0);
  CHECK(mid.free_blocks == before.free_blocks - (20000 + BSIZE - 1) / BSIZE - 1);   // + indirect
  CHECK(mid.used_inodes == before.used_inodes + 1);
  CHECK(fs_unlink("f") == 0);
  struct fsck_result after = expect_clean(0);
  CHECK(after.free_blocks == before.free_blocks && after.used_inodes == before.used_inodes);
  CHECK(nfiles_in_use() == 0);
}

static void t_lseek(void *unused) {
  (void)unused;
  uchar data[100], buf[100];
  pattern(data, 100, 6);
  host_boot();
  int fd = fs_open("s", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && fs_write(fd, data, 100) == 100);
  CHECK(fs_lseek(fd, 10, SEEK_SET) == 10);
  CHECK(fs_lseek(fd, 5, SEEK_CUR) == 15);
  CHECK(fs_lseek(fd, -5, SEEK_CUR) == 10);
  CHECK(fs_read(fd, buf, 3) == 3 && memcmp(buf, data + 10, 3) == 0);
  CHECK(fs_lseek(fd, 0, SEEK_END) == 100);
  CHECK(fs_lseek(fd, -100, SEEK_END) == 0);
  // Failed seeks leave the offset alone.
  CHECK(fs_lseek(fd, -101, SEEK_END) == -1);
  CHECK(fs_lseek(fd, -1, SEEK_SET) == -1);
  CHECK(fs_lseek(fd, 3, 7) == -1);   // unknown whence
  CHECK(fs_lseek(fd, 0, SEEK_CUR) == 0);
  CHECK(fs_lseek(fd, INT_MAX, SEEK_SET) == INT_MAX);
  CHECK(fs_lseek(fd, 1, SEEK_CUR) == -1);   // would overflow
  CHECK(fs_lseek(fd, 0, SEEK_CUR) == INT_MAX);
  // Past the end: reads find nothing and the file does not grow.
  CHECK(fs_lseek(fd, 5000, SEEK_SET) == 5000);
  CHECK(fs_read(fd, buf, 10) == 0);
  CHECK(stat_path("s").size == 100);
  CHECK(fs_lseek(99, 0, SEEK_SET) == -1);
  CHECK(fs_close(fd) == 0);

  // Directories can be positioned and read as arrays of entries.
  fd = fs_open(".", O_RDONLY);
  CHECK(fd >= 0);
  struct dirent de;
  CHECK(fs_lseek(fd, sizeof(de), SEEK_SET) == (int)sizeof(de));
  CHECK(fs_read(fd, &de, sizeof(de)) == (int)sizeof(de));
  CHECK(de.inum == ROOTINO && strcmp(de.name, "..") == 0);
  CHECK(fs_close(fd) == 0);
  CHECK(fs_unlink("s") == 0);
  expect_clean(0);
}

// Writes past the end leave holes: no blocks until written, zeros on read.
static void t_holes(void *unused) {
  (void)unused;
  static uchar buf[MAXFILE * BSIZE + 10];
  host_boot();
  struct fsck_result before = expect_clean(0);
  int fd = fs_open("h", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  CHECK(fs_write(fd, "head", 4) == 4);
  CHECK(fs_lseek(fd, 40000, SEEK_SET) == 40000);
  CHECK(fs_write(fd, "tail", 4) == 4);
  CHECK(stat_path("h").size == 40004);
  // Blocks 0 and 78, and the indirect block (78 >= NDIRECT).
  CHECK(expect_clean(0).free_blocks == before.free_blocks - 3);

  CHECK(fs_lseek(fd, 0, SEEK_SET) == 0);
  CHECK(fs_read(fd, buf, sizeof(buf)) == 40004);
  CHECK(memcmp(buf, "head", 4) == 0 && memcmp(buf + 40000, "tail", 4) == 0);
  for (int i = 4; i < 40000; i++)
    CHECKF(buf[i] == 0, "byte %d of a hole is %d", i, buf[i]);

  // Filling in part of a hole.
  CHECK(fs_lseek(fd, 30000, SEEK_SET) == 30000 && fs_write(fd, "mid", 3) == 3);
  CHECK(fs_lseek(fd, 29999, SEEK_SET) == 29999);
  CHECK(fs_read(fd, buf, 5) == 5 && memcmp(buf, "\0mid\0", 5) == 0);
  CHECK(expect_clean(0).free_blocks == before.free_blocks - 4);
  CHECK(stat_path("h").size == 40004);

  // The last byte a file can have; nothing beyond it.
  CHECK(fs_lseek(fd, MAXBYTES - 1, SEEK_SET) == MAXBYTES - 1);
  CHECK(fs_write(fd, "E", 1) == 1);
  CHECK(fs_lseek(fd, MAXBYTES - 1, SEEK_SET) == MAXBYTES - 1);
  CHECK(fs_write(fd, "EF", 2) == -1);
  CHECK(fs_write(fd, "E", 1) == 1);   // the failed write moved nothing
  CHECK(fs_write(fd, "F", 1) == -1);
  CHECK(stat_path("h").size == (uint)MAXBYTES);
  CHECK(fs_close(fd) == 0);
  // The last block sits under the last doubly-indirect block, through an
  // indirect block of its own: three new blocks.
  CHECK(expect_clean(0).free_blocks == before.free_blocks - 7);
  CHECK(fs_unlink("h") == 0);
  CHECK(expect_clean(0).free_blocks == before.free_blocks);
}

// One write of the largest file: many log transactions, none too big.
static void t_max_file_size(void *unused) {
  (void)unused;
  static uchar data[MAXFILE * BSIZE + 1];
  pattern(data, sizeof(data), 7);
  host_boot();
  struct fsck_result before = expect_clean(0);
  int fd = fs_open("m", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  CHECK(fs_write(fd, data, MAXBYTES) == MAXBYTES);
  CHECK(fs_close(fd) == 0);
  expect_contents("m", data, MAXBYTES);
  CHECK(expect_clean(0).free_blocks == before.free_blocks - (int)MAXFILE - MAXFILE_TABLES);

  // One byte too many: the call fails and the file stays within bounds.
  fd = fs_open("m2", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  CHECK(fs_write(fd, data, MAXBYTES + 1) == -1);
  CHECK(fs_close(fd) == 0);
  CHECK(stat_path("m2").size <= (uint)MAXBYTES);
  expect_clean(0);
  CHECK(fs_unlink("m") == 0 && fs_unlink("m2") == 0);
  CHECK(expect_clean(0).free_blocks == before.free_blocks);
}

static void t_dup(void *unused) {
  (void)unused;
  char buf[20];
  host_boot();
  int fd = fs_open("hello", O_RDONLY);
  int fd2 = fs_dup(fd);
  CHECK(fd == 0 && fd2 == 1);
  CHECK(nfiles_in_use() == 1);   // one open file, two descriptors
  CHECK(fs_read(fd, buf, 6) == 6);
  CHECK(fs_read(fd2, buf, 20) == 6 && memcmp(buf, "world\n", 6) == 0);   // shared offset
  CHECK(fs_lseek(fd2, 0, SEEK_SET) == 0 && fs_lseek(fd, 0, SEEK_CUR) == 0);
  CHECK(fs_close(fd) == 0);
  CHECK(fs_read(fd2, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0);
  CHECK(fs_close(fd2) == 0);
  CHECK(fs_dup(fd2) == -1 && fs_dup(-1) == -1 && fs_dup(NOFILE) == -1);
  CHECK(nfiles_in_use() == 0);
}

static void t_directories(void *unused) {
  (void)unused;
  char buf[20];
  host_boot();
  struct fsck_result before = expect_clean(0);

  CHECK(fs_mkdir("d") == 0);
  CHECK(fs_mkdir("d") == -1);        // exists
  CHECK(fs_mkdir("hello") == -1);    // a file has that name
  CHECK(fs_mkdir("d/e") == 0);
  CHECK(fs_mkdir("x/y") == -1);      // no parent
  CHECK(fs_mkdir("hello/y") == -1);  // parent is a file
  CHECK(fs_open("d", O_RDWR) == -1 && fs_open("d", O_WRONLY) == -1);
  struct xv6_stat st = stat_path("d");
  CHECK(st.type == T_DIR && st.nlink == 2 && st.size == 3 * sizeof(struct dirent));
  CHECK(stat_path("/").nlink == 2);
  CHECK(stat_path("d/e").nlink == 1 && stat_path("d/e/..").ino == stat_path("d").ino);
  CHECK(stat_path("/..").ino == ROOTINO);

  // Relative paths follow the working directory.
  CHECK(fs_chdir("d/e") == 0);
  int fd = fs_open("../../hello", O_RDONLY);
  CHECK(fd >= 0 && fs_read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0);
  CHECK(fs_close(fd) == 0);
  make_file("g", "gg", 2);
  CHECK(fs_chdir("/") == 0);
  expect_contents("/d/e/g", "gg", 2);
  CHECK(fs_chdir("hello") == -1 && fs_chdir("nope") == -1);

  // What may not be removed.
  CHECK(fs_unlink("d/e") == -1);     // not empty
  CHECK(fs_unlink("d/e/.") == -1 && fs_unlink("d/..") == -1 && fs_unlink("/") == -1);
  CHECK(fs_unlink("d/e/g") == 0);
  CHECK(fs_unlink("d/e/g") == -1);
  CHECK(fs_unlink("d/e") == 0);
  CHECK(stat_path("d").nlink == 1);
  CHECK(fs_open("d/e/g", O_RDONLY) == -1);
  CHECK(fs_unlink("d") == 0);
  CHECK(stat_path("/").nlink == 1);

  // A directory removed while it is the working directory lives on
  // until the process leaves it.
  CHECK(fs_mkdir("r") == 0 && fs_chdir("r") == 0);
  CHECK(fs_unlink("/r") == 0);
  CHECK(expect_clean(1).orphans == 1);
  CHECK(fs_chdir("/") == 0);
  struct fsck_result after = expect_clean(0);
  CHECK(after.free_blocks == before.free_blocks && after.used_inodes == before.used_inodes);
  CHECK(nfiles_in_use() == 0);
}

// A directory grows by blocks and reuses free entries.
static void t_directory_growth(void *unused) {
  (void)unused;
  char name[32];
  host_boot();
  struct fsck_result before = expect_clean(0);
  CHECK(fs_mkdir("g") == 0);
  for (int i = 0; i < 40; i++) {
    snprintf(name, sizeof(name), "g/f%d", i);
    make_file(name, name, strlen(name));
  }
  uint size = 42 * sizeof(struct dirent);   // ".", ".." and 40 names: two blocks
  CHECK(stat_path("g").size == size);
  CHECK(fs_unlink("g/f17") == 0);
  make_file("g/new", "n", 1);
  CHECK(stat_path("g").size == size);        // took f17's entry
  for (int i = 0; i < 40; i++) {
    snprintf(name, sizeof(name), "g/f%d", i);
    if (i != 17)
      expect_contents(name, name, strlen(name));
  }
  expect_clean(0);
  for (int i = 0; i < 40; i++) {
    snprintf(name, sizeof(name), "g/f%d", i);
    CHECK(fs_unlink(name) == (i == 17 ? -1 : 0));
  }
  CHECK(fs_unlink("g") == -1);   // "new" is still there
  CHECK(fs_unlink("g/new") == 0 && fs_unlink("g") == 0);
  struct fsck_result after = expect_clean(0);
  CHECK(after.free_blocks == before.free_blocks && after.used_inodes == before.used_inodes);
}

static void t_links(void *unused) {
  (void)unused;
  char buf[10];
  host_boot();
  struct fsck_result before = expect_clean(0);
  make_file("a", "abc", 3);
  CHECK(fs_link("a", "b") == 0);
  CHECK(stat_path("a").nlink == 2 && stat_path("b").ino == stat_path("a").ino);
  // Failed links leave the count as it was.
  CHECK(fs_link("a", "b") == -1);            // name taken
  CHECK(fs_link("a", "hello") == -1);
  CHECK(fs_link("a", "missing/x") == -1);    // no such directory
  CHECK(fs_link("nope", "c") == -1);
  CHECK(stat_path("a").nlink == 2);
  CHECK(fs_mkdir("dd") == 0);
  CHECK(fs_link("dd", "dl") == -1);          // no links to directories
  CHECK(stat_path("dd").nlink == 1);
  CHECK(fs_link("a", "dd/a2") == 0 && stat_path("a").nlink == 3);
  expect_clean(0);

  // All names reach the same data.
  int fd = fs_open("b", O_RDWR);
  CHECK(fd >= 0 && fs_write(fd, "XY", 2) == 2 && fs_close(fd) == 0);
  expect_contents("dd/a2", "XYc", 3);
  CHECK(fs_unlink("a") == 0);
  CHECK(fs_open("a", O_RDONLY) == -1);
  CHECK(stat_path("b").nlink == 2);
  CHECK(fs_unlink("b") == 0);
  fd = fs_open("dd/a2", O_RDONLY);
  CHECK(fd >= 0 && fs_read(fd, buf, 10) == 3 && fs_close(fd) == 0);
  CHECK(fs_unlink("dd/a2") == 0 && fs_unlink("dd") == 0);
  struct fsck_result after = expect_clean(0);
  CHECK(after.free_blocks == before.free_blocks && after.used_inodes == before.used_inodes);
}

// A fake driver, to see reads and writes of device inodes reach it.
#define FAKE_MAJOR 5
static int fake_writes;

static int fake_read(struct inode *ip, char *dst, int n) {
  CHECK(holdingsleep(&ip->lock));   // drivers are entered with the inode locked
  memset(dst, 'D', n);
  return n;
}

static int fake_write(struct inode *ip, char *src, int n) {
  CHECK(holdingsleep(&ip->lock));
  (void)src;
  fake_writes += n;
  return n;
}

static void t_devices(void *unused) {
  (void)unused;
  char buf[8];
  struct xv6_stat st;
  host_boot();
  devsw[FAKE_MAJOR].read = fake_read;
  devsw[FAKE_MAJOR].write = fake_write;

  CHECK(fs_mknod("dev", FAKE_MAJOR, 3) == 0);
  CHECK(fs_mknod("dev", FAKE_MAJOR, 3) == -1);
  CHECK(fs_mknod("hello", FAKE_MAJOR, 3) == -1);
  int fd = fs_open("dev", O_RDWR);
  CHECK(fd >= 0 && fs_fstat(fd, &st) == 0 && st.type == T_DEV && st.size == 0);
  CHECK(fs_read(fd, buf, 8) == 8 && memcmp(buf, "DDDDDDDD", 8) == 0);
  CHECK(fs_write(fd, "abcde", 5) == 5 && fake_writes == 5);
  CHECK(fs_lseek(fd, 0, SEEK_SET) == -1);   // devices have no position
  CHECK(fs_close(fd) == 0);
  fd = fs_open("dev", O_CREATE | O_RDWR);   // O_CREATE opens an existing device
  CHECK(fd >= 0 && fs_close(fd) == 0);

  // No driver, or a major number outside the table: I/O just fails.
  int majors[] = {FAKE_MAJOR + 1, NDEV, 99, -1};
  for (int i = 0; i < 4; i++) {
    CHECK(fs_mknod("odd", majors[i], 0) == 0);
    fd = fs_open("odd", O_RDWR);
    CHECKF(fd >= 0 && fs_read(fd, buf, 1) == -1 && fs_write(fd, "x", 1) == -1,
           "major %d", majors[i]);
    CHECK(fs_close(fd) == 0 && fs_unlink("odd") == 0);
  }
  CHECK(fs_unlink("dev") == 0);
  expect_clean(0);
}

// Names longer than DIRSIZ are cut to DIRSIZ characters.
static void t_long_names(void *unused) {
  (void)unused;
  host_boot();
  make_file("abcdefghijklmnopqrst", "L", 1);
  expect_contents("abcdefghijklmn", "L", 1);
  expect_contents("abcdefghijklmnXYZ", "L", 1);
  CHECK(fs_open("abcdefghijklm", O_RDONLY) == -1);
  make_file("fourteen_chars", "14", 2);   // exactly DIRSIZ: no terminating NUL on disk
  expect_contents("fourteen_chars", "14", 2);
  CHECK(fs_open("fourteen_char", O_RDONLY) == -1);
  CHECK(fs_unlink("abcdefghijklmnopq") == 0 && fs_unlink("fourteen_chars") == 0);
  expect_clean(0);
}

// An open file whose last name is removed lives until the last close.
static void t_unlink_open_file(void *unused) {
  (void)unused;
  static uchar data[4000], buf[4100];
  struct xv6_stat st;
  pattern(data, sizeof(data), 8);
  host_boot();
  struct fsck_result before = expect_clean(0);
  int fd = fs_open("u", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && fs_write(fd, data, 3000) == 3000);
  CHECK(fs_unlink("u") == 0);
  CHECK(fs_open("u", O_RDONLY) == -1);
  CHECK(fs_fstat(fd, &st) == 0 && st.nlink == 0);
  CHECK(fs_write(fd, data + 3000, 1000) == 1000);
  CHECK(fs_lseek(fd, 0, SEEK_SET) == 0);
  CHECK(fs_read(fd, buf, sizeof(buf)) == 4000 && memcmp(buf, data, 4000) == 0);
  struct fsck_result mid = expect_clean(1);
  CHECK(mid.orphans == 1 && mid.free_blocks == before.free_blocks - 8);
  int fd2 = fs_dup(fd);
  CHECK(fs_close(fd) == 0);
  CHECK(expect_clean(1).orphans == 1);   // still open through fd2
  CHECK(fs_close(fd2) == 0);
  struct fsck_result after = expect_clean(0);
  CHECK(after.free_blocks == before.free_blocks && after.used_inodes == before.used_inodes);
}

// What one boot writes, the next boot reads.
static uchar persist_data[10000];

static void persist_write(void *unused) {
  (void)unused;
  host_boot();
  CHECK(fs_mkdir("p") == 0);
  make_file("p/data", persist_data, sizeof(persist_data));
  CHECK(fs_link("p/data", "alias") == 0);
  make_file("empty", "", 0);
  CHECK(fs_unlink("hello") == 0);
  CHECK(fs_mknod("p/dev", 7, 9) == 0);
}

static void persist_check(void *unused) {
  (void)unused;
  host_boot();
  expect_clean(0);
  expect_contents("p/data", persist_data, sizeof(persist_data));
  expect_contents("alias", persist_data, sizeof(persist_data));
  CHECK(stat_path("alias").nlink == 2);
  CHECK(stat_path("empty").size == 0);
  CHECK(fs_open("hello", O_RDONLY) == -1);
  CHECK(stat_path("p/dev").type == T_DEV);
  CHECK(stat_path("p").nlink == 1 && stat_path("/").nlink == 2);
}

static void t_persistence(void *unused) {
  (void)unused;
  pattern(persist_data, sizeof(persist_data), 4);
  if (in_child(persist_write, 0) != 0)
    rethrow("first boot");
  if (in_child(persist_check, 0) != 0)
    rethrow("second boot");
}

static void t_pipes(void *unused) {
  (void)unused;
  uchar data[PIPESIZE], buf[2 * PIPESIZE];
  int p[2], q[2];
  pattern(data, sizeof(data), 10);
  host_boot();
  CHECK(fs_pipe(p) == 0 && p[0] == 0 && p[1] == 1);
  CHECK(host_allocs_live > 0 && nfiles_in_use() == 2);
  CHECK(fs_write(p[1], "abc", 3) == 3);
  CHECK(fs_read(p[0], buf, 10) == 3 && memcmp(buf, "abc", 3) == 0);
  CHECK(fs_write(p[1], data, sizeof(data)) == (int)sizeof(data));   // fills it exactly
  CHECK(fs_read(p[1], buf, 1) == -1 && fs_write(p[0], "x", 1) == -1);   // wrong ends
  CHECK(fs_lseek(p[0], 0, SEEK_SET) == -1);
  struct xv6_stat st;
  CHECK(fs_fstat(p[0], &st) == -1);
  int w2 = fs_dup(p[1]);
  CHECK(fs_close(p[1]) == 0);   // the write end is still open through w2
  CHECK(fs_read(p[0], buf, 100) == 100 && memcmp(buf, data, 100) == 0);
  CHECK(fs_close(w2) == 0);
  CHECK(fs_read(p[0], buf, sizeof(buf)) == (int)sizeof(data) - 100);
  CHECK(memcmp(buf, data + 100, sizeof(data) - 100) == 0);
  CHECK(fs_read(p[0], buf, 10) == 0);   // end of file
  CHECK(fs_close(p[0]) == 0);
  CHECK(host_allocs_live == 0 && nfiles_in_use() == 0);

  // Writing with the read end closed fails at once.
  CHECK(fs_pipe(p) == 0 && fs_close(p[0]) == 0);
  CHECK(fs_write(p[1], "a", 1) == -1);
  CHECK(fs_close(p[1]) == 0 && host_allocs_live == 0);

  // Failures clean up after themselves.
  CHECK(fs_pipe(0) == -1);
  for (int budget = 0; budget < 4; budget++) {
    host_alloc_budget = budget;   // run out after `budget` allocations
    int r = fs_pipe(p);
    host_alloc_budget = -1;
    if (r == 0) {                 // enough memory after all
      CHECK(fs_close(p[0]) == 0 && fs_close(p[1]) == 0);
    } else {
      CHECK(r == -1);
      CHECK(budget < 3);          // a pipe needs only a few allocations
    }
    CHECKF(nfiles_in_use() == 0 && host_allocs_live == 0, "budget %d: leaked", budget);
  }
  CHECK(fs_pipe(p) == 0 && p[0] == 0 && fs_close(0) == 0 && fs_close(1) == 0);
  for (int i = 0; i < NOFILE - 1; i++)   // leave one descriptor: too few
    CHECK(fs_open("hello", O_RDONLY) == i);
  CHECK(fs_pipe(q) == -1);
  CHECK(nfiles_in_use() == NOFILE - 1 && host_allocs_live == 0);
  CHECK(fs_open("hello", O_RDONLY) == NOFILE - 1);
  for (int i = 0; i < NOFILE; i++)
    CHECK(fs_close(i) == 0);
  CHECK(nfiles_in_use() == 0);
}

static void t_fd_table(void *unused) {
  (void)unused;
  host_boot();
  for (int i = 0; i < NOFILE; i++)
    CHECK(fs_open("hello", O_RDONLY) == i);
  CHECK(fs_open("hello", O_RDONLY) == -1);
  CHECK(fs_open("new", O_CREATE | O_RDWR) == -1);
  CHECK(fs_dup(0) == -1);
  CHECK(nfiles_in_use() == NOFILE);   // the failed opens gave their slots back
  CHECK(fs_close(5) == 0);
  CHECK(fs_open("hello", O_RDONLY) == 5);   // lowest free descriptor
  for (int i = 0; i < NOFILE; i++)
    CHECK(fs_close(i) == 0);
  CHECK(fs_close(0) == -1);
  CHECK(nfiles_in_use() == 0);
  expect_clean(0);
}

// Bad descriptors, bad pointers (null stands for an invalid user
// address) and missing paths all give -1 and change nothing.
static void t_bad_arguments(void *unused) {
  (void)unused;
  char buf[10];
  struct xv6_stat st;
  host_boot();
  int bad_fds[] = {-1, NOFILE, 3, INT_MAX};
  for (int i = 0; i < 4; i++) {
    int fd = bad_fds[i];
    CHECKF(fs_read(fd, buf, 1) == -1 && fs_write(fd, "x", 1) == -1 && fs_close(fd) == -1 &&
           fs_fstat(fd, &st) == -1 && fs_lseek(fd, 0, SEEK_SET) == -1 && fs_dup(fd) == -1,
           "fd %d", fd);
  }
  int fd = fs_open("hello", O_RDWR);
  CHECK(fd == 0);
  CHECK(fs_read(fd, 0, 5) == -1 && fs_write(fd, 0, 5) == -1 && fs_fstat(fd, 0) == -1);
  CHECK(fs_read(fd, buf, -1) == -1 && fs_write(fd, buf, -1) == -1);
  CHECK(fs_read(fd, buf, 0) == 0 && fs_write(fd, buf, 0) == 0);
  CHECK(fs_close(fd) == 0);
  CHECK(fs_open(0, O_RDONLY) == -1 && fs_open(0, O_CREATE | O_RDWR) == -1);
  CHECK(fs_mkdir(0) == -1 && fs_mknod(0, 1, 1) == -1 && fs_chdir(0) == -1);
  CHECK(fs_unlink(0) == -1 && fs_link(0, "x") == -1 && fs_link("hello", 0) == -1);
  CHECK(fs_open("nope", O_RDONLY) == -1 && fs_unlink("nope") == -1);
  CHECK(fs_unlink("") == -1 && fs_link("hello", "") == -1 && fs_mkdir("") == -1);
  CHECK(stat_path("hello").nlink == 1);
  CHECK(nfiles_in_use() == 0);
  expect_clean(0);
  int changed = first_changed_block();
  CHECKF(changed < 0, "block %d changed", changed);
}

static void t_disk_full(void *unused) {
  (void)unused;
  static uchar data[5000];
  char name[16];
  pattern(data, sizeof(data), 11);
  host_boot();
  struct fsck_result before = expect_clean(0);
  uint root_size = stat_path("/").size;
  make_file("late", "", 0);   // written to once the disk is full

  int files = 0, fd = fs_open("fill0", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  for (;;) {
    if (fs_write(fd, data, sizeof(data)) == (int)sizeof(data))
      continue;
    // This file is at its largest or the disk is full: try another.
    CHECK(fs_close(fd) == 0);
    snprintf(name, sizeof(name), "fill%d", ++files);
    if ((fd = fs_open(name, O_CREATE | O_RDWR)) < 0)
      break;
    if (fs_write(fd, data, BSIZE) != BSIZE) {
      CHECK(fs_close(fd) == 0);
      break;
    }
  }
  struct fsck_result full = expect_clean(0);
  CHECKF(full.free_blocks == 0, "%d blocks still free", full.free_blocks);

  // A write that gets no block at all must not grow the file either.
  fd = fs_open("late", O_RDWR);
  CHECK(fd >= 0 && fs_lseek(fd, 3000, SEEK_SET) == 3000);
  CHECK(fs_write(fd, data, 10) == -1);
  CHECK(fs_close(fd) == 0 && stat_path("late").size == 0);

  // Creating a directory needs a block: it must fail without leaking
  // the inode it allocated.
  CHECK(fs_mkdir("nospace") == -1);
  struct fsck_result after_mkdir = expect_clean(0);
  CHECK(after_mkdir.used_inodes == full.used_inodes && after_mkdir.free_blocks == 0);

  for (int i = 0; i <= files; i++) {
    snprintf(name, sizeof(name), "fill%d", i);
    fs_unlink(name);   // the last one may not exist
  }
  CHECK(fs_unlink("late") == 0);
  int grown = (stat_path("/").size - root_size) / BSIZE;   // directories never shrink
  struct fsck_result after = expect_clean(0);
  CHECK(after.free_blocks == before.free_blocks - grown);
  CHECK(after.used_inodes == before.used_inodes);
  make_file("works", data, sizeof(data));
  expect_contents("works", data, sizeof(data));
}

static void t_out_of_inodes(void *unused) {
  (void)unused;
  char name[16];
  host_boot();
  struct fsck_result before = expect_clean(0);
  int expected = (int)disk_sb().ninodes - 1 - before.used_inodes;   // inode 0 is never used
  int made = 0;
  for (;;) {
    snprintf(name, sizeof(name), "i%d", made);
    int fd = fs_open(name, O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    CHECK(fs_close(fd) == 0);
    made++;
  }
  CHECKF(made == expected, "made %d files, expected %d", made, expected);
  CHECK(fs_mkdir("noinode") == -1 && fs_mknod("noinode", 1, 1) == -1);
  CHECK(fs_open("noinode", O_RDONLY) == -1);
  expect_clean(0);
  for (int i = 0; i < made; i++) {
    snprintf(name, sizeof(name), "i%d", i);
    CHECK(fs_unlink(name) == 0);
  }
  struct fsck_result after = expect_clean(0);
  CHECK(after.used_inodes == before.used_inodes);
  make_file("again", "x", 1);
}

// ---- crashes ---------------------------------------------------------------------

// One transaction that truncates path and writes n bytes to it again.
// The truncate frees blocks that are in use on disk until the transaction
// commits, and the write allocates them again (balloc takes the lowest
// free block); the log must not treat them as newly allocated blocks that
// may go home before the commit record. Checks that a block came back.
static void truncate_and_rewrite(const char *path, const uchar *data, uint n) {
  begin_op();
  struct inode *ip = namei((char *)path);
  CHECK(ip != 0);
  ilock(ip);
  uint first = ip->addrs[0];
  itrunc(ip);
  CHECK(writei(ip, (char *)data, 0, n) == (int)n);
  CHECKF(ip->addrs[0] == first, "block %u was not reused (got %u)", first, ip->addrs[0]);
  iunlockput(ip);
  end_op();
}

// The operations interrupted by the crash tests: directories made and
// removed, a multi-transaction write reaching the indirect block, links,
// an open file losing its last name, a hole, blocks freed and reused in
// one transaction.
static void scenario(void) {
  static uchar data[8000];
  pattern(data, sizeof(data), 9);
  CHECK(fs_mkdir("cd") == 0);
  CHECK(fs_mkdir("cd/sub") == 0);
  int fd = fs_open("cd/file", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  CHECK(fs_write(fd, data, sizeof(data)) == (int)sizeof(data));
  CHECK(fs_close(fd) == 0);
  CHECK(fs_link("cd/file", "lnk") == 0);
  CHECK(fs_unlink("cd/sub") == 0);
  CHECK(fs_unlink("cd/file") == 0);
  CHECK(fs_unlink("cd") == 0);
  fd = fs_open("lnk", O_RDWR);
  CHECK(fd >= 0);
  CHECK(fs_unlink("lnk") == 0);
  CHECK(fs_write(fd, data, 100) == 100);
  CHECK(fs_close(fd) == 0);   // frees the file
  CHECK(fs_unlink("hello") == 0);
  // Writes under the doubly-indirect blocks, one across two indirect
  // blocks and one from the first doubly-indirect block into the second:
  // each allocates tables as it goes, over several transactions.
  fd = fs_open("dbl", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  uint at = (NDIRECT + NINDIRECT + NINDIRECT - 2) * BSIZE;
  CHECK(fs_lseek(fd, at, SEEK_SET) == (int)at && fs_write(fd, data, 4 * BSIZE) == 4 * BSIZE);
  at = (NDIRECT + NINDIRECT + NDINDIRECT - 2) * BSIZE;
  CHECK(fs_lseek(fd, at, SEEK_SET) == (int)at && fs_write(fd, data, 4 * BSIZE) == 4 * BSIZE);
  CHECK(fs_close(fd) == 0);
  CHECK(fs_unlink("dbl") == 0);
  fd = fs_open("sparse", O_CREATE | O_WRONLY);
  CHECK(fd >= 0 && fs_write(fd, data, 10) == 10);
  CHECK(fs_lseek(fd, 9000, SEEK_SET) == 9000 && fs_write(fd, data, 10) == 10);
  CHECK(fs_close(fd) == 0);
  truncate_and_rewrite("sparse", data + 100, 1024);
}

// What a crash-free run of the scenario did: which write committed each
// transaction, and a digest of the disk (outside the log) after each.
#define MAX_TX 512
struct crash_log {
  long total_writes;
  int ntx;
  long commit_write[MAX_TX];       // number of the write that committed transaction i
  uint64_t state[MAX_TX + 1];      // digest after i transactions
  int swept;                       // recoveries whose orphan sweep freed an inode
};
static struct crash_log *crash_log;   // shared memory

// Whether the disk's bitmap marks block b in use.
static int disk_block_used(const struct superblock *sb, uint b) {
  return (disk_block(BBLOCK(b, *sb))[(b % BPB) / 8] >> (b % 8)) & 1;
}

// FNV-1a over the blocks outside the log area that differ from the base
// image, with their numbers, skipping free blocks (a commit writes newly
// allocated blocks home before its commit record; while they are still
// free on disk their contents belong to nobody): equal digests mean equal
// disks (the base is the same for every run, and an unwritten block
// equals it).
static uint64_t home_digest(void) {
  struct superblock sb = disk_sb();
  uint64_t h = 14695981039346656037ull;
  for (uint b = next_set(host_touched, 0); b < FSSIZE; b = next_set(host_touched, b + 1)) {
    if (b >= sb.logstart && b < sb.logstart + sb.nlog)
      continue;
    if (b >= sb.bmapstart && !disk_block_used(&sb, b))
      continue;
    const uchar *p = disk_block(b);
    if (memcmp(p, base_image + (size_t)b * BSIZE, BSIZE) == 0)
      continue;
    for (int i = 0; i < 4; i++) {
      h ^= (b >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
    for (int i = 0; i < BSIZE; i++) {
      h ^= p[i];
      h *= 1099511628211ull;
    }
  }
  return h;
}

// Called by note_commits at each commit record of the reference run.
static void (*commit_observer)(void);

// Write hook of the reference run: a log header with n > 0 is a commit
// record; the header going back to n == 0 ends the installation. Every
// change to an allocated block outside the log area must belong to an
// installation (that is what write-ahead logging means), so the digests
// taken here are the only states a recovered disk may be in.
static void note_commits(uint blockno, const uchar *data) {
  if (blockno != disk_sb().logstart)
    return;
  uint n;
  memcpy(&n, data, sizeof(n));
  if (n > 0) {
    CHECK(crash_log->ntx < MAX_TX);
    crash_log->commit_write[crash_log->ntx++] = host_writes;
    if (commit_observer)
      commit_observer();
  } else {
    crash_log->state[crash_log->ntx] = home_digest();
  }
}

// The operations the crash tests cut short (scenario, or another).
static void (*crash_ops)(void) = scenario;

static void reference_run(void *unused) {
  (void)unused;
  host_boot();
  crash_log->state[0] = home_digest();
  host_writes = 0;
  host_write_hook = note_commits;
  crash_ops();
  host_write_hook = 0;
  crash_log->total_writes = host_writes;
  expect_clean(0);
}

// Run the scenario on the base image, losing power after k writes.
static void crash_run(void *arg) {
  host_boot();
  host_writes = 0;
  host_crash_at = *(long *)arg;
  crash_ops();
}

// Boot, losing power after r writes (during log recovery).
static void crash_boot(void *arg) {
  host_writes = 0;
  host_crash_at = *(long *)arg;
  host_boot();
}

// Boot after a crash that came after k writes of the scenario: recovery
// must leave the disk exactly as the reference run had it after the last
// transaction committed by then, consistent, and usable.
static void recover_check(void *arg) {
  long k = *(long *)arg;
  int durable = 0;
  while (durable < crash_log->ntx && crash_log->commit_write[durable] <= k)
    durable++;
  host_mount(0);
  uint64_t h = home_digest();
  if (h != crash_log->state[durable]) {
    for (int i = 0; i <= crash_log->ntx; i++)
      CHECKF(h != crash_log->state[i], "disk is as after %d transactions, want %d", i,
             durable);
    host_fail("disk matches no state between transactions (want the one after %d)", durable);
  }
  // A crash while "lnk" was open but unlinked leaves its inode allocated
  // with no name; the boot-time sweep must free it and nothing else.
  int had = fsck().orphans;
  int freed = fs_free_orphans(ROOTDEV);
  CHECKF(freed == had, "orphan sweep freed %d inodes, fsck saw %d orphans", freed, had);
  if (freed)
    __atomic_add_fetch(&crash_log->swept, 1, __ATOMIC_SEQ_CST);
  expect_clean(0);
  static uchar data[3000];
  pattern(data, sizeof(data), 12);
  make_file("post-crash", data, sizeof(data));
  expect_contents("post-crash", data, sizeof(data));
  CHECK(fs_unlink("post-crash") == 0);
  expect_clean(0);
}

static void setup_crash_log(int min_tx) {
  crash_log = mmap(0, sizeof(*crash_log), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
  CHECK(crash_log != MAP_FAILED);
  memset(crash_log, 0, sizeof(*crash_log));
  restore_base();
  if (in_child(reference_run, 0) != 0)
    rethrow("crash-free run");
  CHECK(crash_log->ntx >= min_tx && crash_log->total_writes > crash_log->ntx);
  for (int i = 0; i <= crash_log->ntx; i++)
    CHECKF(crash_log->state[i] != 0, "transaction %d was never installed", i);
}

// Fresh image, scenario cut off after k writes.
static void crash_at(long k) {
  restore_base();
  int r = in_child(crash_run, &k);
  int want = k < crash_log->total_writes ? HOST_CRASH_EXIT : 0;
  if (r == -1)
    rethrow("scenario with a crash after %ld writes", k);
  CHECKF(r == want, "scenario with a crash after %ld writes %s", k,
         r == 0 ? "did not write as much as before" : "wrote more than before");
}

static void t_crash_every_write(void *unused) {
  (void)unused;
  setup_crash_log(11);
  for (long k = 0; k <= crash_log->total_writes; k++) {
    crash_at(k);
    if (in_child(recover_check, &k) != 0)
      rethrow("crash after %ld of %ld writes", k, crash_log->total_writes);
  }
  CHECKF(crash_log->swept > 0, "no crash point left an orphan for the boot sweep to free");
  if (getenv("FS_TEST_VERBOSE"))
    fprintf(stderr, "crash-every-write: %d transactions, %ld crash points\n", crash_log->ntx,
            crash_log->total_writes + 1);
}

// A file whose blocks lie under SPREAD different bitmap blocks: more
// than one transaction may free (itrunc commits part-way). Allocation is
// first fit, so a filler file of BPB blocks written between two of its
// blocks (and removed only at the end) pushes the next one under the
// next bitmap block.
// Four of its blocks share an indirect block, so a commit comes while
// that table still points at blocks not yet freed.
#define SPREAD 8
#define DBL (NDIRECT + NINDIRECT)   // first block under a doubly-indirect block
static void make_spread_file(void *unused) {
  (void)unused;
  static uchar filler[BPB * BSIZE];
  static const uint at[SPREAD] = {0, NDIRECT + 3, DBL + 5, DBL + 6, DBL + 7, DBL + 8,
                                  DBL + NDINDIRECT + 9, MAXFILE - 1};
  pattern(filler, sizeof(filler), 13);
  host_boot();
  int fd = fs_open("spread", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  char name[24];
  for (int i = 0; i < SPREAD; i++) {
    CHECK(fs_lseek(fd, at[i] * BSIZE, SEEK_SET) == (int)(at[i] * BSIZE));
    CHECK(fs_write(fd, filler + i, BSIZE) == BSIZE);
    snprintf(name, sizeof(name), "filler%d", i);
    make_file(name, filler, sizeof(filler));
  }
  for (int i = 0; i < SPREAD; i++) {
    snprintf(name, sizeof(name), "filler%d", i);
    CHECK(fs_unlink(name) == 0);
  }
  struct xv6_stat st;
  CHECK(fs_fstat(fd, &st) == 0 && fs_close(fd) == 0);
  expect_clean(0);
  // Check the premise: SPREAD bitmap blocks.
  struct superblock sb = disk_sb();
  uint seen[SPREAD], nseen = 0;
  for (int i = 0; i < SPREAD; i++) {
    uint bb = BBLOCK(raw_bmap(raw_inode(&sb, st.ino), at[i]), sb);
    uint k = 0;
    while (k < nseen && seen[k] != bb)
      k++;
    if (k == nseen)
      seen[nseen++] = bb;
  }
  CHECKF(nseen == SPREAD, "the file's blocks lie under %u bitmap blocks, want %d", nseen, SPREAD);
}

static void unlink_spread(void) {
  CHECK(fs_unlink("spread") == 0);
}

// Make the disk as it is now the base image (the starting image of the
// crash runs); undo_rebase puts the mkfs image back.
static uchar rebase_saved[IMG_BYTES];
static uchar rebased[FSSIZE];

static void rebase(void) {
  memcpy(rebased, host_touched, FSSIZE);
  for (uint b = next_set(rebased, 0); b < FSSIZE; b = next_set(rebased, b + 1)) {
    memcpy(rebase_saved + (size_t)b * BSIZE, base_image + (size_t)b * BSIZE, BSIZE);
    memcpy(base_image + (size_t)b * BSIZE, disk_block(b), BSIZE);
    host_touched[b] = 0;
  }
}

static void undo_rebase(void) {
  for (uint b = next_set(rebased, 0); b < FSSIZE; b = next_set(rebased, b + 1)) {
    memcpy(base_image + (size_t)b * BSIZE, rebase_saved + (size_t)b * BSIZE, BSIZE);
    host_touched[b] = 1;
  }
}

static void t_crash_big_unlink(void *unused) {
  (void)unused;
  if (in_child(make_spread_file, 0) != 0)
    rethrow("making the file");
  rebase();   // the file is the starting point (undone below)
  crash_ops = unlink_spread;
  setup_crash_log(1);
  CHECKF(crash_log->ntx >= 2, "unlink of a file over %d bitmap blocks took %d transaction(s)",
         SPREAD, crash_log->ntx);
  for (long k = 0; k <= crash_log->total_writes; k++) {
    crash_at(k);
    if (in_child(recover_check, &k) != 0)
      rethrow("crash after %ld of %ld writes", k, crash_log->total_writes);
  }
  CHECKF(crash_log->swept > 0, "no crash point left an orphan for the boot sweep to free");
  crash_ops = scenario;
  undo_rebase();
  if (getenv("FS_TEST_VERBOSE"))
    fprintf(stderr, "crash-big-unlink: %d transactions, %ld crash points\n", crash_log->ntx,
            crash_log->total_writes + 1);
}

// ---- crashes with dirty mapped pages ------------------------------------------------
//
// Stores through a shared mapping live in the file's cache pages until
// msync, munmap, exit or fsync writes them back (mm/filemap.c:
// filemap_writeback, filemap_fsync). Each dirty page goes out in one call
// of writei_logged, the fs.c function those use, with the size read under
// the inode lock and never past the end of the file. Here arrays stand
// for the cache pages (a store through the mapping changes only the
// array), writeback_page() makes that same call, and other file work runs
// in between: files and a directory made and removed, write() into the
// mapped file and past its end.
//
// What the log promises, per transaction: all of its blocks reach their
// homes or none do (the commit record is the atomic point); transactions
// become durable in the order they ran; one that end_op returned from is
// durable. writei_logged cuts a write into transactions of whole blocks in
// file order, and a page whose blocks all exist is one transaction (its 8
// data blocks and the inode are within MAXOPBLOCKS); a page into holes
// may take several (bitmap, new tables). So after a crash and recovery:
//  - fsck is clean and the disk is as after a whole number of
//    transactions (recover_check);
//  - a page written back by a call that returned before the crash holds
//    its new bytes;
//  - a page whose write-back was cut short holds its new bytes up to a
//    block boundary and its old bytes after, the boundary being the end
//    of its last committed transaction; if its blocks all existed, it
//    holds all old or all new bytes;
//  - the size is that of the last committed transaction (a write-back
//    never changes it; a write() past the end grows it).
#define MW_PAGES 52                  // pages of the mapped file
#define MW_TAIL 700                  // bytes of the last page in the file at first
#define MW_BYTES (MW_PAGES * PGSIZE)
#define MW_CALLS 24
#define MW_MAXTX 8

enum mw_kind { MW_WRITEBACK, MW_WRITE };

// One call that changed the mapped file, as the reference run saw it.
struct mw_call {
  enum mw_kind kind;
  uint off, n;                  // the bytes it wrote
  int over_existing;            // every block it wrote existed before
  long ret_write;               // disk writes done when it returned
  int ntx;
  long tx_commit[MW_MAXTX];     // the write that was each transaction's commit record
  uint tx_bytes[MW_MAXTX];      // bytes written once that transaction is in
  uchar data[PGSIZE];
};

struct mw_trace {
  int ncalls;
  struct mw_call calls[MW_CALLS];
  int partial;                  // recoveries that found a call cut between transactions
};
static struct mw_trace *mw_trace;     // shared memory: written by the reference run
static struct mw_call *mw_current;    // the call running (reference run only)
static uint *mw_offp;                 // its position, which writei_logged advances

// The file as mw_make_file leaves it: pages 0..4 written, then holes, and
// MW_TAIL bytes in the last page (under the first doubly-indirect block).
static void mw_initial(uchar *want, uint *size) {
  memset(want, 0, MW_BYTES);
  pattern(want, 5 * PGSIZE, 21);
  pattern(want + (MW_PAGES - 1) * PGSIZE, MW_TAIL, 22);
  *size = (MW_PAGES - 1) * PGSIZE + MW_TAIL;
}

static void mw_make_file(void *unused) {
  (void)unused;
  static uchar want[MW_BYTES];
  uint size;
  mw_initial(want, &size);
  host_boot();
  int fd = fs_open("mapped", O_CREATE | O_RDWR);
  CHECK(fd >= 0 && fs_write(fd, want, 5 * PGSIZE) == 5 * PGSIZE);
  uint at = (MW_PAGES - 1) * PGSIZE;
  CHECK(fs_lseek(fd, at, SEEK_SET) == (int)at && fs_write(fd, want + at, MW_TAIL) == MW_TAIL);
  CHECK(fs_close(fd) == 0);
  expect_clean(0);
}

// Each commit record during a traced call: how far the call had got.
static void mw_observe(void) {
  struct mw_call *c = mw_current;
  if (c == 0)
    return;
  CHECK(c->ntx < MW_MAXTX);
  c->tx_commit[c->ntx] = host_writes;
  c->tx_bytes[c->ntx] = *mw_offp - c->off;
  c->ntx++;
}

// Start tracing a call that writes data[0..n) at off (in the reference
// run only: a crash run repeats it exactly). offp is the position the
// call advances.
static void mw_begin(enum mw_kind kind, struct inode *ip, uint off, uint n, const uchar *data,
                     uint *offp) {
  mw_current = 0;
  if (host_crash_at >= 0)
    return;
  CHECK(mw_trace->ncalls < MW_CALLS && n <= PGSIZE);
  struct mw_call *c = &mw_trace->calls[mw_trace->ncalls++];
  memset(c, 0, sizeof(*c));
  c->kind = kind;
  c->off = off;
  c->n = n;
  memcpy(c->data, data, n);
  // Every earlier transaction is installed: the raw disk has the map.
  struct superblock sb = disk_sb();
  struct dinode *d = raw_inode(&sb, ip->inum);
  c->over_existing = 1;
  for (uint bn = off / BSIZE; bn < (off + n + BSIZE - 1) / BSIZE; bn++)
    c->over_existing &= raw_bmap(d, bn) != 0;
  mw_current = c;
  mw_offp = offp;
}

static void mw_end(void) {
  struct mw_call *c = mw_current;
  mw_current = 0;
  if (c == 0)
    return;
  c->ret_write = host_writes;
  CHECKF(c->ntx >= 1 && c->tx_bytes[c->ntx - 1] == c->n,
         "a write of %u bytes at %u: %d transactions, the last ending at %u", c->n, c->off,
         c->ntx, c->ntx ? c->tx_bytes[c->ntx - 1] : 0);
  CHECKF(c->kind != MW_WRITEBACK || !c->over_existing || c->ntx == 1,
         "write-back of page %u, whose blocks all exist, took %d transactions, not one",
         c->off / PGSIZE, c->ntx);
}

// Write back one dirty cache page as filemap_writeback and filemap_fsync
// do: the size read under the inode lock, the page's bytes inside the
// file written with writei_logged, and (zero_tail) the part past the end
// cleared in the cache, since those stores never reach the file.
static void writeback_page(struct inode *ip, uchar *page, uint idx) {
  ilock(ip);
  uint size = ip->size;
  iunlock(ip);
  uint off = idx * PGSIZE;
  if (off >= size)
    return;
  uint n = size - off < PGSIZE ? size - off : PGSIZE;
  mw_begin(MW_WRITEBACK, ip, off, n, page, &off);
  CHECKF(writei_logged(ip, (char *)page, &off, n) == (int)n, "write-back of page %u", idx);
  mw_end();
  if (n < PGSIZE)
    memset(page + n, 0, PGSIZE - n);
}

// write() of data[0..n) at off through fd, and (as filemap_written) the
// cached pages taking the bytes written.
static void mw_write(int fd, struct inode *ip, uchar (*cache)[PGSIZE], uint off,
                     const uchar *data, uint n) {
  CHECK(fs_lseek(fd, off, SEEK_SET) == (int)off);
  mw_begin(MW_WRITE, ip, off, n, data, &host_file(fd)->off);
  CHECK(fs_write(fd, data, n) == (int)n);
  mw_end();
  for (uint i = 0; i < n; i++)
    cache[(off + i) / PGSIZE][(off + i) % PGSIZE] = data[i];
}

// A store through the mapping: bytes [lo, hi) of a cached page.
static void store(uchar *page, uint lo, uint hi, int seed) {
  pattern(page + lo, hi - lo, seed);
}

// The crash runs' operations: pages dirtied through "the mapping" and
// written back one by one, some twice, between other file work.
static void mapped_writeback(void) {
  static uchar cache[MW_PAGES][PGSIZE];
  static uchar data[6000];
  int fd = fs_open("mapped", O_RDWR);
  int wfd = fs_open("mapped", O_RDWR);   // for write()
  CHECK(fd >= 0 && wfd >= 0);
  struct inode *ip = host_file(fd)->ip;
  // The mapping faults every page in: the cache holds the file (zeros
  // in holes and past the end).
  memset(cache, 0, sizeof(cache));
  uint size = (MW_PAGES - 1) * PGSIZE + MW_TAIL;
  CHECK(fs_read(fd, cache, MW_BYTES) == (int)size);

  store(cache[0], 0, PGSIZE, 31);
  store(cache[1], 1024, 3072, 32);          // blocks 8..15: direct and indirect
  store(cache[5], 0, PGSIZE, 33);           // a hole under the indirect block
  store(cache[17], 0, PGSIZE, 34);          // a hole across indirect / doubly-indirect
  store(cache[MW_PAGES - 1], 0, PGSIZE, 35);   // in the file and past its end
  writeback_page(ip, cache[0], 0);
  pattern(data, sizeof(data), 36);
  make_file("other", data, sizeof(data));
  writeback_page(ip, cache[1], 1);
  CHECK(fs_mkdir("dir") == 0);
  make_file("dir/f", data, 100);
  writeback_page(ip, cache[5], 5);
  store(cache[0], 0, PGSIZE, 37);           // page 0 again: old is the first store
  writeback_page(ip, cache[0], 0);
  pattern(data, 300, 38);
  mw_write(wfd, ip, cache, 3 * PGSIZE + 100, data, 300);   // write() into a cached page
  writeback_page(ip, cache[17], 17);
  CHECK(fs_unlink("dir/f") == 0 && fs_unlink("dir") == 0);
  writeback_page(ip, cache[MW_PAGES - 1], MW_PAGES - 1);   // MW_TAIL bytes only
  pattern(data, 2000, 39);
  mw_write(wfd, ip, cache, size, data, 2000);              // past the end: the file grows
  store(cache[MW_PAGES - 1], 0, PGSIZE, 40);
  writeback_page(ip, cache[MW_PAGES - 1], MW_PAGES - 1);   // now MW_TAIL + 2000 bytes
  store(cache[2], 10, 20, 41);              // fsync: two pages in turn
  store(cache[4], 4000, PGSIZE, 42);
  writeback_page(ip, cache[2], 2);
  writeback_page(ip, cache[4], 4);
  CHECK(fs_unlink("other") == 0);
  CHECK(fs_close(wfd) == 0 && fs_close(fd) == 0);
}

// Apply the first done bytes of call c to the expected file.
static void mw_apply(uchar *want, uint *size, const struct mw_call *c, uint done) {
  memcpy(want + c->off, c->data, done);
  if (c->kind == MW_WRITE && c->off + done > *size)
    *size = c->off + done;
}

// Does the file (got) hold call c's bytes up to some block boundary and
// the old ones after? (Checked without the reference run's transaction
// boundaries.)
static int new_then_old(const uchar *got, const struct mw_call *c, const uchar *old) {
  for (uint d = 0;;) {
    if (memcmp(got + c->off, c->data, d) == 0 &&
        memcmp(got + c->off + d, old + c->off + d, c->n - d) == 0)
      return 1;
    if (d == c->n)
      return 0;
    d = (c->off + d) / BSIZE * BSIZE + BSIZE - c->off;   // the next block boundary
    if (d > c->n)
      d = c->n;
  }
}

// After a crash that came after k writes of mapped_writeback: the rules
// at the top of this section.
static void mapped_recover_check(void *arg) {
  long k = *(long *)arg;
  recover_check(arg);   // fsck, whole transactions, the sweep, usable
  static uchar want[MW_BYTES], old[MW_BYTES], got[MW_BYTES + 1];
  uint size;
  mw_initial(want, &size);
  const struct mw_call *cut = 0;
  uint cut_done = 0;
  for (int i = 0; i < mw_trace->ncalls; i++) {
    const struct mw_call *c = &mw_trace->calls[i];
    if (c->ret_write <= k) {
      mw_apply(want, &size, c, c->n);
      continue;
    }
    int t = 0;
    while (t < c->ntx && c->tx_commit[t] <= k)
      t++;
    cut = c;
    cut_done = t ? c->tx_bytes[t - 1] : 0;
    break;
  }
  memcpy(old, want, MW_BYTES);
  if (cut)
    mw_apply(want, &size, cut, cut_done);
  if (cut && cut_done > 0 && cut_done < cut->n)
    __atomic_add_fetch(&mw_trace->partial, 1, __ATOMIC_SEQ_CST);

  int fd = fs_open("mapped", O_RDONLY);
  CHECK(fd >= 0);
  memset(got, 0, sizeof(got));
  int n = fs_read(fd, got, sizeof(got));
  CHECK(fs_close(fd) == 0);
  CHECKF(n == (int)size, "the file has %d bytes, want %u (%s)", n, size,
         cut ? "a call was cut short" : "every call that began had returned");

  if (cut) {
    const char *what = cut->kind == MW_WRITEBACK ? "write-back of page" : "write() into page";
    CHECKF(new_then_old(got, cut, old), "%s %u cut short after %ld writes: its bytes are "
           "not new up to a block boundary and old after", what, cut->off / PGSIZE, k);
    if (cut->kind == MW_WRITEBACK && cut->over_existing)
      CHECKF(memcmp(got + cut->off, cut->data, cut->n) == 0 ||
             memcmp(got + cut->off, old + cut->off, cut->n) == 0,
             "write-back of page %u (its blocks all existed) cut short after %ld writes: "
             "part old, part new", cut->off / PGSIZE, k);
  }
  for (uint p = 0; p * PGSIZE < size; p++) {
    uint len = size - p * PGSIZE < PGSIZE ? size - p * PGSIZE : PGSIZE;
    if (memcmp(got + p * PGSIZE, want + p * PGSIZE, len) == 0)
      continue;
    long returned = -1;
    for (int i = 0; i < mw_trace->ncalls; i++) {
      const struct mw_call *c = &mw_trace->calls[i];
      if (c->ret_write <= k && c->off / PGSIZE == p)
        returned = c->ret_write;
    }
    if (returned >= 0)
      host_fail("crash after %ld writes: page %u lacks the bytes of a write-back or write() "
                "that returned (after write %ld)", k, p, returned);
    host_fail("crash after %ld writes: page %u is not as the committed transactions left it",
              k, p);
  }
}

static void t_crash_mapped_writeback(void *unused) {
  (void)unused;
  if (in_child(mw_make_file, 0) != 0)
    rethrow("making the file");
  rebase();   // the file is the starting point (undone below)
  mw_trace = mmap(0, sizeof(*mw_trace), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
  CHECK(mw_trace != MAP_FAILED);
  memset(mw_trace, 0, sizeof(*mw_trace));
  crash_ops = mapped_writeback;
  commit_observer = mw_observe;
  setup_crash_log(1);
  commit_observer = 0;
  // The premises: write-backs into existing blocks, and some that took
  // more than one transaction.
  int single = 0, several = 0;
  for (int i = 0; i < mw_trace->ncalls; i++) {
    const struct mw_call *c = &mw_trace->calls[i];
    if (c->kind == MW_WRITEBACK) {
      single += c->over_existing;
      several += c->ntx > 1;
    }
  }
  CHECKF(single >= 4 && several >= 2, "write-backs: %d into existing blocks, %d in several "
         "transactions", single, several);
  for (long k = 0; k <= crash_log->total_writes; k++) {
    crash_at(k);
    if (in_child(mapped_recover_check, &k) != 0)
      rethrow("crash after %ld of %ld writes", k, crash_log->total_writes);
  }
  CHECKF(mw_trace->partial > 0, "no crash cut a call between two of its transactions");
  crash_ops = scenario;
  undo_rebase();
  if (getenv("FS_TEST_VERBOSE"))
    fprintf(stderr, "crash-mapped-writeback: %d calls traced, %d transactions, %ld crash "
            "points, %d between two transactions of a call\n", mw_trace->ncalls,
            crash_log->ntx, crash_log->total_writes + 1, mw_trace->partial);
}

// For every crash that leaves a committed transaction in the log, crash
// recovery itself after each of its writes, then recover again.
static void t_crash_during_recovery(void *unused) {
  (void)unused;
  static uchar crashed[IMG_BYTES];      // the blocks the crash left written
  static uchar crashed_touched[FSSIZE];
  setup_crash_log(11);
  int tested = 0, recoveries = 0;
  for (long k = 0; k < crash_log->total_writes; k++) {
    crash_at(k);
    long n = log_header_count();
    if (n == 0)
      continue;
    tested++;
    memcpy(crashed_touched, host_touched, FSSIZE);
    for (uint b = next_set(crashed_touched, 0); b < FSSIZE; b = next_set(crashed_touched, b + 1))
      memcpy(crashed + (size_t)b * BSIZE, disk_block(b), BSIZE);
    for (long r = 0; r <= n; r++) {   // recovery writes n blocks, then the header
      restore_base();
      for (uint b = next_set(crashed_touched, 0); b < FSSIZE;
           b = next_set(crashed_touched, b + 1)) {
        memcpy(disk_block(b), crashed + (size_t)b * BSIZE, BSIZE);
        host_touched[b] = 1;
      }
      recoveries++;
      int status = in_child(crash_boot, &r);
      if (status == -1)
        rethrow("crash after %ld writes, recovery cut after %ld", k, r);
      CHECKF(status == HOST_CRASH_EXIT, "crash after %ld writes: recovery made fewer than %ld writes",
             k, r + 1);
      if (in_child(recover_check, &k) != 0)
        rethrow("crash after %ld writes, recovery cut after %ld of %ld, then recovered", k, r,
                n + 1);
    }
  }
  CHECK(tested > 0);
  if (getenv("FS_TEST_VERBOSE"))
    fprintf(stderr, "crash-during-recovery: %d crashes with a committed log, %d cut recoveries\n",
            tested, recoveries);
}

// ---- main -------------------------------------------------------------------------

int main(int argc, char **argv) {
  if (argc > 1)
    only = argv + 1;   // fs_test name...: run only those
  why = mmap(0, WHY_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  host_disk = mmap(0, IMG_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  host_touched = mmap(0, FSSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  base_image = mmap(0, IMG_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (why == MAP_FAILED || host_disk == MAP_FAILED || host_touched == MAP_FAILED ||
      base_image == MAP_FAILED) {
    printf("FAIL fs: setup: out of memory\n");
    return 1;
  }
  memset(why, 0, WHY_SIZE);
  if (make_image() != 0) {
    printf("FAIL fs: mkfs: %s\n", why);
    return 1;
  }

  run_case("mkfs-image", t_mkfs_image);
  run_case("read-mkfs-files", t_read_mkfs_files);
  run_case("mkfs-max-file", t_mkfs_max_file);
  run_case("write-read", t_write_read);
  run_case("lseek", t_lseek);
  run_case("holes", t_holes);
  run_case("max-file-size", t_max_file_size);
  run_case("dup", t_dup);
  run_case("directories", t_directories);
  run_case("directory-growth", t_directory_growth);
  run_case("links", t_links);
  run_case("devices", t_devices);
  run_case("long-names", t_long_names);
  run_case("unlink-open-file", t_unlink_open_file);
  run_case("persistence", t_persistence);
  run_case("pipes", t_pipes);
  run_case("fd-table", t_fd_table);
  run_case("bad-arguments", t_bad_arguments);
  run_case("disk-full", t_disk_full);
  run_case("out-of-inodes", t_out_of_inodes);
  run_case("crash-every-write", t_crash_every_write);
  run_case("crash-big-unlink", t_crash_big_unlink);
  run_case("crash-mapped-writeback", t_crash_mapped_writeback);
  run_case("crash-during-recovery", t_crash_during_recovery);

  return failures ? 1 : 0;
}
