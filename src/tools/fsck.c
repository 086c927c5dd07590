// fsck: check a file-system image (host tool, beside mkfs).
//
//   fsck fs.img            (or: make fsck IMG=fs.img)
//
// Maps the whole image and checks it against the format in
// src/include/fs.h and the kernel's conventions:
//   - the superblock describes the layout mkfs makes (log, inodes, bitmap,
//     data, in that order, filling the image);
//   - the log header is empty (a non-empty one is a commit not installed:
//     the image was not mounted since a crash);
//   - every block pointer of every inode (direct, indirect, doubly-
//     indirect, and the entries of each table block) lies in the data
//     area, no block is owned twice, nothing past the end of a file is
//     allocated;
//   - the bitmap marks exactly the metadata blocks and the owned blocks;
//   - directories: "." then ".." first, entries name allocated inodes in
//     range, no name twice, every directory has exactly one name;
//   - link counts: a file's nlink is the number of names it has; a
//     directory's is 1 plus its number of subdirectories;
//   - every allocated inode is reachable from "/" (an unreachable one with
//     nlink 0 is an orphan: a file unlinked while open, then a crash).
// Each finding is one line on stdout; the exit status is 1 if there was
// any finding, 2 if the image cannot be read, 0 if it is clean.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define stat xv6_stat
#include "types.h"
#include "param.h"
#include "fs.h"
#include "stat.h"
#undef stat

// A directory tree deeper than this is taken to be a cycle.
#define MAX_DEPTH 512

static const unsigned char *img;
static uint img_blocks;
static struct superblock sb;
static uint datastart;
static int findings;

// Per-inode and per-block bookkeeping, sized from the superblock.
static uint *owner;        // block -> inode that owns it (0: none)
static int *names;         // inode -> directory entries naming it (not "." / "..")
static int *subdirs;       // inode -> subdirectories (their ".." entries)
static unsigned char *reached;

