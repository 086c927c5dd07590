// The user-space API: system calls and the user library.
// Include types.h (and stat.h when using stat) first, as in xv6.
#ifndef XV6_USER_H
#define XV6_USER_H

struct stat;
struct kmstat;
struct pmap_entry;
struct memstat;
struct procinfo;
struct faultstat;

// System calls: xv6-public's set.
int fork(void);
int exit(void) __attribute__((noreturn));
int wait(void);
int pipe(int *fds);
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int close(int fd);
int kill(int pid);
int exec(char *path, char **argv);
int open(const char *path, int omode);
int mknod(const char *path, short major, short minor);
int unlink(const char *path);
int fstat(int fd, struct stat *st);
int link(const char *oldpath, const char *newpath);
int mkdir(const char *path);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
char *sbrk(int n);
int sleep(int ticks);
int uptime(void);

// System calls: memory management.
void *kmalloc(uint nbytes);          // kernel block for this process, 0 on failure
int kmfree(void *p);                 // 0 on success (and for 0), -1 if p is not ours
int freepages(void);                 // physical pages free right now
void *mmap(void *addr, int length, int prot, int flags, int fd, int offset);
int munmap(void *addr, uint length);
int mprotect(void *addr, uint length, int prot);
// msync(addr, length[, flags]): flags may be left out (course form).
int msync(void *addr, uint length, ...);
#define msync(...) msync(__VA_ARGS__, 0)
int lseek(int fd, int offset, int whence);
// fileseek(fd, offset[, whence]): lseek under the course's name.
int fileseek(int fd, int offset, ...);
#define fileseek(...) fileseek(__VA_ARGS__, 0)
int kmstat(struct kmstat *st);       // allocator statistics
int kmtest(int seed, int rounds);    // in-kernel allocator self-test; 0 if it passed
int pmap(int pid, struct pmap_entry *out, int max);  // regions of a process
int memstat(struct memstat *st);     // leak-accounting counters
int faultstat(struct faultstat *st); // fault-injection counters
int poweroff(void);                  // stop the machine (QEMU exits)
int procs(struct procinfo *out, int max);  // the process table (procinfo.h)
int fsync(int fd);                   // write back the file's mapped stores

// User library (src/user/lib/). memcpy, memcmp, strncmp and the other
// string functions are in the library too but declared only in ustring.h,
// so a course test may define its own with any signature.
int stat(const char *path, struct stat *st);
char *strcpy(char *dst, const char *src);
void *memmove(void *dst, const void *src, int n);
char *strchr(const char *s, char c);
int strcmp(const char *a, const char *b);
void printf(int fd, const char *fmt, ...);
char *gets(char *buf, int max);
uint strlen(const char *s);
void *memset(void *dst, int c, uint n);
void *malloc(uint n);
void free(void *p);
int atoi(const char *s);

#endif
