// After sbrk grows the heap, fork shares it copy-on-write: the child costs
// page tables, not heap pages (free pages drop by far less than the heap
// while it runs); the child's stores into every heap page copy them (free
// pages then drop by the heap) and stay its own; the parent's heap is
// unchanged, and every page comes back when the child exits.
#include "types.h"
#include "user.h"
#include "mmtest.h"

#define N 256

int
main(int argc, char *argv[])
{
  int c2p[2], p2c[2];
  pipe_or_exit(c2p);
  pipe_or_exit(p2c);
  char *heap = sbrk(N * PGSIZE);
  if (heap == (char *)-1) {
    report("sbrk", 0);
    exit();
  }
  for (int i = 0; i < N; i++)
    heap[i * PGSIZE] = i;
  int before = freepages();

  int pid = fork_with_pipes(p2c, c2p);
  if (pid < 0) {
    report("fork", 0);
    exit();
  }
  char c;
  if (pid == 0) {
    write(c2p[1], "r", 1);
    read(p2c[0], &c, 1);
    int ok = 1;
    for (int i = 0; i < N; i++) {
      ok &= heap[i * PGSIZE] == (char)i;
      heap[i * PGSIZE] = 'c';
    }
    write(c2p[1], ok ? "y" : "n", 1);
    read(p2c[0], &c, 1);
    exit();
  }
  read(c2p[0], &c, 1);
  int shared = freepages();
  printf(1, "fork cost %d pages\n", before - shared);
  report("fork shares the heap: free pages drop by far less than the heap",
         before - shared < N / 8);
  write(p2c[1], "w", 1);
  c = 0;
  read(c2p[0], &c, 1);
  report("the child sees the heap and stores into every page", c == 'y');
  report("its stores copied the pages", shared - freepages() >= N);
  int ok = 1;
  for (int i = 0; i < N; i++)
    ok &= heap[i * PGSIZE] == (char)i;
  report("the parent's heap is unchanged", ok);
  write(p2c[1], "x", 1);
  wait();
  report("every page back after the child exits", freepages() == before);
  exit();
}
