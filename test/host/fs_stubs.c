// Host stand-ins for the kernel services the file-system code calls: the
// disk driver, locks, sleep/wakeup, the current process, the memory
// allocators, console output, system-call argument fetching and the
// kernel's string helpers. The tests run one simulated process on one
// thread, so these can be simple; they still check the locking rules the
// kernel relies on (e.g. a buffer must be locked when it goes to disk),
// because a violation there would be a real bug that no host run would
// otherwise notice.
//
// The kernel sources are compiled with their libc-like names renamed
// (memset -> kx_memset, sleep -> kx_sleep, ...; see Makefile.fs): their
// prototypes use uint where libc uses size_t, so they must not bind to the
// host's functions.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "types.h"
#include "param.h"
#include "fs.h"
#include "lock/spinlock.h"
#include "lock/sleeplock.h"
// proc.h declares the kernel's exit/fork/wait/kill/sleep, which clash with
// the host's; give them the kx_ names the kernel objects were built with.
#define exit kx_exit
#define fork kx_fork
#define wait kx_wait
#define kill kx_kill
#define sleep kx_sleep
#include "proc/proc.h"
#undef exit
#undef fork
#undef wait
#undef kill
#undef sleep
#include "proc/syscalls.h"
#include "mm/kalloc.h"
#include "mm/kmalloc.h"
#include "fs/buf.h"
#include "fs/inode.h"
#include "fs/file.h"
#include "fs_host.h"

uchar *host_disk;
uchar *host_touched;
long host_writes;
long host_crash_at = -1;
void (*host_write_hook)(uint blockno, const uchar *data);
int host_allocs_live;
int host_alloc_budget = -1;
int host_verbose;

// The only process. Its pid matches what the sleeplock stubs record.
static struct proc the_proc;
#define HOST_PID 1

// ---- disk ----------------------------------------------------------------

// The IDE driver's contract: write the buffer if B_DIRTY, else read it if
// not B_VALID; on return the buffer is valid and clean.
void iderw(struct buf *b) {
  if (!holdingsleep(&b->lock))
    host_fail("iderw: buffer %u not locked", b->blockno);
  if (b->dev != ROOTDEV)
    host_fail("iderw: unknown device %u", b->dev);
  if (b->blockno >= FSSIZE)
    host_fail("iderw: block %u beyond the disk", b->blockno);
  uchar *home = host_disk + (size_t)b->blockno * BSIZE;
  if (b->flags & B_DIRTY) {
    if (host_crash_at >= 0 && host_writes >= host_crash_at)
      _exit(HOST_CRASH_EXIT);   // power fails before this write lands
    memcpy(home, b->data, BSIZE);
    if (host_touched)
      host_touched[b->blockno] = 1;
    host_writes++;
    if (host_write_hook)
      host_write_hook(b->blockno, b->data);
  } else if (!(b->flags & B_VALID)) {
    memcpy(b->data, home, BSIZE);
  } else {
    host_fail("iderw: block %u is neither dirty nor invalid", b->blockno);
  }
  b->flags = (b->flags | B_VALID) & ~B_DIRTY;
}

// ---- locks ---------------------------------------------------------------
// With one thread, finding a lock already held means the kernel would
// deadlock (or has forgotten a release): fail instead of hanging.

void initlock(struct spinlock *lk, char *name) {
  lk->locked = 0;
  lk->name = name;
  lk->cpu = 0;
}

void acquire(struct spinlock *lk) {
  if (lk->locked)
    host_fail("acquire: spinlock %s already held (deadlock)", lk->name);
  lk->locked = 1;
}

void release(struct spinlock *lk) {
  if (!lk->locked)
    host_fail("release: spinlock %s not held", lk->name);
  lk->locked = 0;
}

int holding(struct spinlock *lk) {
  return lk->locked;
}

void initsleeplock(struct sleeplock *lk, char *name) {
  initlock(&lk->lk, "sleep lock");
  lk->locked = 0;
  lk->name = name;
  lk->pid = 0;
}

