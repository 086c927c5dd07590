// xorshift32 (Marsaglia): three shifts per number, never zero once seeded.
#include "types.h"
#include "xrand.h"

static uint state = 0x12345;

void xrand_seed(uint a, uint b) {
  // Spread seed and stream over the word (two odd multipliers), then warm
  // up so close seeds do not start with close numbers.
  state = a * 2654435761u + (b + 1) * 0x9E3779B9u;
  if (state == 0)           // the one state xorshift never leaves
    state = 0x12345;
  for (int i = 0; i < 8; i++)
    xrand();
}

uint xrand(void) {
  uint x = state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  state = x;
  return x;
}

uint xrand_below(uint n) {
  return n ? xrand() % n : 0;
}
