// Limits the kernel enforces on syscall arguments.

/// Flags in a timeout argument (`recv_timeout`'s x1).
public enum TimeoutFlag {
    /// A deferrable deadline (as Linux's deferrable timers): it fires as
    /// usual on hardware, but does not by itself make an idle machine busy.
    /// kenix-sim gives typed input to a machine whose only pending deadlines
    /// are deferrable, as to an idle one. For periodic housekeeping such as
    /// the supervisor's heartbeat, which must not hold typed input back.
    public static let deferrable: UInt64 = 1 << 63
}

public enum SyscallLimits {
    public static let maxNameLength: UInt64 = 64
    public static let maxUARTWrite: UInt64 = 4096
    public static let maxSharedMemorySize: UInt64 = 16 * 1024 * 1024
    public static let maxImageRead: UInt64 = 1 << 20
    /// The most bytes one `block_submit` read or write moves.
    public static let maxBlockTransfer: UInt64 = 4 << 20
}
