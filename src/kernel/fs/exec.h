// Replace the current process's user image with an ELF program.
#ifndef KERNEL_FS_EXEC_H
#define KERNEL_FS_EXEC_H

// path and argv (a 0-terminated array of at most MAXARG-1 strings) are
// kernel memory: sys_exec copies them in, so that nothing changes them
// while exec measures and copies them. Returns -1 with the old image intact
// on failure; on success does not return to the old image (returns 0,
// and the system call returns to the new program).
int exec(char *path, char **argv);

#endif
