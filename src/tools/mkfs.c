// mkfs: build a file-system image for the kernel (host tool).
//
//   mkfs [-b blocks] fs.img file...
//
// The image is FSSIZE blocks (or `blocks`, at most FSSIZE: a smaller
// disk for tests that must fill one) laid out as src/include/fs.h
// describes:
//   block 0        unused (the file-system disk is not booted from)
//   block 1        superblock
//   log            LOGSIZE+1 blocks: header, then LOGSIZE block copies
//   inode blocks   NINODES inodes
//   bitmap         one bit per block of the image
//   data           everything else
// The root directory holds ".", ".." and one entry per file argument,
// named after the argument's last path element with one leading '_'
// removed (build/user/_cat becomes "cat").
//
// The whole image is assembled in memory and written out at the end,
// sparse: all-zero blocks (most of a fresh disk) are left as holes.
// Every multi-byte value is stored little-endian explicitly, so the
// result does not depend on the host's byte order.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The guest headers use the guest's names; keep its struct stat apart
// from the host's.
#define stat xv6_stat
#include "types.h"
#include "param.h"
#include "fs.h"
#include "stat.h"
#undef stat

#define NINODES 200

// The on-disk structures must have the guest (i386) layout. The fields
// are fixed-size and naturally aligned, so a 64-bit host agrees, but
// check rather than trust it.
_Static_assert(sizeof(uint) == 4 && sizeof(ushort) == 2, "guest integer sizes");
_Static_assert(sizeof(struct superblock) == 7 * 4, "superblock layout");
_Static_assert(sizeof(struct dinode) == 64, "dinode layout");
_Static_assert(BSIZE % sizeof(struct dinode) == 0, "inodes tile a block");
_Static_assert(sizeof(struct dirent) == 16, "dirent layout");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirents tile a block");
_Static_assert(NINDIRECT * 4 == BSIZE, "indirect block layout");
_Static_assert(NADDRS * 4 + 12 == sizeof(struct dinode), "dinode addresses");

static uint fssize = FSSIZE;    // blocks in the image (-b)
static unsigned char *img;      // fssize * BSIZE bytes
static struct superblock sb;    // host byte order
static uint next_inum = 1;      // inode 0 is never used
static uint next_block;         // first unallocated data block

static void die(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "mkfs: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static unsigned char *block_ptr(uint b) {
  if (b >= fssize)
    die("internal error: block %u outside the image", b);
  return img + (size_t)b * BSIZE;
}

// Little-endian stores and loads.
static void put32(unsigned char *p, uint v) {
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}
static void put16(unsigned char *p, ushort v) {
  p[0] = v;
  p[1] = v >> 8;
}
static uint get32(const unsigned char *p) {
  return p[0] | (uint)p[1] << 8 | (uint)p[2] << 16 | (uint)p[3] << 24;
}

// In-memory (host order) copies of the inodes we create; written to the
// image at the end.
static struct dinode inodes[NINODES];

static uint new_inode(short type) {
  if (next_inum >= NINODES)
    die("out of inodes (the image has %d)", NINODES);
  uint inum = next_inum++;
  memset(&inodes[inum], 0, sizeof(inodes[inum]));
  inodes[inum].type = type;
  inodes[inum].nlink = 1;
  return inum;
}

static uint new_block(void) {
  if (next_block >= fssize)
    die("out of data blocks (the image has %u blocks)", fssize);
  return next_block++;
}

// Disk block holding byte offset `off` of inode inum, allocating it
// (and the table blocks on the way, fs_bpath) as needed.
static uint file_block(uint inum, uint off) {
  struct dinode *d = &inodes[inum];
  struct bpath p;
  if (!fs_bpath(off / BSIZE, &p))
    die("file too large: the limit is %u bytes", (uint)(MAXFILE * BSIZE));
  if (d->addrs[p.slot] == 0)
    d->addrs[p.slot] = new_block();   // the image is zeroed: an empty table
  uint b = d->addrs[p.slot];
  for (uint level = 0; level < p.depth; level++) {
    unsigned char *slot = block_ptr(b) + p.idx[level] * 4;
    b = get32(slot);
    if (b == 0) {
      b = new_block();
      put32(slot, b);
    }
  }
  return b;
}

// Append n bytes to inode inum.
static void append(uint inum, const void *data, uint n) {
  const unsigned char *src = data;
  struct dinode *d = &inodes[inum];

  while (n > 0) {
    uint off = d->size;
    if (off >= MAXFILE * BSIZE)
      die("file too large: the limit is %u bytes", (uint)(MAXFILE * BSIZE));
    uint b = file_block(inum, off);
    uint m = BSIZE - off % BSIZE;
    if (m > n)
      m = n;
    memcpy(block_ptr(b) + off % BSIZE, src, m);
    d->size += m;
    src += m;
    n -= m;
  }
}

// Add the entry (name, inum) to directory dir.
static void add_dirent(uint dir, const char *name, uint inum) {
  unsigned char de[sizeof(struct dirent)];
  memset(de, 0, sizeof(de));
  put16(de, inum);
  memcpy(de + sizeof(ushort), name, strlen(name));   // caller checked length
  append(dir, de, sizeof(de));
}

static void write_inodes(void) {
  for (uint inum = 1; inum < next_inum; inum++) {
    struct dinode *d = &inodes[inum];
    unsigned char *p = block_ptr(IBLOCK(inum, sb)) + (inum % IPB) * sizeof(struct dinode);
    put16(p + 0, d->type);
    put16(p + 2, d->major);
    put16(p + 4, d->minor);
    put16(p + 6, d->nlink);
    put32(p + 8, d->size);
    for (int i = 0; i < NADDRS; i++)
      put32(p + 12 + 4 * i, d->addrs[i]);
  }
}

