// A small seeded pseudo-random generator for the fuzzers (xorshift32, one
// generator per process): the same seed gives the same sequence on every
// run and every xv6, so a failing run can be replayed from its seed. After
// fork each process continues its own copy of the state.
#ifndef XV6_XRAND_H
#define XV6_XRAND_H

#include "types.h"

void xrand_seed(uint a, uint b);  // start the sequence for seed a, stream b
uint xrand(void);                 // the next 32 random bits
uint xrand_below(uint n);         // a number in [0, n), or 0 when n is 0

#endif
