// Example OSTEP-format test: a child computes a value and sends it through a pipe;
// the parent prints it after wait(). Exercises fork, pipe, read/write, exit, wait.
#include "types.h"
#include "stat.h"
#include "user.h"

int
main(int argc, char *argv[])
{
  int fds[2], pid, value = 0, i;

  if(pipe(fds) < 0){
    printf(1, "XV6_TEST_OUTPUT pipe failed\n");
    exit();
  }
  pid = fork();
  if(pid < 0){
    printf(1, "XV6_TEST_OUTPUT fork failed\n");
    exit();
  }
  if(pid == 0){
    close(fds[0]);
    for(i = 1; i <= 10; i++)
      value += i * i;
    write(fds[1], &value, sizeof(value));
    close(fds[1]);
    exit();
  }
  close(fds[1]);
  if(read(fds[0], &value, sizeof(value)) != sizeof(value))
    printf(1, "XV6_TEST_OUTPUT short read\n");
  close(fds[0]);
  if(wait() != pid)
    printf(1, "XV6_TEST_OUTPUT wait returned the wrong pid\n");
  printf(1, "XV6_TEST_OUTPUT child computed %d\n", value);
  exit();
}
