// pmap [pid]: show the memory regions (mmap mappings) of a process.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"

#define MAX_SHOWN 100

static void show(struct pmap_entry *e) {
  uint pages = (e->end - e->start) / 4096;
  char perm[5];
  perm[0] = (e->prot & PROT_READ) ? 'r' : '-';
  perm[1] = (e->prot & PROT_WRITE) ? 'w' : '-';
  perm[2] = (e->prot & PROT_EXEC) ? 'x' : '-';
  perm[3] = (e->flags & MAP_SHARED) ? 's' : 'p';
  perm[4] = 0;
  printf(1, "0x%x-0x%x %d pages %s %s offset %d resident %d\n",
         e->start, e->end, pages, perm, e->fd_backed ? "file" : "anon",
         e->offset, e->resident);
}

int main(int argc, char *argv[]) {
  static struct pmap_entry entries[MAX_SHOWN];
  int pid = argc > 1 ? atoi(argv[1]) : 0;
  int n = pmap(pid, entries, MAX_SHOWN);
  if (n < 0) {
    printf(2, "pmap: no process %d\n", pid);
    exit();
  }
  for (int i = 0; i < n && i < MAX_SHOWN; i++)
    show(&entries[i]);
  printf(1, "%d region%s\n", n, n == 1 ? "" : "s");
  exit();
}
