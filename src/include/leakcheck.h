// Leak checks for user programs: the memstat() counters that a program
// which cleans up after itself must leave as it found them (free pages,
// kalloc's free list, kmalloc blocks, mmap regions, page sets, open files,
// processes). memleak, mmfuzz, sysfuzz and the hostile tests all compare
// these same counters, with this one piece of code.
#ifndef XV6_LEAKCHECK_H
#define XV6_LEAKCHECK_H

#define LEAK_NCOUNTERS 7

struct leak_counters {
  int v[LEAK_NCOUNTERS];
};

// The counters' names, in the order of leak_counters.v.
extern const char *leak_counter_names[LEAK_NCOUNTERS];

// Read the counters now. -1 if memstat() failed (they are then zero).
int leak_take(struct leak_counters *c);

// Are a and b equal?
int leak_same(const struct leak_counters *a, const struct leak_counters *b);

// Read the counters into now until they equal base, sleeping `pause` ticks
// between looks, at most `looks` times: orphans are reaped by init a
// little later, and exiting processes free their memory a moment after
// wait() returns. 1 if they came back. (Not a time limit on the kernel:
// the answer only waits for the reaping.)
int leak_settle(const struct leak_counters *base, struct leak_counters *now, int looks,
                int pause);

// Print "<who>: LEAK <name> <before> -> <after>" on fd for every counter
// that differs; returns how many did.
int leak_report(int fd, const char *who, const struct leak_counters *before,
                const struct leak_counters *after);

#endif
