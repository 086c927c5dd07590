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

#define NDIRECT 12
#define NINDIRECT (BSIZE / sizeof(uint))
#define MAXFILE (NDIRECT + NINDIRECT)

// An inode as stored on disk.
struct dinode {
  short type;               // 0 means free; else T_DIR, T_FILE, T_DEV
  short major;              // device numbers (T_DEV only)
  short minor;
  short nlink;              // directory entries that name this inode
  uint size;                // bytes of content
  uint addrs[NDIRECT+1];    // direct blocks, then one indirect block
};

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
