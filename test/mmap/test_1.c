// Anonymous mmap: page-aligned results at or above MMAP_BASE, below KERNBASE,
// never overlapping, lengths rounded up to whole pages; the course's call
// form mmap(0, n, 0, 0, -1, 0) gives private read+write memory.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define N 10

int
main(int argc, char *argv[])
{
  int sizes[N] = { 1, 100, 4096, 4097, 8192, 3 * 4096 + 5, 10 * 4096, 1, 65536, 4095 };
  uint a[N];
  int got = 1, aligned = 1, distinct = 1, rounded = 1;

  for (int i = 0; i < N; i++) {
    char *p = mmap(0, sizes[i], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || p == 0) {
      printf(1, "mmap %d of %d bytes failed\n", i, sizes[i]);
      got = 0;
      a[i] = 0;
      continue;
    }
    a[i] = (uint)p;
    if (a[i] % PGSIZE || a[i] < MMAP_BASE || a[i] + PGROUNDUP(sizes[i]) > KERNBASE ||
        a[i] + PGROUNDUP(sizes[i]) < a[i]) {
      printf(1, "mapping %d at 0x%x\n", i, a[i]);
      aligned = 0;
    }
  }
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++)
      if (a[i] && a[j] && overlaps(a[i], PGROUNDUP(sizes[i]), a[j], PGROUNDUP(sizes[j]))) {
        printf(1, "mappings %d (0x%x) and %d (0x%x) overlap\n", i, a[i], j, a[j]);
        distinct = 0;
      }
  for (int i = 0; i < N; i++) {
    struct pmap_entry *e = a[i] ? entry_at(a[i]) : 0;
    if (e == 0 || e->end - e->start != PGROUNDUP(sizes[i])) {
      printf(1, "mapping %d: pmap entry wrong\n", i);
      rounded = 0;
      continue;
    }
    // The last byte of the rounded length is usable.
    char *p = (char *)a[i];
    p[PGROUNDUP(sizes[i]) - 1] = 'z';
    p[0] = 'a';
    if (p[PGROUNDUP(sizes[i]) - 1] != 'z' || p[0] != 'a')
      rounded = 0;
  }
  report("ten anonymous mappings succeed", got);
  report("each is page-aligned, in [0x40000000, KERNBASE)", aligned);
  report("no two overlap", distinct);
  report("lengths rounded up to whole pages", rounded);

  // The course's form.
  char *c = mmap(0, 5000, 0, 0, -1, 0);
  int course_ok = c != MAP_FAILED && (uint)c % PGSIZE == 0 && (uint)c >= MMAP_BASE;
  for (int i = 0; course_ok && i < N; i++)
    if (overlaps((uint)c, 2 * PGSIZE, a[i], PGROUNDUP(sizes[i])))
      course_ok = 0;
  if (course_ok) {
    struct pmap_entry *e = entry_at((uint)c);
    course_ok = e && e->end - e->start == 2 * PGSIZE &&
                (e->prot & (PROT_READ | PROT_WRITE)) == (PROT_READ | PROT_WRITE) &&
                (e->flags & MAP_PRIVATE) && !(e->flags & MAP_SHARED) && !e->fd_backed;
  }
  if (course_ok) {
    c[0] = 1;
    c[2 * PGSIZE - 1] = 2;
    course_ok = c[0] == 1 && c[2 * PGSIZE - 1] == 2 && c[PGSIZE] == 0;
  }
  report("course form mmap(0, n, 0, 0, -1, 0) is private read+write", course_ok);

  // fd is ignored for MAP_ANONYMOUS, even when it names an open file.
  char *d = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 1, 0);
  struct pmap_entry *e = d == MAP_FAILED ? 0 : entry_at((uint)d);
  report("MAP_ANONYMOUS ignores fd", e && !e->fd_backed && d[100] == 0);
  exit();
}
