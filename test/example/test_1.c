// Example OSTEP-format test: prints a greeting and a value it computes, so a
// wrong answer (or a broken printf) shows up as a difference from 1.out.
// Only the lines containing XV6_TEST_OUTPUT are compared.
#include "types.h"
#include "stat.h"
#include "user.h"

// The n-th Fibonacci number, the slow way: exercises calls and the user stack.
static int
fib(int n)
{
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int
main(int argc, char *argv[])
{
  int i, sum = 0;

  for(i = 1; i <= 100; i++)
    sum += i;
  printf(1, "XV6_TEST_OUTPUT hello from test 1\n");
  printf(1, "XV6_TEST_OUTPUT sum 1..100 = %d, fib(20) = %d\n", sum, fib(20));
  printf(1, "(this line has no marker, so it is not compared)\n");
  exit();
}