void acquiresleep(struct sleeplock *lk) {
  if (lk->locked)
    host_fail("acquiresleep: %s already held (deadlock)", lk->name);
  lk->locked = 1;
  lk->pid = HOST_PID;
}

void releasesleep(struct sleeplock *lk) {
  if (!lk->locked)
    host_fail("releasesleep: %s not held", lk->name);
  lk->locked = 0;
  lk->pid = 0;
}

int holdingsleep(struct sleeplock *lk) {
  return lk->locked && lk->pid == HOST_PID;
}

// Nobody else exists to wake us: sleeping would be forever.
void kx_sleep(void *chan, struct spinlock *lk) {
  host_fail("kernel would sleep forever (chan %p, lock %s)", chan, lk ? lk->name : "none");
}

// There is no other process to run.
void yield(void) {
}

void wakeup(void *chan) {
  (void)chan;   // nobody is ever asleep
}

struct proc *myproc(void) {
  return &the_proc;
}

// ---- memory and console --------------------------------------------------

// Every allocation is a separate malloc block of exactly the requested
// size, so ASan reports any access past its end or after it is freed.
// kalloc pages are also page-aligned, as the kernel promises.
static void *host_alloc(uint n, int page_aligned) {
  if (host_alloc_budget == 0)
    return 0;   // simulated exhaustion
  if (host_alloc_budget > 0)
    host_alloc_budget--;
  void *p = page_aligned ? aligned_alloc(PGSIZE, n) : malloc(n);
  if (p == 0)
    host_fail("host out of memory");
  memset(p, 0x5a, n);   // contents are undefined: do not hand out zeros
  host_allocs_live++;
  return p;
}

static void host_free(void *p) {
  if (host_allocs_live <= 0)
    host_fail("free of %p with nothing allocated", p);
  host_allocs_live--;
  free(p);
}

char *kalloc(void) {
  return host_alloc(PGSIZE, 1);
}

void kfree(char *page) {
  if (page == 0)
    host_fail("kfree(0)");
  host_free(page);
}

void *kmalloc(uint n) {
  if (n < 1 || n > PGSIZE)
    return 0;
  return host_alloc(n, 0);
}

void kmfree(void *p) {
  if (p)
    host_free(p);
}

void cprintf(const char *fmt, ...) {
  if (!host_verbose)
    return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
}

void panic(const char *msg) {
  host_fail("kernel panic: %s", msg);
}

// ---- the file page cache (mm/filemap.c) ---------------------------------------
// The host file system has no page cache: read() reads the file, and
// write() and freeing an inode have no cached pages to update or drop.

int filemap_read(struct inode *ip, char *dst, uint off, uint n) {
  return readi(ip, dst, off, n);
}

void filemap_forget(struct inode *ip) {
  (void)ip;
}

void filemap_written(struct inode *ip, uint off, uint n) {
  (void)ip; (void)off; (void)n;
}

// ---- system-call arguments -----------------------------------------------
// The wrappers below stash their arguments here; the argint/argstr/argptr
// stand-ins hand them to the sys_* handlers. A null pointer plays the part
// of an invalid user address.

static int arg_int[6];
static void *arg_ptr[6];

static void set_args(void) {
  memset(arg_int, 0, sizeof(arg_int));
  memset(arg_ptr, 0, sizeof(arg_ptr));
}

int argint(int n, int *ip) {
  *ip = arg_int[n];
  return 0;
}

int argptr_rw(int n, char **pp, int size, int write) {
  (void)write;
  if (size < 0 || (arg_ptr[n] == 0 && size > 0))
    return -1;
  *pp = arg_ptr[n];
  return 0;
}

// As the kernel's: copies the string into buf, -1 if it does not fit.
int argstr(int n, char *buf, int max) {
  if (arg_ptr[n] == 0)
    return -1;
  int len = strlen(arg_ptr[n]);
  if (len >= max)
    return -1;
  memcpy(buf, arg_ptr[n], len + 1);
  return len;
}

// Only sys_exec uses these, and the tests never call it.
int fetchint(uint addr, int *ip) {
  (void)addr;
  (void)ip;
  return -1;
}

