// sbrk shrinking gives the pages back: free pages drop by what the heap
// grew and come back when it shrinks (also pages a fork still shares
// copy-on-write: they are freed by the last process that maps them).
#include "mmtest.h"

#define PAGES 64

int
main(int argc, char *argv[])
{
  // Start at a page boundary, with the heap's page table already made.
  uint end = (uint)sbrk(0);
  sbrk(PGSIZE - end % PGSIZE);
  char *probe = sbrk(PGSIZE);
  *probe = 1;
  sbrk(-PGSIZE);

  int before = freepages();
  char *heap = sbrk(PAGES * PGSIZE);
  if (heap == (char *)-1) {
    report("sbrk 64 pages", 0);
    exit();
  }
  for (int i = 0; i < PAGES; i++)
    heap[i * PGSIZE] = 'h';
  int grown = freepages();
  report("growing takes the pages", before - grown >= PAGES && before - grown <= PAGES + 1);
  sbrk(-PAGES / 2 * PGSIZE);
  report("shrinking by half gives half back", freepages() - grown == PAGES / 2);
  sbrk(-PAGES / 2 * PGSIZE);
  report("shrinking the rest gives them all back", freepages() == before);

  // Pages a child still shares go back when the last one lets go.
  heap = sbrk(PAGES * PGSIZE);
  for (int i = 0; i < PAGES; i++)
    heap[i * PGSIZE] = 'h';
  int p[2];
  if (pipe(p) < 0) {             // (out of memory under FAULTS)
    report("a pipe", 0);
    exit();
  }
  int pid = fork();
  if (pid == 0) {
    char c;
    read(p[0], &c, 1);           // hold the shared heap until told
    exit();
  }
  int shared = freepages();
  sbrk(-PAGES * PGSIZE);
  report("shrinking a shared heap frees nothing yet", freepages() - shared < PAGES / 2);
  write(p[1], "x", 1);
  wait();
  close(p[0]);
  close(p[1]);
  report("the child's exit frees the rest", freepages() == before);
  exit();
}
