// The file page cache never shows stale bytes and never pins inode table
// entries, now that it outlives close: a write() to a cached file nobody
// maps is read back; a file removed and made again under the same name
// reads its new bytes; reading more files than the inode table has
// entries (NINODE, 50) works, each file reading its own bytes, and the
// first files read right again afterwards (their entries were recycled
// and their caches dropped, or kept).
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "mman.h"
#include "mmtest.h"

#define NFILES 60   // more than NINODE
#define FSIZE 1000

static char buf[PGSIZE];

static char *name(int i) {
  static char n[] = "mm55.00";
  n[5] = '0' + i / 10;
  n[6] = '0' + i % 10;
  return n;
}

static int put(char *path, char fill, int size) {
  unlink(path);
  int fd = open(path, O_CREATE | O_RDWR);
  if (fd < 0)
    return 0;
  memset(buf, fill, size);
  int ok = write(fd, buf, size) == size;
  close(fd);
  return ok;
}

// Does path hold exactly size bytes of fill (read with read())?
static int holds(char *path, char fill, int size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 0;
  memset(buf, 0, sizeof(buf));
  int n = read(fd, buf, sizeof(buf));
  close(fd);
  if (n != size)
    return 0;
  for (int i = 0; i < n; i++)
    if (buf[i] != fill)
      return 0;
  return 1;
}

int
main(int argc, char *argv[])
{
  char *f = "mm55.a";
  int ok;
  report("a file read once (now cached)", put(f, 'a', FSIZE) && holds(f, 'a', FSIZE));
  int fd = open(f, O_RDWR);
  memset(buf, 'b', FSIZE);
  report("write() over it, nobody maps it", fd >= 0 && write(fd, buf, FSIZE) == FSIZE);
  close(fd);
  report("read() sees the new bytes", holds(f, 'b', FSIZE));
  unlink(f);
  // Made again with a hole where the old bytes were.
  fd = open(f, O_CREATE | O_RDWR);
  memset(buf, 'c', FSIZE / 2);
  report("removed and made again, a hole first",
         fd >= 0 && lseek(fd, FSIZE / 2, SEEK_SET) == FSIZE / 2 &&
         write(fd, buf, FSIZE / 2) == FSIZE / 2);
  close(fd);
  fd = open(f, O_RDONLY);
  memset(buf, 'x', sizeof(buf));
  ok = read(fd, buf, sizeof(buf)) == FSIZE;
  close(fd);
  for (int i = 0; i < FSIZE; i++)
    ok &= buf[i] == (i < FSIZE / 2 ? 0 : 'c');
  report("it reads its new bytes (zeros, then c)", ok);

  ok = 1;
  for (int i = 0; i < NFILES; i++)
    ok &= put(name(i), 'A' + i % 26, FSIZE - i);
  report("60 files made", ok);
  ok = 1;
  for (int i = 0; i < NFILES; i++)
    ok &= holds(name(i), 'A' + i % 26, FSIZE - i);
  report("each read once: more files than inode entries", ok);
  ok = 1;
  for (int i = 0; i < NFILES; i++)
    ok &= holds(name(i), 'A' + i % 26, FSIZE - i);
  report("... and again", ok);
  for (int i = 0; i < NFILES; i++)
    unlink(name(i));
  unlink(f);
  exit();
}
