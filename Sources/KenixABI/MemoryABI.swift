// Arguments of the memory syscalls: mmap/mprotect rights and mmap flags.

/// mmap/mprotect rights (`prot`).
public enum MemoryProtection {
    public static let read: UInt64 = 1
    public static let write: UInt64 = 2
    public static let execute: UInt64 = 4
}

/// mmap flags.
public enum MapFlags {
    /// Stays shared with the children of a fork (private pages are copied).
    public static let shared: UInt64 = 1
    /// Place exactly at the hint (which must be free), or fail.
    public static let fixed: UInt64 = 2
}
