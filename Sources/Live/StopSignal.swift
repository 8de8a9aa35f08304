import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM ask the capture loop to stop (it then flushes every flow and
/// report). The handler only sets a flag; the loop never waits longer than its poll
/// timeout, so it sees the flag quickly. A repeat within two seconds is taken as the
/// same request (`timeout` and some supervisors send a signal to the process and to
/// its group at once); a later one, for a run that is stuck, ends the process at once.
public enum StopSignal {
    private static let requested = Atomic<Int32>(0)
    /// Monotonic time of the first signal (ns).
    private static let firstAt = Atomic<Int64>(0)

    public static func install() {
        // Statics are initialised lazily: do it here, not first inside the handler.
        _ = requested.load(ordering: .relaxed)
        _ = firstAt.load(ordering: .relaxed)
        // A parent may have left them blocked (some test runners and supervisors do):
        // then they would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM] {
            sigaddset(&unblock, sig)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in StopSignal.handle(number) }
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Runs in the signal handler: atomics, clock_gettime and _exit only (all async-signal-safe).
    private static func handle(_ number: Int32) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
        let (isFirst, first) = firstAt.compareExchange(expected: 0, desired: now, ordering: .relaxed)
        if isFirst {
            requested.store(number, ordering: .relaxed)
        } else if now - first >= 2_000_000_000 {
            _exit(128 + number)
        }
    }

    /// The signal that asked to stop, or nil.
    public static var received: Int32? {
        let s = requested.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
