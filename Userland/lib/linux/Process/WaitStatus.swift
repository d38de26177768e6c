// WaitStatus: the status word wait4 reports (the encoding glibc's
// WIFEXITED/WEXITSTATUS/WIFSIGNALED/WTERMSIG/WCOREDUMP/WIFSTOPPED/
// WIFCONTINUED macros decode), and how a process ended.

public enum ProcessEnd: Equatable {
    /// exit/exit_group with this status (only its low 8 bits survive).
    case exited(Int)
    /// Killed by a signal; `core` when its default action dumps core.
    case signaled(Int, core: Bool)

    public var waitStatus: UInt32 { WaitStatus.encode(self) }
}

public enum WaitStatus {
    public static func encode(_ end: ProcessEnd) -> UInt32 {
        switch end {
        case .exited(let code): return UInt32(code & 0xFF) << 8
        case .signaled(let signal, let core): return UInt32(signal & 0x7F) | (core ? 0x80 : 0)
        }
    }

    /// A stop by `signal` (WIFSTOPPED, WSTOPSIG).
    public static func stopped(_ signal: Int) -> UInt32 { UInt32(signal & 0xFF) << 8 | 0x7F }
    /// WIFCONTINUED.
    public static let continued: UInt32 = 0xFFFF

    /// How a process that got `signal` with its default action ends. No core
    /// file is ever written (as with RLIMIT_CORE 0), so WCOREDUMP stays clear.
    public static func killedBy(_ signal: Int) -> ProcessEnd {
        .signaled(signal, core: false)
    }

    /// The SIGCHLD siginfo code and status for an end.
    public static func childInfo(_ end: ProcessEnd) -> (code: Int32, status: Int32) {
        switch end {
        case .exited(let c): return (SignalInfo.childExited, Int32(c & 0xFF))
        case .signaled(let s, let core): return (core ? SignalInfo.childDumped : SignalInfo.childKilled, Int32(s))
        }
    }

    /// wait4 options.
    public static let noHang: UInt64 = 1          // WNOHANG
    public static let untraced: UInt64 = 2        // WUNTRACED
    public static let continuedOption: UInt64 = 8 // WCONTINUED
    public static let all: UInt64 = 0x4000_0000   // __WALL
    public static let clone: UInt64 = 0x8000_0000 // __WCLONE
    public static let noThread: UInt64 = 0x2000_0000 // __WNOTHREAD
}
