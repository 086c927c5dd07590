// Fault injection (see faultinject.h for the flag's syntax).
#include "types.h"
#include "param.h"
#include "memstat.h"
#include "arch/fwcfg.h"
#include "lock/spinlock.h"
#include "proc/proc.h"
#include "mm/faultinject.h"
#include "mm/kmalloc.h"
#include "dev/console.h"
#include "lib/klib.h"

static struct {
  struct spinlock lock;
  int armed;
  uint one_in[FAULT_NSITES];     // 0: never fail
  uint seed;
  uint state;                    // xorshift32 state
  int user_only;
  uint attempts[FAULT_NSITES];   // allocations that could have failed
  uint injected[FAULT_NSITES];   // failures we caused
} fi;

static const char *site_names[FAULT_NSITES] = { "kalloc", "kmalloc" };

// Parse an unsigned decimal number at *s; advance *s. -1 if none.
static int parse_uint(const char **s, uint *out) {
  const char *p = *s;
  uint v = 0;
  if (*p < '0' || *p > '9')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++)
    v = v * 10 + (*p - '0');
  *s = p;
  *out = v;
  return 0;
}

static int key_is(const char *s, const char *key) {
  int n = strlen(key);
  return strncmp(s, key, n) == 0 && s[n] == '=';
}

// The test runner validates the flag before booting; this parser is
// strict anyway and refuses the whole flag on any error.
static int parse(const char *s) {
  while (*s) {
    uint v;
    int site = -1;
    for (int i = 0; i < FAULT_NSITES; i++)
      if (key_is(s, site_names[i]))
        site = i;
    if (site >= 0) {
      s += strlen(site_names[site]) + 1;
      if (parse_uint(&s, &v) < 0 || v != 1 || *s++ != '/' || parse_uint(&s, &v) < 0 || v == 0)
        return -1;
      fi.one_in[site] = v;
    } else if (key_is(s, "seed")) {
      s += 5;
      if (parse_uint(&s, &v) < 0)
        return -1;
      fi.seed = v;
    } else if (key_is(s, "user")) {
      s += 5;
      if (parse_uint(&s, &v) < 0 || v > 1)
        return -1;
      fi.user_only = v;
    } else {
      return -1;
    }
    if (*s == ',')
      s++;
    else if (*s)
      return -1;
  }
  return 0;
}

static int kmalloc_should_fail(uint n) {
  (void)n;
  return fault_should_fail(FAULT_KMALLOC);
}

void faultinject_init(void) {
  char flag[128];
  initlock(&fi.lock, "faultinject");
  fi.seed = 1;
  fi.user_only = 1;
  if (fwcfg_read_file("opt/xv6/faults", flag, sizeof(flag)) < 0)
    return;
  if (parse(flag) < 0) {
    cprintf("faults: ignoring malformed flag \"%s\"\n", flag);
    memset(fi.one_in, 0, sizeof(fi.one_in));
    return;
  }
  fi.state = fi.seed ? fi.seed : 0x9E3779B9;
  fi.armed = 1;
  if (fi.one_in[FAULT_KMALLOC])
    kmalloc_failhook = kmalloc_should_fail;
  cprintf("faults: armed");
  for (int i = 0; i < FAULT_NSITES; i++)
    if (fi.one_in[i])
      cprintf(" %s=1/%d", site_names[i], fi.one_in[i]);
  cprintf(" seed=%d user=%d\n", fi.seed, fi.user_only);
}

static uint next_random(void) {
  uint x = fi.state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  fi.state = x;
  return x;
}

int fault_should_fail(enum fault_site site) {
  if (!fi.armed || fi.one_in[site] == 0)
    return 0;
  struct proc *p = myproc();
  if (p == 0 || (fi.user_only && p->pid <= 1))
    return 0;
  acquire(&fi.lock);
  fi.attempts[site]++;
  int fail = next_random() % fi.one_in[site] == 0;
  if (fail)
    fi.injected[site]++;
  release(&fi.lock);
  return fail;
}

void faultinject_stats(struct faultstat *st) {
  memset(st, 0, sizeof(*st));
  if (!fi.armed)
    return;
  acquire(&fi.lock);
  st->armed = 1;
  st->kalloc_attempts = fi.attempts[FAULT_KALLOC];
  st->kalloc_injected = fi.injected[FAULT_KALLOC];
  st->kmalloc_attempts = fi.attempts[FAULT_KMALLOC];
  st->kmalloc_injected = fi.injected[FAULT_KMALLOC];
  release(&fi.lock);
}
