// The kernel's block interface, for the driver that owns the data disks (the
// block server; docs/syscalls.md, "Block devices"): disk geometry, claiming
// a disk, queueing reads, writes and flushes whose memory is a place in a
// shared-memory object, and collecting the finished requests.

/// A data disk as `block_info` describes it.
public struct BlockDiskInfo {
    public var sectorSize: UInt64
    public var sectorCount: UInt64
    /// Requests the disk takes at once.
    public var queueDepth: UInt64
    /// `BlockDiskFlags`.
    public var flags: UInt64
    /// Data disks the machine has.
    public var diskCount: UInt64

    public var isReadOnly: Bool { flags & BlockDiskFlags.readOnly != 0 }
    public var hasWriteCache: Bool { flags & BlockDiskFlags.writeCache != 0 }
}

/// One finished request: the tag it was submitted with, and whether the
/// device did it (false: an I/O error).
public struct BlockDone {
    public var tag: UInt64
    public var succeeded: Bool
}

public enum BlockDriver {
    /// Data disk `disk`; `notFound` when there is no such disk.
    public static func info(_ disk: UInt64) throws(SyscallError) -> BlockDiskInfo {
        let r = RawSyscall.invokeWithRegisters(.blockInfo, disk)
        _ = try RawSyscall.check(r.x0)
        return BlockDiskInfo(sectorSize: UInt64(r.x0), sectorCount: r.x1, queueDepth: r.x2, flags: r.x3,
                             diskCount: r.x4)
    }

    /// Owns `disk` until the caller ends; completions signal `bit` of
    /// `notification` (which the caller holds).
    public static func claim(_ disk: UInt64, notification: UInt64, bit: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.blockClaim, disk, notification, bit))
    }

    /// Queues `op` on `count` sectors from `sector`, the memory at `offset`
    /// in shared-memory object `object`; `tag` comes back with the completion.
    public static func submit(_ disk: UInt64, _ op: BlockSubmitOp, sector: UInt64, count: UInt64,
                              object: UInt64, offset: UInt64, tag: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.blockSubmit, disk | op.rawValue << BlockSubmitLayout.opShift,
                                                   sector, count, object, offset, tag))
    }

    /// Takes up to five finished requests of `disk` into `done` (oldest
    /// first); returns how many (0 when none are waiting).
    public static func complete(_ disk: UInt64, into done: inout [BlockDone]) throws(SyscallError) -> Int {
        let r = RawSyscall.invokeWithRegisters(.blockComplete, disk)
        let packed = try RawSyscall.check(r.x0)
        let count = Int(packed & BlockCompletionLayout.countMask)
        let failed = packed >> BlockCompletionLayout.failedShift
        let tags = [r.x1, r.x2, r.x3, r.x4, r.x5]
        for i in 0..<min(count, 5) {
            done.append(BlockDone(tag: tags[i], succeeded: failed & (1 << UInt64(i)) == 0))
        }
        return count
    }
}
