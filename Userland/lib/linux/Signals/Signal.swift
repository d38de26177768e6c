// Signal numbers, sets and default actions of AArch64 Linux
// (asm-generic/signal.h), and the `sigaction` record as the kernel ABI
// passes it (struct sigaction of asm-generic: handler, flags, restorer,
// mask; 32 bytes on AArch64).

public enum Signal {
    public static let SIGHUP: Int = 1
    public static let SIGINT: Int = 2
    public static let SIGQUIT: Int = 3
    public static let SIGILL: Int = 4
    public static let SIGTRAP: Int = 5
    public static let SIGABRT: Int = 6
    public static let SIGBUS: Int = 7
    public static let SIGFPE: Int = 8
    public static let SIGKILL: Int = 9
    public static let SIGUSR1: Int = 10
    public static let SIGSEGV: Int = 11
    public static let SIGUSR2: Int = 12
    public static let SIGPIPE: Int = 13
    public static let SIGALRM: Int = 14
    public static let SIGTERM: Int = 15
    public static let SIGSTKFLT: Int = 16
    public static let SIGCHLD: Int = 17
    public static let SIGCONT: Int = 18
    public static let SIGSTOP: Int = 19
    public static let SIGTSTP: Int = 20
    public static let SIGTTIN: Int = 21
    public static let SIGTTOU: Int = 22
    public static let SIGURG: Int = 23
    public static let SIGXCPU: Int = 24
    public static let SIGXFSZ: Int = 25
    public static let SIGVTALRM: Int = 26
    public static let SIGPROF: Int = 27
    public static let SIGWINCH: Int = 28
    public static let SIGIO: Int = 29
    public static let SIGPWR: Int = 30
    public static let SIGSYS: Int = 31
    /// Signals 1...64 (32–64 are the real-time ones).
    public static let count = 64

    public static func isValid(_ n: Int) -> Bool { n >= 1 && n <= count }

    /// What happens to a process when a signal arrives with SIG_DFL.
    public enum DefaultAction: Equatable {
        case terminate
        /// Terminate, with a core dump in the wait status (WCOREDUMP).
        case coreDump
        case ignore
        case stop
        case `continue`
    }

    public static func defaultAction(_ n: Int) -> DefaultAction {
        switch n {
        case SIGCHLD, SIGURG, SIGWINCH: return .ignore
        case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: return .stop
        case SIGCONT: return .continue
        case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS: return .coreDump
        default: return .terminate
        }
    }
}

/// A set of signals: bit n-1 for signal n (the kernel's sigset_t, 8 bytes).
public struct SignalSet: Equatable, Sendable {
    public var bits: UInt64

    public init(bits: UInt64 = 0) { self.bits = bits }
    public static let empty = SignalSet()
    /// SIGKILL and SIGSTOP can never be blocked, caught or ignored.
    public static let unblockable = SignalSet(bits: 1 << 8 | 1 << 18)

    public func contains(_ n: Int) -> Bool { Signal.isValid(n) && bits & (1 << UInt64(n - 1)) != 0 }
    public mutating func insert(_ n: Int) { if Signal.isValid(n) { bits |= 1 << UInt64(n - 1) } }
    public mutating func remove(_ n: Int) { if Signal.isValid(n) { bits &= ~(1 << UInt64(n - 1)) } }
    public var isEmpty: Bool { bits == 0 }

    /// The lowest-numbered signal in the set (Linux delivers synchronous,
    /// then lower numbers first), or nil.
    public var lowest: Int? { bits == 0 ? nil : bits.trailingZeroBitCount + 1 }

    /// The set as a mask may hold it: SIGKILL and SIGSTOP taken out.
    public var blockable: SignalSet { SignalSet(bits: bits & ~Self.unblockable.bits) }
}

/// `sa_flags` bits (asm-generic/signal-defs.h, asm/signal.h).
public enum SignalActionFlags {
    public static let noChildStop: UInt64 = 0x0000_0001
    public static let noChildWait: UInt64 = 0x0000_0002
    public static let siginfo: UInt64 = 0x0000_0004
    public static let restorer: UInt64 = 0x0400_0000
    public static let onStack: UInt64 = 0x0800_0000
    public static let restart: UInt64 = 0x1000_0000
    public static let noDefer: UInt64 = 0x4000_0000
    public static let resetHandler: UInt64 = 0x8000_0000
}

/// A disposition: SIG_DFL (0), SIG_IGN (1) or a handler address.
public struct SignalAction: Equatable, Sendable {
    public static let defaultHandler: UInt64 = 0
    public static let ignoreHandler: UInt64 = 1
    public static let size = 32

    public var handler: UInt64
    public var flags: UInt64
    public var restorer: UInt64
    public var mask: SignalSet

    public init(handler: UInt64 = 0, flags: UInt64 = 0, restorer: UInt64 = 0, mask: SignalSet = .empty) {
        self.handler = handler; self.flags = flags; self.restorer = restorer; self.mask = mask
    }

    public static let `default` = SignalAction()

    public var isDefault: Bool { handler == Self.defaultHandler }
    public var isIgnored: Bool { handler == Self.ignoreHandler }

    /// From the 32 bytes of a struct sigaction.
    public init(bytes: [UInt8]) {
        self.init(handler: LE.u64(bytes, 0), flags: LE.u64(bytes, 8), restorer: LE.u64(bytes, 16),
                  mask: SignalSet(bits: LE.u64(bytes, 24)))
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        LE.put64(&b, 0, handler); LE.put64(&b, 8, flags); LE.put64(&b, 16, restorer); LE.put64(&b, 24, mask.bits)
        return b
    }
}
