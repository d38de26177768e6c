// HostSignals: SIGINT, SIGTERM and SIGHUP as a request to stop the run
// (bottom layer: the only file here that touches host signals). The handler
// only records the signal; the machine sees it at its next slice boundary or
// idle step (SimMachine.checkHostStop) and halts as at --max-time, so the
// caller ends the run the normal way and every disk write is flushed before
// the process exits. A second signal of the same kind kills at once (the
// default action is restored), in case the machine never gets there.
// Either way the host terminal leaves raw mode at the first signal
// (HostTerminal.restore), and `installFatal` does the same for the signals
// a Swift trap or a crash raises before they take their default action.
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

public enum HostSignals {
    /// The signal that asked for the stop, 0 while none has.
    public static let received = Atomic<Int32>(0)

    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers (without SA_RESTART, so a blocking read of
    /// stdin returns EINTR and the stop is seen).
    public static func install() {
        _ = received.load(ordering: .relaxed)   // initialised here, not in the handler
        for signal in handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { n in
                HostSignals.received.store(n, ordering: .relaxed)
                HostTerminal.restore()
                Glibc.signal(n, SIG_DFL)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
    }

    /// The signals of a trap (fatalError, precondition), an abort or a
    /// crash: each first puts the host terminal back (HostTerminal.restore),
    /// then gets the handler it had before (the Swift runtime's backtracer,
    /// or the default action), which the signal, raised again, reaches as
    /// this handler returns.
    public static let fatal: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGBUS, SIGSEGV]
    private static let fatalInstalled = Atomic<Bool>(false)
    /// The handlers `installFatal` replaced, by signal number.
    nonisolated(unsafe) private static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

    /// Installs the fatal-signal handlers (kenix-sim, once the terminal is raw).
    static func installFatal() {
        guard !fatalInstalled.exchange(true, ordering: .relaxed) else { return }
        for signal in fatal {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { n in
                HostTerminal.restore()
                sigaction(n, HostSignals.previous + Int(n), nil)
                // Pending until this handler returns, then the previous one
                // gets it (also when it was sent by kill, not by a fault).
                raise(n)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, previous + Int(signal))
        }
    }

    /// The signal that stopped the run, if one did.
    public static var pending: Int32? {
        let n = received.load(ordering: .relaxed)
        return n == 0 ? nil : n
    }

    /// "SIGINT", "SIGTERM", "SIGHUP" or the number.
    public static func name(_ n: Int32) -> String {
        switch n {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(n)"
        }
    }
}
