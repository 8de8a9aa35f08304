// Most shims are header-only (static inline); the ones that need system headers
// Swift's Glibc module leaves out are here.
#include "bf_shims.h"
#include <malloc.h>

void bf_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
}
