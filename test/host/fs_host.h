// What fs_stubs.c offers fs_test.c: a simulated disk and process on which
// the unmodified kernel file-system sources (src/kernel/fs/{bio,log,fs,
// file,pipe,sysfile}.c) run as an ordinary host program.
#ifndef TEST_HOST_FS_HOST_H
#define TEST_HOST_FS_HOST_H

#include "types.h"

// The file-system disk: FSSIZE*BSIZE bytes owned by the test. The driver
// stand-in copies blocks in and out of it synchronously, one whole block
// per request, in the order the kernel asks.
extern uchar *host_disk;

// If set (shared memory, one byte per block), iderw sets host_touched[b]
// when it writes block b: the test then restores and compares only the
// blocks written since the base image, not the whole 64 MiB disk.
extern uchar *host_touched;

// Power-failure simulation. host_writes counts block writes that reached
// host_disk. When host_crash_at >= 0 and host_writes has reached it, the
// next write never happens: the process ends at once with status
// HOST_CRASH_EXIT, leaving exactly host_crash_at writes on the disk.
#define HOST_CRASH_EXIT 75
extern long host_writes;
extern long host_crash_at;

// If set, called after each block write with the block's new contents.
extern void (*host_write_hook)(uint blockno, const uchar *data);

// Blocks from kalloc()/kmalloc() not yet given back. While
// host_alloc_budget >= 0 it is the number of allocations that may still
// succeed; after that they report "out of memory" (-1: no limit).
extern int host_allocs_live;
extern int host_alloc_budget;

// Set from the environment (FS_TEST_VERBOSE=1): echo kernel cprintf output
// to stderr. Off by default so the output is only PASS/FAIL lines.
extern int host_verbose;

// Implemented by fs_test.c: record why the running test failed and end the
// process. The stubs call it when the kernel panics or would block forever.
void host_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

// Bring the file system up as the kernel does at boot: buffer cache, file
// and inode tables, superblock, log recovery, orphan sweep; then give the
// one simulated process "/" as its working directory. Once per process:
// the kernel's tables cannot be reset, so each boot needs a fresh (forked)
// process. host_mount(0) stops after log recovery (no orphan sweep), so a
// test can look at exactly what recovery left.
void host_boot(void);
void host_mount(int sweep_orphans);

// System calls made by the simulated process, with the same arguments and
// results a user program sees. A null pointer stands for a bad user
// address.
struct xv6_stat;   // src/include/stat.h's struct stat, renamed on the host
int fs_open(const char *path, int mode);
int fs_close(int fd);
int fs_read(int fd, void *buf, int n);
int fs_write(int fd, const void *buf, int n);
int fs_lseek(int fd, int offset, int whence);
int fs_fstat(int fd, struct xv6_stat *st);
int fs_dup(int fd);
int fs_pipe(int *fds);
int fs_mkdir(const char *path);
int fs_mknod(const char *path, int major, int minor);
int fs_chdir(const char *path);
int fs_link(const char *old, const char *new_path);
int fs_unlink(const char *path);

// The open file behind the simulated process's descriptor fd, or 0: for
// tests that call the kernel's file-system functions on its inode, as
// mm/filemap.c does for a mapped file.
struct file *host_file(int fd);

#endif
