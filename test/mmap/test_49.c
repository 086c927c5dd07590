// fork shares the heap copy-on-write: the child costs page tables, not a
// copy of every page; a store copies just the page stored to, and each
// process keeps seeing its own data. freepages() counts what is free.
#include "types.h"
#include "user.h"

#define PGSIZE 4096
#define HEAP_PAGES 256          // 1 MiB
#define FEW 16                  // page tables, kernel stack, a stack page or two

static void say(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

int
main(int argc, char *argv[])
{
  char *heap = sbrk(HEAP_PAGES * PGSIZE);
  if (heap == (char *)-1) {
    say("sbrk 1 MiB", 0);
    exit();
  }
  for (int i = 0; i < HEAP_PAGES; i++)
    heap[i * PGSIZE] = 'p';
  int before = freepages();
  int pid = fork();
  if (pid == 0) {
    int in_child = freepages();
    say("fork costs a few pages, not a copy of the heap", before - in_child < FEW);
    int same = 1;
    for (int i = 0; i < HEAP_PAGES; i++)
      same &= heap[i * PGSIZE] == 'p';
    say("the child reads the parent's heap", same);
    int reads = freepages();
    say("reading copies nothing", reads == in_child);
    heap[0] = 'c';
    int one = freepages();
    say("a store copies one page", in_child - one >= 1 && in_child - one <= 2);
    for (int i = 0; i < HEAP_PAGES; i++)
      heap[i * PGSIZE] = 'c';
    int all = freepages();
    say("storing to every page copies them all", one - all >= HEAP_PAGES - 1);
    exit();
  }
  wait();
  int same = 1;
  for (int i = 0; i < HEAP_PAGES; i++)
    same &= heap[i * PGSIZE] == 'p';
  say("the parent's heap is untouched by the child's stores", same);
  heap[PGSIZE] = 'q';
  say("the parent stores again without a copy", freepages() == before && heap[PGSIZE] == 'q');
  sbrk(-HEAP_PAGES * PGSIZE);
  exit();
}
