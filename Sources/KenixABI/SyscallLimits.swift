// Limits the kernel enforces on syscall arguments.

public enum SyscallLimits {
    public static let maxNameLength: UInt64 = 64
    public static let maxUARTWrite: UInt64 = 4096
    public static let maxSharedMemorySize: UInt64 = 16 * 1024 * 1024
    public static let maxImageRead: UInt64 = 1 << 20
    /// The most bytes one `block_submit` read or write moves.
    public static let maxBlockTransfer: UInt64 = 4 << 20
}
