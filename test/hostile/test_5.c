// A removed directory stays a dead end. Once a directory is unlinked
// (link count 0), nothing can be created in it (mkdir, open O_CREATE,
// mknod, link: -1), and its ".." leads nowhere (-1), because the parent
// it named may be gone too. A kernel that lets mkdir bring the directory
// back, or follows ".." to a freed inode, panics "ilock: inode is free
// on disk". The on-disk inodes all come back once the attacker (whose
// current directory kept the dead one alive) has exited.
#include "hostile.h"

// The sequence of the issue: a directory made inside a removed one.
static void inside_removed(void) {
  int ok = mkdir("/h5d") == 0 && chdir("/h5d") == 0 && unlink("../h5d") == 0;
  report("remove the current directory", ok);
  int fd = open("f", O_CREATE | O_RDWR);
  if (fd >= 0)
    close(fd);
  report("mkdir, open O_CREATE, mknod, link in it fail",
         mkdir("x") < 0 && fd < 0 && mknod("n", 1, 1) < 0 && link("/hostile.5", "l") < 0);
  report("chdir x, unlink ../x fail", chdir("x") < 0 && unlink("../x") < 0);
  report("chdir .. from it fails", chdir("..") < 0);
  struct stat st;
  fd = open(".", O_RDONLY);
  ok = fd >= 0 && fstat(fd, &st) == 0 && st.type == T_DIR && st.nlink == 0;
  if (fd >= 0)
    close(fd);
  report("\".\" is still the (empty, unlinked) directory", ok);
  report("chdir / works", chdir("/") == 0);
}

// The parent of a removed directory is removed as well and freed: ".."
// must not reach it.
static void parent_removed(void) {
  int ok = mkdir("/h5a") == 0 && mkdir("/h5a/b") == 0 && chdir("/h5a/b") == 0 &&
           unlink("/h5a/b") == 0 && unlink("/h5a") == 0;
  report("remove the current directory and its parent", ok);
  report("chdir .. and open ../.. fail", chdir("..") < 0 && open("../..", O_RDONLY) < 0);
  report("chdir / works", chdir("/") == 0);
}

int main(int argc, char *argv[]) {
  // What an earlier, interrupted run may have left.
  unlink("/h5a/b");
  unlink("/h5a");
  unlink("/h5d");
  int fd = open("/hostile.5", O_CREATE | O_RDWR);
  if (fd >= 0)
    close(fd);
  struct baseline b;
  baseline_take(&b);
  int inodes = free_inodes();
  attacker(inside_removed);
  attacker(parent_removed);
  report("free on-disk inodes back", free_inodes() == inodes);
  report("kernel counters back where they were", baseline_back(&b));
  unlink("/hostile.5");
  exit();
}
