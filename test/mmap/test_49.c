// fork shares the heap copy-on-write: the child costs page tables, not a
// copy of every page; a store copies just the page stored to, and each
// process keeps seeing its own data. freepages() counts what is free.
#include "mmtest.h"

#define HEAP_PAGES 256          // 1 MiB
#define FEW 16                  // page tables, kernel stack, a stack page or two

int
main(int argc, char *argv[])
{
  char *heap = sbrk(HEAP_PAGES * PGSIZE);
  if (heap == (char *)-1) {
    report("sbrk 1 MiB", 0);
    exit();
  }
  for (int i = 0; i < HEAP_PAGES; i++)
    heap[i * PGSIZE] = 'p';
  int before = freepages();
  int pid = fork();
  if (pid == 0) {
    int in_child = freepages();
    report("fork costs a few pages, not a copy of the heap", before - in_child < FEW);
    int same = 1;
    for (int i = 0; i < HEAP_PAGES; i++)
      same &= heap[i * PGSIZE] == 'p';
    report("the child reads the parent's heap", same);
    int reads = freepages();
    report("reading copies nothing", reads == in_child);
    heap[0] = 'c';
    int one = freepages();
    report("a store copies one page", in_child - one >= 1 && in_child - one <= 2);
    for (int i = 0; i < HEAP_PAGES; i++)
      heap[i * PGSIZE] = 'c';
    int all = freepages();
    report("storing to every page copies them all", one - all >= HEAP_PAGES - 1);
    exit();
  }
  wait();
  int same = 1;
  for (int i = 0; i < HEAP_PAGES; i++)
    same &= heap[i * PGSIZE] == 'p';
  report("the parent's heap is untouched by the child's stores", same);
  heap[PGSIZE] = 'q';
  report("the parent stores again without a copy", freepages() == before && heap[PGSIZE] == 'q');
  sbrk(-HEAP_PAGES * PGSIZE);
  exit();
}
