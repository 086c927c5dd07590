// Partial munmap of the middle page of a 4-page mapping: touching the removed
// page kills the process, the other pages keep their data and stay usable,
// and pmap shows the expected pieces. Private and shared mappings.
// Tests 10, 11 and 12 are one program (munmap_one_page.h); GONE picks the page.
#define GONE 2
#include "munmap_one_page.h"
