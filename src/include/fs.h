// On-disk file-system format, shared by the kernel and the mkfs host tool.
//
// Disk layout, in 512-byte blocks:
//   [ boot | super | log ... | inodes ... | free bitmap ... | data ... ]
#ifndef XV6_FS_H
#define XV6_FS_H

#define ROOTINO 1    // inode number of "/"
#define BSIZE 512    // bytes per block

// Block 1 describes where everything else is.
struct superblock {
  uint size;        // total blocks in the image
  uint nblocks;     // data blocks
  uint ninodes;     // inodes
  uint nlog;        // log blocks
  uint logstart;    // first log block
  uint inodestart;  // first inode block
  uint bmapstart;   // first free-bitmap block
};

// Where a file's blocks are. The dinode has room for NADDRS block numbers
// (it must stay 64 bytes so inodes tile a block):
//   addrs[0 .. NDIRECT-1]   the first NDIRECT data blocks
//   addrs[NDIRECT]          an indirect block: NINDIRECT more
//   addrs[NDIRECT+1 ..]     NDOUBLE doubly-indirect blocks, each a table of
//                           NINDIRECT indirect blocks (NDINDIRECT data blocks)
// With 512-byte blocks one doubly-indirect block maps only 8 MiB, so there
// are two of them (16 MiB + 69 KiB in all). A triple-indirect block would
// reach far past any disk we build, and cost one more table read and one
// more allocation per block; two doubly-indirect blocks keep every block
// at most two tables deep.
#define NDIRECT 10
#define NINDIRECT (BSIZE / sizeof(uint))          // block numbers per table block
#define NDINDIRECT (NINDIRECT * NINDIRECT)        // data blocks under a doubly-indirect block
#define NDOUBLE 2
#define NADDRS (NDIRECT + 1 + NDOUBLE)
#define MAXFILE (NDIRECT + NINDIRECT + NDOUBLE * NDINDIRECT)   // blocks: 32,906
#define MAXDEPTH 2   // table blocks on the way to a data block, at most

// An inode as stored on disk.
struct dinode {
  short type;               // 0 means free; else T_DIR, T_FILE, T_DEV
  short major;              // device numbers (T_DEV only)
  short minor;
  short nlink;              // directory entries that name this inode
  uint size;                // bytes of content
  uint addrs[NADDRS];       // direct, indirect, doubly-indirect (above)
};

// The way to the bn'th block of a file: start at addrs[slot], then follow
// entry idx[k] of each of `depth` table blocks. Shared by the kernel, mkfs
// and fsck so that they cannot disagree. Returns 0 past the largest file.
struct bpath {
  uint slot;
  uint depth;             // 0 direct, 1 indirect, 2 doubly-indirect
  uint idx[MAXDEPTH];
};

static inline int fs_bpath(uint bn, struct bpath *p) {
  if (bn < NDIRECT) {
    p->slot = bn;
    p->depth = 0;
    return 1;
  }
  bn -= NDIRECT;
  if (bn < NINDIRECT) {
    p->slot = NDIRECT;
    p->depth = 1;
    p->idx[0] = bn;
    return 1;
  }
  bn -= NINDIRECT;
  if (bn >= NDOUBLE * NDINDIRECT)
    return 0;
  p->slot = NDIRECT + 1 + bn / NDINDIRECT;
  p->depth = 2;
  p->idx[0] = bn % NDINDIRECT / NINDIRECT;
  p->idx[1] = bn % NINDIRECT;
  return 1;
}

// Table blocks below addrs[slot]: 0 for a direct slot.
static inline uint fs_slot_depth(uint slot) {
  return slot < NDIRECT ? 0 : slot == NDIRECT ? 1 : 2;
}

#define IPB           (BSIZE / sizeof(struct dinode))   // inodes per block
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)     // block holding inode i
#define BPB           (BSIZE*8)                         // bitmap bits per block
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)      // bitmap block for block b

#define DIRSIZ 14

// A directory is a file holding an array of these.
struct dirent {
  ushort inum;          // 0 marks an unused slot
  char name[DIRSIZ];    // not NUL-terminated when DIRSIZ long
};

#endif
