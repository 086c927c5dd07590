// stressfs: several processes write and then read back their own file at
// the same time, to shake out locking problems in the file system.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "user.h"

#define NWORKERS 4
#define CHUNKS   20

int main(void) {
  char path[] = "stressfs0";
  char data[BSIZE];
  int me;

  printf(1, "stressfs starting\n");
  // Worker me is created by the me-th fork; the original process is the
  // last worker.
  for (me = 0; me < NWORKERS - 1; me++)
    if (fork() > 0)
      break;
  printf(1, "stressfs: worker %d writing\n", me);

  path[8] = (char)('0' + me);
  memset(data, 'a' + me, sizeof data);
  int fd = open(path, O_CREATE | O_RDWR);
  if (fd < 0) {
    printf(1, "stressfs: cannot create %s\n", path);
    exit();
  }
  for (int i = 0; i < CHUNKS; i++)
    if (write(fd, data, sizeof data) != sizeof data) {
      printf(1, "stressfs: write failed\n");
      break;
    }
  close(fd);

  printf(1, "stressfs: worker %d reading\n", me);
  fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf(1, "stressfs: cannot reopen %s\n", path);
    exit();
  }
  for (int i = 0; i < CHUNKS; i++) {
    if (read(fd, data, sizeof data) != sizeof data) {
      printf(1, "stressfs: short read\n");
      break;
    }
    for (uint j = 0; j < sizeof data; j++)
      if (data[j] != 'a' + me) {
        printf(1, "stressfs: wrong data in %s\n", path);
        exit();
      }
  }
  close(fd);

  wait();
  exit();
}
