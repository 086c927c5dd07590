// Randomized mmap/MAP_FIXED/munmap/mprotect against a model of the
// address space (4000 steps, fixed seed): kernel-placed mappings never
// overlap live ones, MAP_FIXED replaces, munmap and mprotect split,
// mprotect over a hole fails, pmap's regions match the model exactly,
// and every readable page still holds the tag written when it was mapped.
// Exercises the region tree's rebalancing and its cached gap sizes.
#include "types.h"
#include "user.h"
#include "mman.h"
#include "memstat.h"
#include "mmtest.h"

#define BASE 0x40000000u
#define NPG 512                  // model covers [BASE, BASE + NPG pages)
#define STEPS 4000

int owner[NPG];                  // region id per page, 0 = unmapped
int prot[NPG];
uint seed = 12345;
int next_id = 1;
int bad;                         // first failure, reported once
int placed, dropped, maxregions;  // statistics, printed for information

uint rnd(uint n) {
  seed = seed * 1103515245 + 12345;
  return (seed >> 8) % n;
}

char *page(int i) { return (char *)(BASE + i * PGSIZE); }
uint tag(int i) { return 0x7a000000 + i; }

void fail(int step, char *why) {
  if (!bad)
    printf(1, "step %d: %s\n", step, why);
  bad = 1;
}

// Map n fresh pages at i.. as region `id`, touching each with its tag.
void fill(int i, int n, int id) {
  for (int k = i; k < i + n; k++) {
    owner[k] = id;
    prot[k] = RW;
    *(uint *)page(k) = tag(k);
  }
}

int mapped_range(int i, int n) {
  for (int k = i; k < i + n; k++)
    if (!owner[k])
      return 0;
  return 1;
}

// Regions in the model: runs of pages with the same id (the kernel never
// merges regions, so every split gives pieces new ids).
int model_regions(void) {
  int n = 0;
  for (int k = 0; k < NPG; k++)
    if (owner[k] && (k == 0 || owner[k - 1] != owner[k]))
      n++;
  return n;
}

void verify(int step) {
  int n = pmap(0, ents, 146);
  if (n > maxregions)
    maxregions = n;
  if (n != model_regions()) {
    printf(1, "pmap has %d regions, model %d\n", n, model_regions());
    fail(step, "region count differs");
    return;
  }
  int e = 0;
  for (int k = 0; k < NPG && e < n && e < 146; k++) {
    if (!owner[k] || (k > 0 && owner[k - 1] == owner[k]))
      continue;
    int j = k;
    while (j < NPG && owner[j] == owner[k])
      j++;
    if (ents[e].start != (uint)page(k) || ents[e].end != (uint)page(j) || ents[e].prot != prot[k]) {
      printf(1, "region %d: pmap 0x%x-0x%x prot %d, model 0x%x-0x%x prot %d\n", e,
             ents[e].start, ents[e].end, ents[e].prot, page(k), page(j), prot[k]);
      fail(step, "region differs");
      return;
    }
    e++;
  }
  for (int k = 0; k < NPG; k++)
    if (owner[k] && (prot[k] & PROT_READ) && *(uint *)page(k) != tag(k)) {
      printf(1, "page %d holds 0x%x\n", k, *(uint *)page(k));
      fail(step, "page lost its tag");
      return;
    }
}

int
main(int argc, char *argv[])
{
  int t0 = uptime();
  for (int step = 0; step < STEPS && !bad; step++) {
    int op = rnd(10);
    int n = 1 + rnd(rnd(4) == 0 ? 24 : 4);
    int i = rnd(NPG - n);
    if (op < 4) {                                   // kernel-placed mmap
      char *p = mmap(0, n * PGSIZE, RW, ANON, -1, 0);
      if (p == MAP_FAILED) {
        fail(step, "mmap failed");
        break;
      }
      int at = ((uint)p - BASE) / PGSIZE;
      if ((uint)p < BASE || at + n > NPG) {
        munmap(p, n * PGSIZE);                      // outside the model: fine, drop it
        dropped++;
        continue;
      }
      placed++;
      for (int k = at; k < at + n; k++)
        if (owner[k])
          fail(step, "kernel placed a mapping over a live one");
      fill(at, n, next_id++);
    } else if (op < 5) {                            // MAP_FIXED replace
      if (mmap(page(i), n * PGSIZE, RW, ANON | MAP_FIXED, -1, 0) != page(i))
        fail(step, "MAP_FIXED failed");
      fill(i, n, next_id++);
    } else if (op < 8) {                            // munmap
      if (munmap(page(i), n * PGSIZE) != 0)
        fail(step, "munmap failed");
      for (int k = i; k < i + n; k++)
        owner[k] = 0;
      // A region cut in two: its tail is a region of its own.
      if (i > 0 && i + n < NPG && owner[i - 1] && owner[i - 1] == owner[i + n]) {
        int old = owner[i + n], id = next_id++;
        for (int k = i + n; k < NPG && owner[k] == old; k++)
          owner[k] = id;
      }
    } else {                                        // mprotect
      int pr = rnd(3) == 0 ? PROT_READ : RW;
      int want = mapped_range(i, n) ? 0 : -1;
      if (mprotect(page(i), n * PGSIZE, pr) != want)
        fail(step, want ? "mprotect over a hole did not fail" : "mprotect failed");
      if (want == 0) {
        // The range's part of each region it covers becomes a region.
        int old = -1, id = 0;
        for (int k = i; k < i + n; k++) {
          if (owner[k] != old) {
            old = owner[k];
            id = next_id++;
          }
          owner[k] = id;
          prot[k] = pr;
        }
      }
    }
    if (step % 50 == 49)
      verify(step);
  }
  if (!bad)
    verify(STEPS);
  printf(1, "%d kernel placements checked, %d outside the model, up to %d regions\n",
         placed, dropped, maxregions);
  report("4000 random mmap/MAP_FIXED/munmap/mprotect steps match the model", !bad);
  munmap(page(0), NPG * PGSIZE);
  munmap((void *)BASE, 0x80000000u - BASE);
  report("everything unmapped at the end", pmap(0, ents, 146) == 0);
  printf(1, "ticks: %d\n", uptime() - t0);   // for a reader; speed lives in bench/
  exit();
}
