// Host tests for the fsck tool (src/tools/fsck.c): make a clean image with
// our mkfs, corrupt one thing at a time, run the real fsck binary on it and
// check that it exits 1 with a line naming that problem (and exits 0 with
// no output on the clean image). One "PASS fsck: name" or "FAIL fsck: name:
// why" line per case, as the host suite expects.
//
// Paths of the tools come from the Makefile (FSCK_TEST_MKFS, FSCK_TEST_FSCK)
// relative to the repository root, where the test runs.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define stat xv6_stat
#include "types.h"
#include "param.h"
#include "fs.h"
#include "stat.h"
#undef stat

#define IMG_BYTES ((size_t)FSSIZE * BSIZE)
#define BIG_BLOCKS (NDIRECT + NINDIRECT + 3)
#define OUT_SIZE 65536

static unsigned char clean[IMG_BYTES];   // what mkfs made
static unsigned char img[IMG_BYTES];     // the copy each case corrupts
static struct superblock sb;
static char tmpdir[] = "/tmp/fsck_test.XXXXXX";
static char img_path[256];
static char output[OUT_SIZE];
static int failures;

static struct dinode *inode(uint inum) {
  return (struct dinode *)(img + IBLOCK(inum, sb) * BSIZE) + inum % IPB;
}

static struct dirent *root_entries(int *count) {
  struct dinode *root = inode(ROOTINO);
  *count = BSIZE / sizeof(struct dirent);   // mkfs's root fits in its first block
  return (struct dirent *)(img + root->addrs[0] * BSIZE);
}

// Inode number of a name in "/" (0 if absent).
static uint lookup(const char *name) {
  int n;
  struct dirent *de = root_entries(&n);
  for (int i = 0; i < n; i++)
    if (de[i].inum && strncmp(de[i].name, name, DIRSIZ) == 0)
      return de[i].inum;
  return 0;
}

static uint first_free_inode(void) {
  for (uint i = 1; i < sb.ninodes; i++)
    if (inode(i)->type == 0)
      return i;
  return 0;
}

static uint data_start(void) {
  return sb.bmapstart + (sb.size + BPB - 1) / BPB;
}

static void set_bit(uint b, int on) {
  unsigned char *byte = img + BBLOCK(b, sb) * BSIZE + (b % BPB) / 8;
  if (on)
    *byte |= 1 << (b % 8);
  else
    *byte &= ~(1 << (b % 8));
}

static int get_bit(uint b) {
  return (img[BBLOCK(b, sb) * BSIZE + (b % BPB) / 8] >> (b % 8)) & 1;
}

