// A file mapped for reading that another process truncates raises SIGBUS on the next
// access past the new end, which would kill the scan. The guard catches SIGBUS for
// faults inside registered mappings, maps anonymous memory over the vanished part
// (its first MiB filled with 0xFF, so the capture reader sees an impossible record
// length and stops), and records where it happened. Other SIGBUS faults go to the
// handler that was there before (the Swift runtime's crash report).
#include "bf_shims.h"
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BF_GUARD_SLOTS 256
#define BF_FILL_BYTES (1u << 20)

static _Atomic(uintptr_t) guard_start[BF_GUARD_SLOTS];
static _Atomic(uintptr_t) guard_end[BF_GUARD_SLOTS];
static _Atomic(intptr_t) guard_fault[BF_GUARD_SLOTS];
static atomic_int guard_installed;
static struct sigaction guard_previous;
static uintptr_t guard_page = 4096;

static void guard_handler(int sig, siginfo_t *info, void *context) {
    uintptr_t address = (uintptr_t)info->si_addr;
    // Only a fault on a page with no file behind it is ours; a signal sent by kill(),
    // a hardware error and the like go to the previous handler.
    for (int i = 0; info->si_code == BUS_ADRERR && i < BF_GUARD_SLOTS; i++) {
        uintptr_t start = atomic_load(&guard_start[i]);
        uintptr_t end = atomic_load(&guard_end[i]);
        // The slot may be given up and taken again between the two loads: start again.
        if (atomic_load(&guard_start[i]) != start) continue;
        if (start == 0 || start == (uintptr_t)-1 || address < start || address >= end) continue;
        uintptr_t page = address & ~(guard_page - 1);
        void *p = mmap((void *)page, end - page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) break;
        size_t fill = end - page < BF_FILL_BYTES ? end - page : BF_FILL_BYTES;
        memset(p, 0xFF, fill);
        intptr_t none = -1;
        atomic_compare_exchange_strong(&guard_fault[i], &none, (intptr_t)(page - start));
        return;   // the faulting read is retried and now sees the filler
    }
    // Not ours: the previous handler decides. A fault re-raises itself when the
    // instruction runs again; a sent signal would not, so it is raised once more.
    sigaction(SIGBUS, &guard_previous, NULL);
    if (info->si_code <= 0) raise(sig);
    (void)context;
}

int bf_guard_register(const void *base, size_t length) {
    if (base == NULL || length == 0) return -1;
    int expected = 0;
    if (atomic_compare_exchange_strong(&guard_installed, &expected, 1)) {
        guard_page = (uintptr_t)sysconf(_SC_PAGESIZE);
        for (int i = 0; i < BF_GUARD_SLOTS; i++) atomic_store(&guard_fault[i], -1);
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = guard_handler;
        action.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&action.sa_mask);
        sigaction(SIGBUS, &action, &guard_previous);
        atomic_store(&guard_installed, 2);
    }
    while (atomic_load(&guard_installed) != 2) { }
    uintptr_t end = ((uintptr_t)base + length + guard_page - 1) & ~(guard_page - 1);
    for (int i = 0; i < BF_GUARD_SLOTS; i++) {
        uintptr_t free_slot = 0;
        if (atomic_compare_exchange_strong(&guard_start[i], &free_slot, (uintptr_t)-1)) {
            atomic_store(&guard_fault[i], -1);
            atomic_store(&guard_end[i], end);
            atomic_store(&guard_start[i], (uintptr_t)base);
            return i;
        }
    }
    return -1;   // all slots busy: this mapping is simply not guarded
}

void bf_guard_unregister(int slot) {
    if (slot < 0 || slot >= BF_GUARD_SLOTS) return;
    atomic_store(&guard_end[slot], 0);
    atomic_store(&guard_start[slot], 0);
}

intptr_t bf_guard_fault_offset(int slot) {
    if (slot < 0 || slot >= BF_GUARD_SLOTS) return -1;
    return atomic_load(&guard_fault[slot]);
}
