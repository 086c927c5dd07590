// Flags for open().
#ifndef XV6_FCNTL_H
#define XV6_FCNTL_H

#define O_RDONLY  0x000
#define O_WRONLY  0x001
#define O_RDWR    0x002
#define O_CREATE  0x200

// Origins for lseek().
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#endif
