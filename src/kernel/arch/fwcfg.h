// QEMU's firmware configuration device (fw_cfg): how the boot flags
// given on QEMU's command line (-fw_cfg name=opt/xv6/...,string=...)
// reach the kernel.
#ifndef KERNEL_ARCH_FWCFG_H
#define KERNEL_ARCH_FWCFG_H

// Copy the named fw_cfg file into buf (at most size-1 bytes, NUL
// terminated). Returns its length, or -1 if there is no such file or no
// fw_cfg device.
int fwcfg_read_file(const char *name, char *buf, int size);

// Bytes of RAM QEMU was given (-m), saturated at 4 GiB - 1; 0 if there
// is no fw_cfg device.
uint fwcfg_ram_bytes(void);

#endif