static void finding(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void finding(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  findings++;
}

// Values on disk are little-endian (mkfs writes them so explicitly).
static uint get32(const unsigned char *p) {
  return p[0] | p[1] << 8 | p[2] << 16 | (uint)p[3] << 24;
}
static int get16s(const unsigned char *p) {
  return (short)(p[0] | p[1] << 8);
}

static const unsigned char *block(uint b) {
  return img + (size_t)b * BSIZE;
}

// An on-disk inode decoded into host order.
struct inode_copy {
  int type, major, minor, nlink;
  uint size;
  uint addrs[NADDRS];
};

static struct inode_copy get_inode(uint inum) {
  const unsigned char *p = block(IBLOCK(inum, sb)) + (inum % IPB) * sizeof(struct dinode);
  struct inode_copy d;
  d.type = get16s(p);
  d.major = get16s(p + 2);
  d.minor = get16s(p + 4);
  d.nlink = get16s(p + 6);
  d.size = get32(p + 8);
  for (int k = 0; k < NADDRS; k++)
    d.addrs[k] = get32(p + 12 + 4 * k);
  return d;
}

static int in_data(uint b) {
  return b >= datastart && b < sb.size;
}

// Block number n of a file (0 for a hole, or when a table on the way is
// outside the data area: reported by check_inodes).
static uint file_block(const struct inode_copy *d, uint n) {
  struct bpath p;
  if (!fs_bpath(n, &p))
    return 0;
  uint b = d->addrs[p.slot];
  for (uint level = 0; level < p.depth && b != 0; level++) {
    if (!in_data(b))
      return 0;
    b = get32(block(b) + 4 * p.idx[level]);
  }
  return b;
}

static int superblock_ok(void) {
  const unsigned char *p = block(1);
  sb.size = get32(p);
  sb.nblocks = get32(p + 4);
  sb.ninodes = get32(p + 8);
  sb.nlog = get32(p + 12);
  sb.logstart = get32(p + 16);
  sb.inodestart = get32(p + 20);
  sb.bmapstart = get32(p + 24);
  int ok = 1;
  if (sb.size < 3 || sb.size > img_blocks) {
    finding("superblock: size %u blocks, but the image has %u", sb.size, img_blocks);
    return 0;
  }
  if (sb.ninodes <= ROOTINO) {
    finding("superblock: %u inodes, too few for a root directory", sb.ninodes);
    return 0;
  }
  if (sb.logstart != 2 || sb.nlog < 2) {
    finding("superblock: log at block %u with %u blocks, want block 2 and >= 2 blocks",
            sb.logstart, sb.nlog);
    ok = 0;
  }
  if (sb.inodestart != sb.logstart + sb.nlog) {
    finding("superblock: inodes start at block %u, want %u (right after the log)",
            sb.inodestart, sb.logstart + sb.nlog);
    ok = 0;
  }
  uint inodeblocks = (sb.ninodes + IPB - 1) / IPB;
  if (sb.bmapstart != sb.inodestart + inodeblocks) {
    finding("superblock: bitmap starts at block %u, want %u (right after %u inode blocks)",
            sb.bmapstart, sb.inodestart + inodeblocks, inodeblocks);
    ok = 0;
  }
  datastart = sb.bmapstart + (sb.size + BPB - 1) / BPB;
  if (ok && (datastart >= sb.size || sb.nblocks != sb.size - datastart)) {
    finding("superblock: %u data blocks, want %u (size %u, data from block %u)", sb.nblocks,
            datastart < sb.size ? sb.size - datastart : 0, sb.size, datastart);
    ok = 0;
  }
  return ok;
}

static void check_log(void) {
  uint n = get32(block(sb.logstart));
  if (n > sb.nlog - 1)
    finding("log: header lists %u blocks, more than the %u the log holds", n, sb.nlog - 1);
  else if (n != 0)
    finding("log: header lists %u committed blocks not yet installed (not recovered)", n);
}

static void claim(uint b, uint inum, const char *what) {
  if (!in_data(b)) {
    finding("inode %u: %s block %u outside the data area [%u, %u)", inum, what, b, datastart,
            sb.size);
    return;
  }
  if (owner[b])
    finding("block %u: owned by inode %u and again by inode %u", b, owner[b], inum);
  else
    owner[b] = inum;
}

static const char *table_name(uint depth) {
  return depth == 2 ? "doubly-indirect" : "indirect";
}

// Claim block b of inode inum and, for a table (depth > 0), everything
// it points at. b maps file blocks [first, first + span); `used` is the
// number of blocks the file's size covers. Only blocks inside the data
// area are followed, so a bad pointer is one finding, not a crash.
static void check_blocks(uint inum, const struct inode_copy *d, uint b, uint depth, uint first,
                       uint span, uint used) {
  if (depth == 0) {
    claim(b, inum, first < NDIRECT ? "direct" : "indirect-listed");
    if (first >= used && in_data(b))
      finding("inode %u: block %u allocated past the end of the file (size %u)", inum, b,
              d->size);
    return;
  }
  claim(b, inum, table_name(depth));
  if (first >= used)
    finding("inode %u: %s block %u allocated, but size %u needs none", inum,
            table_name(depth), b, d->size);
  if (!in_data(b))
    return;
  uint sub = span / NINDIRECT;
  for (uint k = 0; k < NINDIRECT; k++) {
    uint c = get32(block(b) + 4 * k);
    if (c)
      check_blocks(inum, d, c, depth - 1, first + k * sub, sub, used);
  }
}

static void check_inodes(void) {
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct inode_copy d = get_inode(inum);
    if (d.type == 0) {
      int leftovers = d.nlink != 0 || d.size != 0;
      for (int k = 0; k < NADDRS; k++)
        leftovers |= d.addrs[k] != 0;
      if (leftovers)
        finding("inode %u: free, but has nlink %d, size %u or block pointers", inum, d.nlink,
                d.size);
      continue;
    }
    if (d.type != T_DIR && d.type != T_FILE && d.type != T_DEV) {
      finding("inode %u: bad type %d", inum, d.type);
      continue;
    }
    if (d.size > MAXFILE * BSIZE)
      finding("inode %u: size %u beyond the largest file (%u)", inum, d.size,
              (uint)(MAXFILE * BSIZE));
    uint used = (d.size + BSIZE - 1) / BSIZE;   // blocks the size covers
    uint first = 0;                              // file block number of the slot
    for (uint k = 0; k < NADDRS; k++) {
      uint depth = fs_slot_depth(k);
      uint span = depth == 0 ? 1 : depth == 1 ? NINDIRECT : NDINDIRECT;
      if (d.addrs[k])
        check_blocks(inum, &d, d.addrs[k], depth, first, span, used);
      first += span;
    }
  }
}

static void check_bitmap(void) {
  for (uint b = 0; b < sb.size; b++) {
    int bit = (block(BBLOCK(b, sb))[(b % BPB) / 8] >> (b % 8)) & 1;
    if (b < datastart) {
      if (!bit)
        finding("bitmap: metadata block %u marked free", b);
    } else if (owner[b] && !bit) {
      finding("bitmap: block %u owned by inode %u but marked free", b, owner[b]);
    } else if (!owner[b] && bit) {
      finding("bitmap: block %u marked in use but no inode owns it", b);
    }
  }
}

