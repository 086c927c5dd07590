// What the mmap tests in this folder share: address-space constants, the
// XV6_TEST_OUTPUT lines, mmap-or-give-up, a child that touches an address
// (to see whether that kills it), fork for a parent and child that talk over
// pipes, pipe and fork for tests that cannot go on without them, pmap
// lookups and a few small comparisons.
//
// A test that works on a file of its own defines FILE (its name) before
// including this header, and then also gets create_file() and file_byte().
//
// Everything is static (inline, so that a test need not use all of it).
#ifndef MMTEST_H
#define MMTEST_H

#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"
#include "children.h"

#define PGSIZE 4096
#define MMAP_BASE 0x40000000u    // lowest address the kernel places a mapping at
#define KERNBASE 0x80000000u     // where user space ends and the kernel begins
#define PGROUNDUP(a) (((uint)(a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

// Room for pmap(0, ents, 146).
static struct pmap_entry ents[146];

// One result line, compared with N.out.
static inline void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

// The same for a check repeated per kind of mapping: "kind: what: ok".
static inline void report_for(char *kind, char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s: %s\n", kind, what, ok ? "ok" : "FAIL");
}

// mmap, or, if that fails, report what (as failed) and exit: for a test
// whose checks all need the mapping.
static inline char *mmap_or_exit(char *what, void *addr, int len, int prot, int flags,
                                 int fd, int off) {
  char *p = mmap(addr, len, prot, flags, fd, off);
  if (p == MAP_FAILED) {
    report(what, 0);
    exit();
  }
  return p;
}

// pipe(), or report the failure and exit (a fault-injection run makes it
// fail; going on with unset descriptors could read the console forever).
static inline void pipe_or_exit(int fds[2]) {
  if (pipe(fds) < 0) {
    report("pipe", 0);
    end_children();
    exit();
  }
}

// fork() that remembers the child; if it fails, report it, kill and reap
// the children forked so far (which may be waiting on a pipe for a word
// that would never come) and exit.
static inline int fork_or_exit(void) {
  int pid = fork_tracked();
  if (pid < 0) {
    report("fork", 0);
    end_children();
    exit();
  }
  return pid;
}

// Take every page sbrk can get in a child, then give them back by its exit:
// afterwards free memory has been empty once (reclaim has run).
static inline void exhaust_memory(void) {
  int pid = fork_or_exit();
  if (pid == 0) {
    while (sbrk(256 * PGSIZE) != (char *)-1)
      ;
    while (sbrk(PGSIZE) != (char *)-1)
      ;
    exit();
  }
  wait();
}

// Blocks written to the disk since boot (the log included): what reached
// the disk, where read() would also see what is only in the page cache.
static inline uint disk_writes(void) {
  struct memstat m;
  memstat(&m);
  return m.disk_writes;
}

// Free blocks on the disk now.
static inline uint disk_free(void) {
  struct memstat m;
  memstat(&m);
  return m.disk_free;
}

// Copy file from to file to; 1 if it worked.
static inline int copy_file(char *from, char *to) {
  static char copybuf[PGSIZE];
  int in = open(from, O_RDONLY);
  int out = open(to, O_CREATE | O_RDWR);
  int ok = in >= 0 && out >= 0, n;
  while (ok && (n = read(in, copybuf, sizeof(copybuf))) > 0)
    ok = write(out, copybuf, n) == n;
  close(in);
  close(out);
  return ok;
}

// In a child of fork_with_pipes: exec prog as "prog child W R", W and R
// being the child's ends of the pipes (single-digit descriptors), so the
// program's main can call its child part with them. If exec fails, write
// 'x' on W and exit.
static inline void exec_child(char *prog, int w, int r) {
  char wfd[2] = { '0' + w, 0 }, rfd[2] = { '0' + r, 0 };
  char *args[] = { prog, "child", wfd, rfd, 0 };
  exec(prog, args);
  write(w, "x", 1);
  exit();
}

// Fork a child that reads (do_write 0) or writes (1) *a. Returns 1 if the
// child was killed before it could report surviving through a pipe.
static inline int child_dies(int do_write, volatile char *a) {
  int fds[2];
  if (pipe(fds) < 0)
    return 0;
  int pid = fork();
  if (pid < 0)
    return 0;
  if (pid == 0) {
    close(fds[0]);
    if (do_write)
      *a = 'x';
    else
      (void)*a;
    write(fds[1], "s", 1);
    exit();
  }
  close(fds[1]);
  int w = wait();
  char c;
  int n = read(fds[0], &c, 1);
  close(fds[0]);
  return w == pid && n == 0;
}

// fork() for a parent and child that talk over two pipes the caller has
// made: p2c (parent to child) and c2p (child to parent). Each side closes
// the two ends it does not use: the child keeps p2c[0] and c2p[1], the
// parent p2c[1] and c2p[0]. Returns what fork() returned.
static inline int fork_with_pipes(int p2c[2], int c2p[2]) {
  int pid = fork();
  if (pid == 0) {
    close(p2c[1]);
    close(c2p[0]);
  } else {
    close(p2c[0]);
    close(c2p[1]);
  }
  return pid;
}

// The caller's pmap entry of the region starting at a, or 0.
static inline struct pmap_entry *entry_at(uint a) {
  int n = pmap(0, ents, 146);
  for (int i = 0; i < n && i < 146; i++)
    if (ents[i].start == a)
      return &ents[i];
  return 0;
}

// Resident pages of the caller's region starting at a, or -1.
static inline int resident(uint a) {
  struct pmap_entry *e = entry_at(a);
  return e ? e->resident : -1;
}

// Do [a, a + alen) and [b, b + blen) overlap?
static inline int overlaps(uint a, uint alen, uint b, uint blen) {
  return a < b + blen && b < a + alen;
}

// Are the n bytes at a and b the same? (memcmp is declared in ustring.h;
// these tests keep to user.h.)
static inline int same(char *a, char *b, int n) {
  for (int i = 0; i < n; i++)
    if (a[i] != b[i])
      return 0;
  return 1;
}

#ifdef FILE
// (Re)create FILE holding size bytes of fill, written a page at a time.
// Returns an O_RDWR descriptor.
static inline int create_file(char fill, int size) {
  static char block[PGSIZE];
  unlink(FILE);
  int fd = open(FILE, O_CREATE | O_RDWR);
  memset(block, fill, PGSIZE);
  for (int off = 0; off < size; off += PGSIZE)
    write(fd, block, size - off < PGSIZE ? size - off : PGSIZE);
  return fd;
}

// FILE's byte at off, read through a descriptor of its own (what read()
// returns: the shared mappings' cache when the page is in it).
static inline char file_byte(int off) {
  char c = 0;
  int fd = open(FILE, O_RDONLY);
  lseek(fd, off, SEEK_SET);
  read(fd, &c, 1);
  close(fd);
  return c;
}
#endif

#endif