int fetchstr(uint addr, char *buf, int max) {
  (void)addr;
  (void)buf;
  (void)max;
  return -1;
}

int exec(char *path, char **argv) {
  (void)path;
  (void)argv;
  return -1;
}

// ---- kernel string helpers (lib/klib.h), renamed --------------------------

void *kx_memset(void *dst, int c, uint n) { return memset(dst, c, n); }
int kx_memcmp(const void *a, const void *b, uint n) { return memcmp(a, b, n); }
void *kx_memmove(void *dst, const void *src, uint n) { return memmove(dst, src, n); }
void *kx_memcpy(void *dst, const void *src, uint n) { return memcpy(dst, src, n); }
int kx_strncmp(const char *a, const char *b, uint n) { return strncmp(a, b, n); }
char *kx_strncpy(char *dst, const char *src, int n) { return strncpy(dst, src, n); }
int kx_strlen(const char *s) { return strlen(s); }

char *kx_safestrcpy(char *dst, const char *src, int n) {
  if (n <= 0)
    return dst;
  strncpy(dst, src, n - 1);
  dst[n - 1] = 0;
  return dst;
}

// ---- boot and system calls -------------------------------------------------

void host_boot(void) {
  host_mount(1);
}

void host_mount(int sweep_orphans) {
  const char *v = getenv("FS_TEST_VERBOSE");
  host_verbose = v && *v && strcmp(v, "0") != 0;
  memset(&the_proc, 0, sizeof(the_proc));
  the_proc.pid = HOST_PID;
  strcpy(the_proc.name, "fs_test");
  binit();
  fileinit();
  iinit(ROOTDEV);
  fsinit(ROOTDEV);   // reads the superblock and recovers the log
  if (sweep_orphans)
    fs_free_orphans(ROOTDEV);
  the_proc.cwd = namei("/");
  if (the_proc.cwd == 0)
    host_fail("boot: no root directory");
}

int fs_open(const char *path, int mode) {
  set_args();
  arg_ptr[0] = (void *)path;
  arg_int[1] = mode;
  return sys_open();
}

int fs_close(int fd) {
  set_args();
  arg_int[0] = fd;
  return sys_close();
}

int fs_read(int fd, void *buf, int n) {
  set_args();
  arg_int[0] = fd;
  arg_ptr[1] = buf;
  arg_int[2] = n;
  return sys_read();
}

int fs_write(int fd, const void *buf, int n) {
  set_args();
  arg_int[0] = fd;
  arg_ptr[1] = (void *)buf;
  arg_int[2] = n;
  return sys_write();
}

int fs_lseek(int fd, int offset, int whence) {
  set_args();
  arg_int[0] = fd;
  arg_int[1] = offset;
  arg_int[2] = whence;
  return sys_lseek();
}

int fs_fstat(int fd, struct xv6_stat *st) {
  set_args();
  arg_int[0] = fd;
  arg_ptr[1] = st;
  return sys_fstat();
}

int fs_dup(int fd) {
  set_args();
  arg_int[0] = fd;
  return sys_dup();
}

int fs_pipe(int *fds) {
  set_args();
  arg_ptr[0] = fds;
  return sys_pipe();
}

int fs_mkdir(const char *path) {
  set_args();
  arg_ptr[0] = (void *)path;
  return sys_mkdir();
}

int fs_mknod(const char *path, int major, int minor) {
  set_args();
  arg_ptr[0] = (void *)path;
  arg_int[1] = major;
  arg_int[2] = minor;
  return sys_mknod();
}

int fs_chdir(const char *path) {
  set_args();
  arg_ptr[0] = (void *)path;
  return sys_chdir();
}

int fs_link(const char *old, const char *new_path) {
  set_args();
  arg_ptr[0] = (void *)old;
  arg_ptr[1] = (void *)new_path;
  return sys_link();
}

int fs_unlink(const char *path) {
  set_args();
  arg_ptr[0] = (void *)path;
  return sys_unlink();
}

struct file *host_file(int fd) {
  return fd >= 0 && fd < NOFILE ? the_proc.ofile[fd] : 0;
}
