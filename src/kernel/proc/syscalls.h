// Every system call handler. Each takes its arguments from the user
// stack (proc/sysargs.h) and returns the value for %eax.
#ifndef KERNEL_PROC_SYSCALLS_H
#define KERNEL_PROC_SYSCALLS_H

// proc/sysproc.c
int sys_fork(void);
int sys_exit(void);
int sys_wait(void);
int sys_kill(void);
int sys_getpid(void);
int sys_sbrk(void);
int sys_sleep(void);
int sys_uptime(void);
int sys_poweroff(void);
int sys_memstat(void);
int sys_faultstat(void);
int sys_procs(void);

// fs/sysfile.c
int sys_pipe(void);
int sys_read(void);
int sys_exec(void);
int sys_fstat(void);
int sys_chdir(void);
int sys_dup(void);
int sys_open(void);
int sys_write(void);
int sys_mknod(void);
int sys_unlink(void);
int sys_link(void);
int sys_mkdir(void);
int sys_close(void);
int sys_lseek(void);

// mm/kmuser.c
int sys_kmalloc(void);
int sys_kmfree(void);
int sys_freepages(void);
int sys_kmstat(void);
int sys_kmtest(void);

// mm/sysmmap.c
int sys_mmap(void);
int sys_munmap(void);
int sys_mprotect(void);
int sys_msync(void);
int sys_fsync(void);
int sys_pmap(void);

#endif