static void walk(uint dir, uint parent, int depth) {
  if (depth > MAX_DEPTH) {
    finding("directory %u: tree deeper than %d (a cycle?)", dir, MAX_DEPTH);
    return;
  }
  struct inode_copy d = get_inode(dir);
  if (d.size % sizeof(struct dirent) != 0)
    finding("directory %u: size %u is not a whole number of entries", dir, d.size);
  uint count = d.size / sizeof(struct dirent);
  if (count > MAXFILE * BSIZE / sizeof(struct dirent))
    count = MAXFILE * BSIZE / sizeof(struct dirent);
  char (*seen)[DIRSIZ + 1] = calloc(count + 1, DIRSIZ + 1);
  if (count < 2)
    finding("directory %u: lacks \".\" and \"..\"", dir);
  for (uint i = 0; i < count; i++) {
    uint fb = file_block(&d, i * sizeof(struct dirent) / BSIZE);
    if (!in_data(fb))
      continue;   // a hole (or a bad pointer, reported above) holds no entries
    const unsigned char *p = block(fb) + (i * sizeof(struct dirent)) % BSIZE;
    uint inum = p[0] | p[1] << 8;
    char *name = seen[i];
    memcpy(name, p + 2, DIRSIZ);
    name[DIRSIZ] = 0;
    for (char *c = name; *c; c++)   // findings stay one printable line each
      if (*c < 32 || *c > 126)
        *c = '?';
    if (i < 2) {
      const char *want = i == 0 ? "." : "..";
      uint want_inum = i == 0 ? dir : parent;
      if (strcmp(name, want) != 0 || inum != want_inum)
        finding("directory %u: entry %u is \"%s\" -> %u, want \"%s\" -> %u", dir, i, name,
                inum, want, want_inum);
      continue;
    }
    if (inum == 0) {
      name[0] = 0;
      continue;
    }
    if (name[0] == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
      finding("directory %u: bad name \"%s\" for inode %u", dir, name, inum);
      continue;
    }
    for (uint j = 2; j < i; j++)
      if (strcmp(seen[j], name) == 0)
        finding("directory %u: name \"%s\" appears twice", dir, name);
    if (inum >= sb.ninodes) {
      finding("directory %u: \"%s\" names inode %u, beyond the last (%u)", dir, name, inum,
              sb.ninodes - 1);
      continue;
    }
    struct inode_copy child = get_inode(inum);
    if (child.type == 0) {
      finding("directory %u: \"%s\" names free inode %u", dir, name, inum);
      continue;
    }
    names[inum]++;
    if (child.type == T_DIR) {
      if (reached[inum]) {
        finding("directory %u: has a second name \"%s\" in directory %u", inum, name, dir);
        continue;
      }
      reached[inum] = 1;
      subdirs[dir]++;
      walk(inum, dir, depth + 1);
    } else {
      reached[inum] = 1;
    }
  }
  free(seen);
}

static void check_tree(void) {
  if (get_inode(ROOTINO).type != T_DIR) {
    finding("inode %u: the root is not a directory", ROOTINO);
    return;
  }
  reached[ROOTINO] = 1;
  walk(ROOTINO, ROOTINO, 0);
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct inode_copy d = get_inode(inum);
    if (d.type != T_DIR && d.type != T_FILE && d.type != T_DEV)
      continue;
    if (!reached[inum]) {
      if (d.nlink == 0)
        finding("inode %u: orphan (allocated, nlink 0, no directory names it)", inum);
      else
        finding("inode %u: nlink %d, but no directory reachable from / names it", inum,
                d.nlink);
      continue;
    }
    int want = d.type == T_DIR ? 1 + subdirs[inum] : names[inum];
    if (d.nlink != want)
      finding("inode %u: nlink %d, want %d (%s)", inum, d.nlink, want,
              d.type == T_DIR ? "1 + subdirectories" : "names in directories");
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fsck fs.img\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f);
  rewind(f);
  if (bytes < 2 * BSIZE) {
    fprintf(stderr, "fsck: %s: too small for a file system\n", argv[1]);
    return 2;
  }
  img_blocks = bytes / BSIZE;
  // Mapped, not read: the image is 64 MiB, mostly holes that nothing
  // here looks at.
  img = mmap(0, (size_t)img_blocks * BSIZE, PROT_READ, MAP_PRIVATE, fileno(f), 0);
  if (img == MAP_FAILED) {
    fprintf(stderr, "fsck: %s: cannot read\n", argv[1]);
    return 2;
  }
  fclose(f);

  if (superblock_ok()) {
    owner = calloc(sb.size, sizeof(*owner));
    names = calloc(sb.ninodes, sizeof(*names));
    subdirs = calloc(sb.ninodes, sizeof(*subdirs));
    reached = calloc(sb.ninodes, 1);
    check_log();
    check_inodes();
    check_bitmap();
    check_tree();
  }
  return findings ? 1 : 0;
}
