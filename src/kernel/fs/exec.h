// Replace the current process's user image with an ELF program.
#ifndef KERNEL_FS_EXEC_H
#define KERNEL_FS_EXEC_H

// argv is a 0-terminated array of at most MAXARG-1 strings (they may
// live in the current user image). Returns -1 with the old image intact
// on failure; on success does not return to the old image (returns 0,
// and the system call returns to the new program).
int exec(char *path, char **argv);

#endif
