// The kernel's block interface for user-space drivers (docs/syscalls.md,
// "Block devices"): what `block_submit` asks for, what `block_info` reports
// and how `block_complete` packs finished requests into registers.

/// The operation of a `block_submit` (bits 8–15 of x0; the disk is bits 0–7).
public enum BlockSubmitOp: UInt64, CaseIterable {
    /// Sectors into the shared-memory object.
    case read = 0
    /// Sectors from the shared-memory object.
    case write = 1
    /// Makes every write that completed before it durable. Only on a disk
    /// with a write cache (`BlockDiskFlags.writeCache`); count, object and
    /// offset are 0.
    case flush = 2
}

public enum BlockSubmitLayout {
    /// x0 of `block_submit`: disk index in bits 0–7, operation from bit 8.
    public static let diskMask: UInt64 = 0xFF
    public static let opShift: UInt64 = 8
}

/// x3 of `block_info`.
public enum BlockDiskFlags {
    /// Writes are refused (`notPermitted`).
    public static let readOnly: UInt64 = 1
    /// The disk caches writes until a flush; without it a write is durable
    /// when it completes and a flush is refused (`invalidArgument`).
    public static let writeCache: UInt64 = 2
}

/// x0 of `block_complete`: the number of completions (0–5) in bits 0–7,
/// and from bit 8 one bit per completion, set when the device failed it
/// (an I/O error). Their tags are in x1 onwards, oldest first.
public enum BlockCompletionLayout {
    public static let maxPerCall: UInt64 = 5
    public static let countMask: UInt64 = 0xFF
    public static let failedShift: UInt64 = 8
}
