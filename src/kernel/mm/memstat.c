// Leak accounting and fault-injection counters for user space.
#include "types.h"
#include "param.h"
#include "kmstat.h"
#include "memstat.h"
#include "proc/proc.h"
#include "proc/sysargs.h"
#include "proc/syscalls.h"
#include "mm/kalloc.h"
#include "mm/kmalloc.h"
#include "mm/mmap.h"
#include "mm/pageset.h"
#include "mm/filemap.h"
#include "mm/faultinject.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "dev/ide.h"
#include "lib/klib.h"

// memstat(struct memstat *): exact counts of what the kernel holds now.
int sys_memstat(void) {
  struct memstat *out;
  if (argptr(0, (char **)&out, sizeof(*out)) < 0)
    return -1;
  struct kmstat km;          // about 230 bytes: fine on the kernel stack
  struct memstat st;
  memset(&st, 0, sizeof(st));

  kmalloc_stat(&km);
  st.km_pages = km.pages;
  for (int i = 0; i < KM_NORDER; i++)
    st.km_live_blocks += km.order[i].live;

  st.free_pages = kmalloc_freepages();
  st.kalloc_free = kfreecount();
  st.regions = mmap_region_count();
  st.pagesets = pageset_count();
  st.open_files = nfiles_in_use();
  st.procs = nprocs_in_use();
  st.disk_writes = ide_writes;
  st.disk_free = fs_free_blocks();
  st.disk_reads = ide_reads;
  filemap_stats(&st.cached_pages, &st.dirty_pages, &st.reclaimed_pages);
  memmove(out, &st, sizeof(st));
  return 0;
}

// faultstat(struct faultstat *): attempts and injected failures so far.
int sys_faultstat(void) {
  struct faultstat *out;
  if (argptr(0, (char **)&out, sizeof(*out)) < 0)
    return -1;
  struct faultstat st;
  faultinject_stats(&st);
  memmove(out, &st, sizeof(st));
  return 0;
}
