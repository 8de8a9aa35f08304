import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM ask the capture loop to stop (it then flushes every flow and
/// report). The handler only sets a flag; the loop never waits longer than its poll
/// timeout, so it sees the flag quickly. A second signal kills as usual (SA_RESETHAND),
/// for a run that is stuck somewhere else.
public enum StopSignal {
    private static let requested = Atomic<Int32>(0)

    public static func install() {
        // A parent may have left them blocked (some test runners and supervisors do):
        // then they would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM] {
            sigaddset(&unblock, sig)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in StopSignal.requested.store(number, ordering: .relaxed) }
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// The signal that asked to stop, or nil.
    public static var received: Int32? {
        let s = requested.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
