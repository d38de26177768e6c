// The fixed parts of every user address space (the lower, TTBR0 half).

public enum UserLayout {
    /// Programs are linked at or above this address.
    public static let imageBase: UInt64 = 0x0040_0000
    /// Highest address + 1 a program image may occupy.
    public static let imageLimit: UInt64 = 0x4000_0000
    /// Initial stack pointer; the stack grows down from here.
    public static let stackTop: UInt64 = 0x8000_0000
    /// Mapped when the task starts.
    public static let stackSize: UInt64 = 64 * 1024
    /// Below the initial stack, the stack grows on demand down to this size.
    public static let stackLimit: UInt64 = 1024 * 1024
    /// Shared-memory mappings are placed from here up.
    public static let shmBase: UInt64 = 0x1_0000_0000
    public static let shmLimit: UInt64 = 0x2_0000_0000
    /// Anonymous mmap regions are placed from here up.
    public static let mmapBase: UInt64 = 0x2_0000_0000
    public static let mmapLimit: UInt64 = 0x40_0000_0000
    /// First address no user mapping may reach.
    public static let userLimit: UInt64 = 1 << 47
}