// Mark blocks [0, used) allocated in the free bitmap.
static void write_bitmap(uint used) {
  for (uint b = 0; b < used; b++) {
    unsigned char *map = block_ptr(BBLOCK(b, sb));
    map[(b % BPB) / 8] |= 1 << (b % 8);
  }
}

static void write_superblock(void) {
  unsigned char *p = block_ptr(1);
  put32(p + 0, sb.size);
  put32(p + 4, sb.nblocks);
  put32(p + 8, sb.ninodes);
  put32(p + 12, sb.nlog);
  put32(p + 16, sb.logstart);
  put32(p + 20, sb.inodestart);
  put32(p + 24, sb.bmapstart);
}

// "build/user/_cat" -> "cat".
static const char *entry_name(const char *path) {
  const char *name = strrchr(path, '/');
  name = name ? name + 1 : path;
  if (name[0] == '_')
    name++;
  return name;
}

static unsigned char *read_file(const char *path, uint *len) {
  FILE *f = fopen(path, "rb");
  if (f == 0)
    die("%s: %s", path, strerror(errno));
  size_t cap = (size_t)MAXFILE * BSIZE + 1;   // one more byte detects "too big"
  unsigned char *buf = malloc(cap);
  if (buf == 0)
    die("out of memory");
  size_t n = fread(buf, 1, cap, f);
  if (ferror(f))
    die("%s: read error", path);
  fclose(f);
  if (n > (size_t)MAXFILE * BSIZE)
    die("%s: larger than the largest file (%u bytes)", path, (uint)(MAXFILE * BSIZE));
  *len = n;
  return buf;
}

// Write the image sparse: blocks that are all zero are skipped (left as
// holes) and the file is extended to its full size at the end. Most of
// the disk is free, so the file takes the space of what mkfs put there,
// and the test harness can copy it cheaply for every boot.
static void write_image(const char *path) {
  static const unsigned char zero[BSIZE];
  FILE *out = fopen(path, "wb");
  if (out == 0)
    die("%s: %s", path, strerror(errno));
  for (uint b = 0; b < fssize; b++) {
    if (memcmp(block_ptr(b), zero, BSIZE) == 0)
      continue;
    if (fseek(out, (long)b * BSIZE, SEEK_SET) != 0 || fwrite(block_ptr(b), BSIZE, 1, out) != 1)
      die("%s: write failed", path);
  }
  if (fflush(out) != 0 || ftruncate(fileno(out), (off_t)fssize * BSIZE) != 0 || fclose(out) != 0)
    die("%s: write failed", path);
}

int main(int argc, char *argv[]) {
  if (argc > 2 && strcmp(argv[1], "-b") == 0) {
    char *end;
    unsigned long n = strtoul(argv[2], &end, 10);
    if (*argv[2] == 0 || *end != 0 || n > FSSIZE)
      die("-b %s: want a number of blocks up to FSSIZE (%d)", argv[2], FSSIZE);
    fssize = n;
    argv += 2;
    argc -= 2;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: mkfs [-b blocks] fs.img file...\n");
    return 1;
  }

  // Layout.
  uint nlog = LOGSIZE + 1;
  uint ninodeblocks = (NINODES + IPB - 1) / IPB;
  uint nbitmap = (fssize + BPB - 1) / BPB;
  uint nmeta = 2 + nlog + ninodeblocks + nbitmap;
  if (nmeta >= fssize)
    die("%u blocks leave no room for data", fssize);

  sb.size = fssize;
  sb.nblocks = fssize - nmeta;
  sb.ninodes = NINODES;
  sb.nlog = nlog;
  sb.logstart = 2;
  sb.inodestart = 2 + nlog;
  sb.bmapstart = 2 + nlog + ninodeblocks;
  next_block = nmeta;

  printf("nmeta %u (boot, super, log blocks %u inode blocks %u, bitmap blocks %u) "
         "blocks %u total %u\n", nmeta, nlog, ninodeblocks, nbitmap, sb.nblocks, fssize);

  img = calloc(fssize, BSIZE);   // zero: an empty log, free inodes
  if (img == 0)
    die("out of memory");

  uint root = new_inode(T_DIR);
  if (root != ROOTINO)
    die("internal error: root is inode %u", root);
  add_dirent(root, ".", root);
  add_dirent(root, "..", root);

  for (int i = 2; i < argc; i++) {
    const char *name = entry_name(argv[i]);
    size_t len = strlen(name);
    if (len == 0)
      die("%s: empty file name", argv[i]);
    if (len > DIRSIZ)
      die("%s: name \"%s\" is longer than %d bytes", argv[i], name, DIRSIZ);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      die("%s: reserved name", argv[i]);
    // Duplicates would make one file unreachable.
    for (int j = 2; j < i; j++)
      if (strcmp(entry_name(argv[j]), name) == 0)
        die("%s: name \"%s\" already used by %s", argv[i], name, argv[j]);

    uint len_bytes;
    unsigned char *data = read_file(argv[i], &len_bytes);
    uint inum = new_inode(T_FILE);
    add_dirent(root, name, inum);
    append(inum, data, len_bytes);
    free(data);
  }

  // Round the root directory up to whole blocks (the block is allocated
  // already; the extra entries are zero, i.e. free).
  inodes[root].size = (inodes[root].size + BSIZE - 1) / BSIZE * BSIZE;

  if (next_block > fssize || next_block > nbitmap * BPB)
    die("internal error: bitmap too small");
  write_superblock();
  write_inodes();
  write_bitmap(next_block);

  write_image(argv[1]);

  printf("mkfs: %s: %d files, %u of %u blocks used, %u of %d inodes used\n",
         argv[1], argc - 2, next_block, fssize, next_inum, NINODES);
  return 0;
}
