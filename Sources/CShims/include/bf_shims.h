#ifndef BF_SHIMS_H
#define BF_SHIMS_H

/// Software prefetch: record walks are bound by memory latency, and asking for
/// a line a few KiB ahead lets the hardware overlap the misses.
static inline void bf_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#include <stddef.h>
#include <stdint.h>

/// Guards a read-only file mapping against the file shrinking while it is read
/// (SIGBUS): returns a slot, or -1 when it could not be guarded.
int bf_guard_register(const void *base, size_t length);
void bf_guard_unregister(int slot);
/// Offset in the mapping where the file was found to have shrunk, or -1.
intptr_t bf_guard_fault_offset(int slot);

/// Keeps freed memory in the heap for reuse (glibc would map and unmap every large
/// block, and the kernel zeroes each page of a new mapping again).
void bf_keep_freed_memory(void);

#endif
