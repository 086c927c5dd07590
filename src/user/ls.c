// ls: list files. For each entry prints its name (padded to DIRSIZ),
// type, inode number and size.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "fs.h"
#include "user.h"

// The last element of a path, blank-padded to DIRSIZ so columns line up.
static const char *column(const char *path) {
  static char out[DIRSIZ + 1];
  const char *name = path + strlen(path);
  while (name > path && name[-1] != '/')
    name--;
  uint n = strlen(name);
  if (n >= DIRSIZ)
    return name;
  memmove(out, name, (int)n);
  memset(out + n, ' ', DIRSIZ - n);
  out[DIRSIZ] = '\0';
  return out;
}

static void show(const char *path, struct stat *st) {
  printf(1, "%s %d %d %d\n", column(path), st->type, st->ino, st->size);
}

static void ls(const char *path) {
  struct stat st;
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf(2, "ls: %s: no such file or directory\n", path);
    return;
  }
  if (fstat(fd, &st) < 0) {
    printf(2, "ls: %s: fstat failed\n", path);
    close(fd);
    return;
  }
  if (st.type != T_DIR) {
    show(path, &st);
    close(fd);
    return;
  }

  // A directory: stat every entry by its full path "path/name".
  char full[512];
  uint plen = strlen(path);
  if (plen + 1 + DIRSIZ + 1 > sizeof full) {
    printf(2, "ls: %s: name too long\n", path);
    close(fd);
    return;
  }
  strcpy(full, path);
  full[plen] = '/';
  char *slot = full + plen + 1;

  struct dirent de;
  while (read(fd, &de, sizeof de) == sizeof de) {
    if (de.inum == 0)
      continue;
    memmove(slot, de.name, DIRSIZ);
    slot[DIRSIZ] = '\0';  // names of exactly DIRSIZ bytes have no NUL
    if (stat(full, &st) < 0) {
      printf(2, "ls: %s: stat failed\n", full);
      continue;
    }
    show(full, &st);
  }
  close(fd);
}

int main(int argc, char *argv[]) {
  if (argc < 2)
    ls(".");
  for (int i = 1; i < argc; i++)
    ls(argv[i]);
  exit();
}