// Write img to the temporary file and run fsck on it; output[] gets what it
// printed. Returns its exit status (-1 if it did not exit normally).
static int run_fsck(void) {
  // The image is 64 MiB, mostly zeros: write only the blocks that differ
  // from what the file holds (at first, from zeros: a sparse file).
  static unsigned char ondisk[IMG_BYTES];
  static int made;
  FILE *f = fopen(img_path, made ? "r+b" : "wb");
  if (!f)
    return -1;
  for (size_t off = 0; off < IMG_BYTES; off += BSIZE) {
    if (memcmp(img + off, ondisk + off, BSIZE) == 0)
      continue;
    if (fseek(f, off, SEEK_SET) != 0 || fwrite(img + off, 1, BSIZE, f) != BSIZE)
      return -1;
    memcpy(ondisk + off, img + off, BSIZE);
  }
  if (fflush(f) != 0 || ftruncate(fileno(f), IMG_BYTES) != 0 || fclose(f) != 0)
    return -1;
  made = 1;
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "%s %s 2>&1", FSCK_TEST_FSCK, img_path);
  FILE *p = popen(cmd, "r");
  if (!p)
    return -1;
  size_t n = fread(output, 1, OUT_SIZE - 1, p);
  output[n] = 0;
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void result(const char *name, int ok, const char *fmt, ...) {
  if (ok) {
    printf("PASS fsck: %s\n", name);
    return;
  }
  char why[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  // Only the first line of fsck's output goes in the one-line verdict.
  printf("FAIL fsck: %s: %s\n", name, why);
  failures++;
}

// The corrupted image must make fsck exit 1 and print a line containing
// `want`; every line it prints must be a finding (non-empty).
static void expect(const char *name, const char *want) {
  int status = run_fsck();
  char first[200] = "";
  sscanf(output, "%199[^\n]", first);
  if (status != 1) {
    result(name, 0, "fsck exited %d, want 1 (output: %s)", status, first);
    return;
  }
  result(name, strstr(output, want) != 0, "no line with \"%s\" (first line: %s)", want, first);
}

static void reset(void) {
  memcpy(img, clean, IMG_BYTES);
}

static int make_clean_image(void) {
  // A file big enough for an indirect and a doubly-indirect block (with
  // one indirect block under it), beside two small ones.
  char big_path[300];
  snprintf(big_path, sizeof(big_path), "%s/big", tmpdir);
  FILE *f = fopen(big_path, "wb");
  if (!f)
    return -1;
  for (int i = 0; i < (int)(BIG_BLOCKS * BSIZE); i++)
    fputc('a' + i % 26, f);
  fclose(f);
  char cmd[800];
  snprintf(cmd, sizeof(cmd), "%s %s README.md src/user/sample.txt %s >/dev/null", FSCK_TEST_MKFS,
           img_path, big_path);
  if (system(cmd) != 0)
    return -1;
  f = fopen(img_path, "rb");
  if (!f || fread(clean, 1, IMG_BYTES, f) != IMG_BYTES)
    return -1;
  fclose(f);
  memcpy(&sb, clean + BSIZE, sizeof(sb));
  return 0;
}

int main(void) {
  if (!mkdtemp(tmpdir)) {
    printf("FAIL fsck: setup: no temporary directory\n");
    return 1;
  }
  snprintf(img_path, sizeof(img_path), "%s/fs.img", tmpdir);
  if (make_clean_image() != 0) {
    printf("FAIL fsck: setup: mkfs failed\n");
    return 1;
  }
  reset();
  uint readme = lookup("README.md"), sample = lookup("sample.txt"), big = lookup("big");
  if (!readme || !sample || !big || inode(big)->addrs[NDIRECT + 1] == 0) {
    printf("FAIL fsck: setup: the image lacks its files\n");
    return 1;
  }

  int status = run_fsck();
  result("clean-image", status == 0 && output[0] == 0, "exit %d, output: %.200s", status, output);

  reset();
  ((struct superblock *)(img + BSIZE))->size = FSSIZE + 5;
  expect("superblock-size", "superblock");
  reset();
  ((struct superblock *)(img + BSIZE))->bmapstart += 1;
  expect("superblock-layout", "superblock");

  reset();
  *(uint *)(img + sb.logstart * BSIZE) = 3;
  expect("log-header-left", "log: header lists 3");

  reset();
  inode(readme)->addrs[0] = sb.inodestart;   // points into the inode area
  expect("pointer-in-metadata", "outside the data area");
  reset();
  inode(readme)->addrs[1] = FSSIZE + 100;
  expect("pointer-past-end", "outside the data area");
  reset();
  ((uint *)(img + inode(big)->addrs[NDIRECT] * BSIZE))[1] = 7;
  expect("indirect-entry-out-of-range", "indirect-listed block 7 outside");

  reset();
  inode(big)->addrs[NDIRECT + 1] = FSSIZE + 7;
  expect("doubly-indirect-out-of-range", "doubly-indirect block 131079 outside");
  reset();
  {
    uint *dbl = (uint *)(img + inode(big)->addrs[NDIRECT + 1] * BSIZE);
    dbl[0] = sb.logstart;   // its first indirect block: in the log
  }
  expect("doubly-indirect-entry-in-log", "indirect block 2 outside");
  reset();
  {
    uint *dbl = (uint *)(img + inode(big)->addrs[NDIRECT + 1] * BSIZE);
    ((uint *)(img + dbl[0] * BSIZE))[2] = FSSIZE;
  }
  expect("doubly-indirect-leaf-out-of-range", "indirect-listed block 131072 outside");
  reset();
  {
    uint *dbl = (uint *)(img + inode(big)->addrs[NDIRECT + 1] * BSIZE);
    dbl[1] = inode(readme)->addrs[0];   // a second indirect block: readme's data
  }
  expect("doubly-indirect-shares-block", "owned by inode");
  reset();
  inode(big)->size = (NDIRECT + NINDIRECT) * BSIZE;   // no room left for the tables
  expect("doubly-indirect-past-size", "doubly-indirect block");

  reset();
  inode(sample)->addrs[0] = inode(readme)->addrs[0];
  expect("block-owned-twice", "owned by inode");

  reset();
  set_bit(inode(readme)->addrs[0], 0);
  expect("owned-block-marked-free", "marked free");
  reset();
  {
    uint b = data_start();
    while (b < sb.size && get_bit(b))
      b++;
    set_bit(b, 1);
  }
  expect("unowned-block-marked", "no inode owns it");
  reset();
  set_bit(sb.inodestart, 0);
  expect("metadata-marked-free", "metadata block");

  reset();
  {
    int n;
    struct dirent *de = root_entries(&n);
    for (int i = 2; i < n; i++)
      if (de[i].inum == sample)
        de[i].inum = first_free_inode();
  }
  expect("entry-names-free-inode", "names free inode");
  reset();
  {
    int n;
    struct dirent *de = root_entries(&n);
    for (int i = 2; i < n; i++)
      if (de[i].inum == sample)
        de[i].inum = sb.ninodes + 3;
  }
  expect("entry-inode-out-of-range", "beyond the last");

  reset();
  inode(readme)->nlink = 2;
  expect("link-count-high", "nlink 2, want 1");
  reset();
  inode(ROOTINO)->nlink = 3;
  expect("dir-link-count", "want 1");

  reset();
  root_entries(&(int){0})[0].name[0] = 'x';
  expect("dot-entry", "entry 0");
  reset();
  root_entries(&(int){0})[1].inum = readme;
  expect("dotdot-entry", "entry 1");

  reset();
  inode(readme)->size = 10;   // its blocks outlive the new size
  expect("blocks-past-size", "past the end of the file");
  reset();
  inode(readme)->size = MAXFILE * BSIZE + 1;
  expect("size-too-big", "beyond the largest file");

  reset();
  {
    struct dinode *d = inode(first_free_inode());
    d->type = T_FILE;   // allocated, no links, named nowhere
  }
  expect("orphan-inode", "orphan");
  reset();
  {
    struct dinode *d = inode(first_free_inode());
    d->type = T_FILE;
    d->nlink = 1;
  }
  expect("unreachable-inode", "no directory reachable");
  reset();
  inode(sample)->type = 9;
  expect("bad-type", "bad type 9");
  reset();
  inode(first_free_inode())->size = 100;
  expect("free-inode-leftovers", "free, but");
  reset();
  {
    int n;
    struct dirent *de = root_entries(&n);
    for (int i = 2; i < n; i++)
      if (de[i].inum == sample)
        memcpy(de[i].name, "big", 4);
  }
  expect("duplicate-name", "appears twice");

  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "fsck_test: could not remove %s\n", tmpdir);
  return failures ? 1 : 0;
}
