// Leak checks: see leakcheck.h.
#include "types.h"
#include "user.h"
#include "memstat.h"
#include "leakcheck.h"

const char *leak_counter_names[LEAK_NCOUNTERS] = {
  "free_pages", "kalloc_free", "km_live_blocks", "regions", "pagesets", "open_files", "procs",
};

int leak_take(struct leak_counters *c) {
  struct memstat m;
  memset(&m, 0, sizeof(m));
  int rc = memstat(&m);
  c->v[0] = m.free_pages;
  c->v[1] = m.kalloc_free;
  c->v[2] = m.km_live_blocks;
  c->v[3] = m.regions;
  c->v[4] = m.pagesets;
  c->v[5] = m.open_files;
  c->v[6] = m.procs;
  return rc < 0 ? -1 : 0;
}

int leak_same(const struct leak_counters *a, const struct leak_counters *b) {
  for (int k = 0; k < LEAK_NCOUNTERS; k++)
    if (a->v[k] != b->v[k])
      return 0;
  return 1;
}

int leak_settle(const struct leak_counters *base, struct leak_counters *now, int looks,
                int pause) {
  for (int t = 0; t < looks; t++) {
    if (t > 0)
      sleep(pause);
    leak_take(now);
    if (leak_same(base, now))
      return 1;
  }
  return 0;
}

int leak_report(int fd, const char *who, const struct leak_counters *before,
                const struct leak_counters *after) {
  int n = 0;
  for (int k = 0; k < LEAK_NCOUNTERS; k++) {
    if (before->v[k] != after->v[k]) {
      printf(fd, "%s: LEAK %s %d -> %d\n", who, leak_counter_names[k], before->v[k],
             after->v[k]);
      n++;
    }
  }
  return n;
}
