// exec of hand-made ELF files: a segment whose file offset and address
// differ mod 4096 (as old -N links made them) is read whole and runs; a
// segment mapped from the file with a bss runs and can use its bss; bad
// segments (memsz < filesz, below USERBASE, wrapping, program headers past
// the end of the file) make exec fail cleanly: it returns -1 and the
// process goes on in its old image.
#include "types.h"
#include "user.h"
#include "fcntl.h"
#include "killwhy.h"

#define PGSIZE 4096

#define PROG "t74elf"
#define EHSIZE 52
#define PHSIZE 32
#define CODE (EHSIZE + PHSIZE)   // file offset of the code

static uchar file[8192];

static void put32(int at, uint v) {
  for (int i = 0; i < 4; i++)
    file[at + i] = v >> (8 * i);
}

static void put16(int at, uint v) {
  file[at] = v;
  file[at + 1] = v >> 8;
}

// An ELF file of len bytes with one PT_LOAD and code that stores 1 into
// (and loads from) address probe, then calls exit(). Returns len.
static int make_elf(uint off, uint vaddr, uint filesz, uint memsz, uint entry, uint probe,
                    int phnum, int len) {
  memset(file, 0, sizeof(file));
  file[0] = 0x7f; file[1] = 'E'; file[2] = 'L'; file[3] = 'F';
  file[4] = 1; file[5] = 1; file[6] = 1;      // 32-bit, little-endian, version 1
  put16(16, 2);                               // executable
  put16(18, 3);                               // i386
  put32(20, 1);
  put32(24, entry);
  put32(28, EHSIZE);                          // program headers
  put16(40, EHSIZE);
  put16(42, PHSIZE);
  put16(44, phnum);
  put32(EHSIZE + 0, 1);                       // PT_LOAD
  put32(EHSIZE + 4, off);
  put32(EHSIZE + 8, vaddr);
  put32(EHSIZE + 12, vaddr);
  put32(EHSIZE + 16, filesz);
  put32(EHSIZE + 20, memsz);
  put32(EHSIZE + 24, 7);                      // read, write, execute
  put32(EHSIZE + 28, 4096);
  uchar code[] = {
    0xc7, 0x05, 0, 0, 0, 0, 1, 0, 0, 0,       // movl $1, probe
    0x8b, 0x1d, 0, 0, 0, 0,                   // movl probe, %ebx
    0xb8, 2, 0, 0, 0,                         // movl $SYS_exit, %eax
    0xcd, 0x40,                               // int $T_SYSCALL
    0xeb, 0xfe,                               // jmp .
  };
  for (uint i = 0; i < sizeof(code); i++)
    file[CODE + i] = code[i];
  put32(CODE + 2, probe);
  put32(CODE + 12, probe);
  return len;         // the code, padded with zeros
}

enum outcome { EXEC_FAILED, RAN, KILLED, BROKEN };

// Write the file, exec it in a child: did exec fail, or did the program
// run (and exit by itself, or get killed)?
static enum outcome run(int len) {
  unlink(PROG);
  int fd = open(PROG, O_CREATE | O_RDWR);
  if (fd < 0 || write(fd, file, len) != len)
    return BROKEN;
  close(fd);
  int fds[2];
  if (pipe(fds) < 0)
    return BROKEN;
  int pid = fork();
  if (pid < 0)
    return BROKEN;
  if (pid == 0) {
    close(fds[0]);
    char *argv[] = { PROG, 0 };
    exec(PROG, argv);
    write(fds[1], "f", 1);   // still here, in the old image
    exit();
  }
  close(fds[1]);
  char c;
  int failed = read(fds[0], &c, 1) == 1 && c == 'f';
  close(fds[0]);
  int why = kill_reason_of(pid);
  wait();
  if (failed)
    return EXEC_FAILED;
  return why == KILL_NONE ? RAN : KILLED;
}

static void report(char *what, int ok) {
  printf(1, "XV6_TEST_OUTPUT %s: %s\n", what, ok ? "ok" : "FAIL");
}

int
main(int argc, char *argv[])
{
  int len;
  // Offset 84 at address 0x1000: not congruent mod 4096.
  len = make_elf(CODE, 0x1000, 32, 0x2000, 0x1000, 0x2ff0, 1, CODE + 32);
  report("a segment not congruent to its offset runs (read whole at exec)", run(len) == RAN);
  // The whole file (a page and a bit) at 0x1000: code at 0x1054 on the
  // first page, which is mapped from the file; bss up to 0x4000.
  len = make_elf(0, 0x1000, PGSIZE + 32, 0x3000, 0x1000 + CODE, 0x3ff0, 1, PGSIZE + 32);
  report("a segment mapped from the file runs and uses its bss", run(len) == RAN);
  len = make_elf(0, 0x1000, CODE + 32, CODE, 0x1000 + CODE, 0x1ff0, 1, CODE + 32);
  report("memsz < filesz: exec fails", run(len) == EXEC_FAILED);
  len = make_elf(0, 0, CODE + 32, 0x2000, CODE, 0x1ff0, 1, CODE + 32);
  report("a segment at address 0: exec fails", run(len) == EXEC_FAILED);
  len = make_elf(0, 0xfffff000, CODE + 32, 0x2000, 0xfffff000 + CODE, 0x1ff0, 1, CODE + 32);
  report("a segment that wraps around: exec fails", run(len) == EXEC_FAILED);
  len = make_elf(0, 0x1000, CODE + 32, 0x2000, 0x1000 + CODE, 0x1ff0, 8, CODE + 32);
  report("program headers past the end of the file: exec fails", run(len) == EXEC_FAILED);
  unlink(PROG);
  exit();
}
