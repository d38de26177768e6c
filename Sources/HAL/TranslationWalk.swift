// A stage-1 translation table walk for the lower (TTBR0) VA range with a 4 KB
// granule and 48-bit VAs: levels 0–3, 9 bits of VA each. It is architecture,
// not policy: the kernel uses it to copy user memory, the simulator uses it
// as its MMU. Both therefore agree on every translation and every fault.

public struct Translation: Equatable, Sendable {
    /// Physical address of the byte the VA maps to.
    public var physical: PhysAddr
    /// The leaf descriptor.
    public var descriptor: PageDescriptor
    /// Level of the leaf (3 for a page, 1 or 2 for a block).
    public var level: UInt8
    /// Bytes from `physical` to the end of the leaf's page or block.
    public var bytesToEnd: UInt64
}

public enum TranslationWalk {
    /// Index of `va` in a table at `level` (0–3).
    @inline(__always)
    public static func index(of va: VirtAddr, level: Int) -> Int {
        Int((va.raw >> (39 - 9 * UInt64(level))) & 0x1FF)
    }

    /// Walks the tables under `root` for `va`. Returns the leaf, or the
    /// translation fault (with its level) that hardware would raise. The
    /// access-flag and permission checks are the caller's, through
    /// `PageDescriptor.userFault(for:level:)`.
    @inline(__always)
    public static func translate<M: PhysicalMemory>(_ va: VirtAddr, root: PhysAddr,
                                                     memory: M) -> Result<Translation, WalkFault> {
        if va.raw >> PageGeometry.virtualAddressBits != 0 {
            return .failure(WalkFault(status: .translation(level: 0)))
        }
        var table = root
        for level in 0...3 {
            let slot = memory.pointer(to: table).load(
                fromByteOffset: index(of: va, level: level) * 8, as: UInt64.self)
            let d = PageDescriptor(raw: slot)
            guard d.isValid else {
                return .failure(WalkFault(status: .translation(level: UInt8(level))))
            }
            if level < 3 && d.isTable {
                table = d.outputAddress
                continue
            }
            // A block at level 0, or a "block" encoding at level 3, is reserved.
            if level == 0 || (level == 3 && !d.isTable) {
                return .failure(WalkFault(status: .translation(level: UInt8(level))))
            }
            let span: UInt64 = 1 << (39 - 9 * UInt64(level))
            let offset = va.raw & (span - 1)
            let base = d.raw & PageDescriptor.outputAddressMask & ~(span - 1)
            return .success(Translation(physical: PhysAddr(base + offset), descriptor: d,
                                        level: UInt8(level), bytesToEnd: span - offset))
        }
        return .failure(WalkFault(status: .translation(level: 3)))
    }
}

/// A failed walk: the fault hardware would report.
public struct WalkFault: Error, Equatable, Sendable {
    public var status: FaultStatus
    public init(status: FaultStatus) { self.status = status }
}
