// cachestat: print the file page cache's counters (memstat()).
//
//   cachestat    one line: pages cached, of them dirty (stored into
//                through a mapping, not yet written back), pages reclaim
//                has freed since boot, free pages, disk blocks read and
//                written since boot
#include "types.h"
#include "user.h"
#include "memstat.h"

int main(void) {
  struct memstat m;
  memset(&m, 0, sizeof(m));
  if (memstat(&m) < 0) {
    printf(2, "cachestat: memstat failed\n");
    exit();
  }
  printf(1, "cached %d dirty %d reclaimed %d free %d disk_reads %d disk_writes %d\n",
         m.cached_pages, m.dirty_pages, m.reclaimed_pages, m.free_pages, m.disk_reads,
         m.disk_writes);
  exit();
}
