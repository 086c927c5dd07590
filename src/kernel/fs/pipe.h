// Pipes: a bounded in-kernel byte queue with a read end and a write end,
// each reached through its own struct file.
#ifndef KERNEL_FS_PIPE_H
#define KERNEL_FS_PIPE_H

struct file;
struct pipe;

#define PIPESIZE 512   // bytes buffered before writers block

// Make a pipe and two files for it (*rf reads, *wf writes). 0 or -1.
int  pipealloc(struct file **rf, struct file **wf);
// Close one end; the pipe is freed once both ends are closed.
void pipeclose(struct pipe *p, int writable);
// Blocking I/O; addr may be a (validated) user address. pipewrite
// returns n, or -1 if the reader went away or the caller was killed;
// piperead returns 1..n bytes, 0 at end of file, -1 if killed.
int  pipewrite(struct pipe *p, char *addr, int n);
int  piperead(struct pipe *p, char *addr, int n);

#endif
