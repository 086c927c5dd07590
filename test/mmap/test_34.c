// No leaked inodes: a file that was mapped (shared, private, course form,
// split, replaced by MAP_FIXED, inherited by a child) and then closed,
// unlinked and unmapped is really freed: the next file created gets the
// same inode number back (the file system hands out the lowest free one).
// No open files or pages are left either.
#include "types.h"
#include "stat.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "memstat.h"

#define FILE "mm34.dat"   // create_file() (mmtest.h) works on it
#include "mmtest.h"

// Create FILE with 3 pages; returns an O_RDWR descriptor, its inode in *ino.
int create(uint *ino) {
  int fd = create_file('i', 3 * PGSIZE);
  struct stat st;
  fstat(fd, &st);
  *ino = st.ino;
  return fd;
}

// Was the inode freed? Create a scratch file and compare its number.
int freed(uint ino) {
  uint again;
  int fd = create(&again);
  close(fd);
  unlink(FILE);
  if (again != ino)
    printf(1, "inode %d not reused (got %d)\n", ino, again);
  return again == ino;
}

int
main(int argc, char *argv[])
{
  uint ino;
  // Warm-up for the page and file counts.
  int fd = create(&ino);
  char *w = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  w[0] = 'w';
  munmap(w, 3 * PGSIZE);
  close(fd);
  unlink(FILE);
  report("a plain created and deleted file's inode is reused", freed(ino));

  struct memstat m0, m1;
  memstat(&m0);
  int f0 = freepages();

  fd = create(&ino);
  char *m = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  m[0] = 's';
  close(fd);
  unlink(FILE);
  munmap(m, 3 * PGSIZE);
  report("shared: close, unlink, munmap frees the inode", freed(ino));

  fd = create(&ino);
  m = mmap(0, 3 * PGSIZE, RW, MAP_PRIVATE, fd, 0);
  m[PGSIZE] = 'p';
  unlink(FILE);
  munmap(m, 3 * PGSIZE);
  close(fd);
  report("private: unlink, munmap, close frees the inode", freed(ino));

  fd = create(&ino);
  m = mmap(0, 3 * PGSIZE, 0, 0, fd, 16);
  m[1] = 'c';
  msync(m, 10);
  close(fd);
  unlink(FILE);
  munmap(m, 3 * PGSIZE);
  report("course form: msync, close, unlink, munmap frees the inode", freed(ino));

  fd = create(&ino);
  m = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  close(fd);
  m[0] = 'x';
  m[2 * PGSIZE] = 'y';
  mprotect(m + PGSIZE, PGSIZE, PROT_READ);            // three pieces
  unlink(FILE);
  munmap(m, PGSIZE);
  munmap(m + PGSIZE, 2 * PGSIZE);
  report("split in three, unmapped piece by piece, frees the inode", freed(ino));

  fd = create(&ino);
  m = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  close(fd);
  unlink(FILE);
  m[0] = 'r';
  mmap(m, 3 * PGSIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  report("replaced by MAP_FIXED frees the inode", freed(ino));
  munmap(m, 3 * PGSIZE);

  fd = create(&ino);
  m = mmap(0, 3 * PGSIZE, RW, MAP_SHARED, fd, 0);
  close(fd);
  int p2c[2];
  pipe_or_exit(p2c);
  if (fork() == 0) {
    char c;
    close(p2c[1]);
    read(p2c[0], &c, 1);
    m[5] = 'k';
    exit();
  }
  close(p2c[0]);
  munmap(m, 3 * PGSIZE);
  unlink(FILE);
  write(p2c[1], "g", 1);
  wait();
  close(p2c[1]);
  report("inherited by a child that exits last frees the inode", freed(ino));

  memstat(&m1);
  int f1 = freepages();
  if (f1 != f0)
    printf(1, "free pages %d before, %d after\n", f0, f1);
  report("no open files, regions, page sets or pages left",
         m1.open_files == m0.open_files && m1.regions == m0.regions &&
         m1.pagesets == m0.pagesets && f1 == f0);
  exit();
}
