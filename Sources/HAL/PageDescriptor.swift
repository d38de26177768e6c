// The VMSAv8-64 translation-table descriptor (4 KB granule), as the ARM
// Architecture Reference Manual (DDI 0487, D8.3 "Translation table
// descriptor formats") defines it. The kernel writes these; the hardware MMU,
// or the simulator's software walker, reads them. Defining the format once
// here keeps both sides bit-for-bit in agreement.

public struct PageDescriptor: Equatable, Sendable {
    public var raw: UInt64
    @inline(__always) public init(raw: UInt64) { self.raw = raw }

    // Bit positions (D8.3.1 / D8.3.2).
    public static let validBit: UInt64 = 1 << 0
    /// At levels 0–2: 1 = table, 0 = block. At level 3: must be 1 (page).
    public static let tableOrPageBit: UInt64 = 1 << 1
    public static let attrIndexShift: UInt64 = 2
    /// AP[1]: EL0 may access.
    public static let userBit: UInt64 = 1 << 6
    /// AP[2]: read-only at every EL.
    public static let readOnlyBit: UInt64 = 1 << 7
    public static let innerShareable: UInt64 = 3 << 8
    /// AF: the access flag. A walk that finds AF = 0 raises an Access flag fault.
    public static let accessFlag: UInt64 = 1 << 10
    /// nG: not global, so the entry is tagged with the current ASID.
    public static let notGlobal: UInt64 = 1 << 11
    public static let privilegedExecuteNever: UInt64 = 1 << 53
    /// UXN: EL0 may not execute.
    public static let userExecuteNever: UInt64 = 1 << 54
    /// Bits 55–58 are ignored by hardware and free for software (the kernel
    /// keeps its own per-page bookkeeping there).
    public static let softwareShift: UInt64 = 55
    public static let softwareMask: UInt64 = 0xF << 55
    public static let outputAddressMask: UInt64 = 0x0000_FFFF_FFFF_F000

    /// MAIR index of Normal, write-back cacheable memory (the backend programs
    /// MAIR_EL1 so that index 0 is Normal WB, index 1 is Device-nGnRE).
    public static let normalMemoryIndex: UInt64 = 0
    public static let deviceMemoryIndex: UInt64 = 1

    public static let invalid = PageDescriptor(raw: 0)

    @inline(__always) public var isValid: Bool { raw & Self.validBit != 0 }
    /// At levels 0–2: the descriptor points to a next-level table.
    @inline(__always) public var isTable: Bool { raw & Self.tableOrPageBit != 0 }
    @inline(__always) public var outputAddress: PhysAddr { PhysAddr(raw & Self.outputAddressMask) }
    @inline(__always) public var isUserAccessible: Bool { raw & Self.userBit != 0 }
    @inline(__always) public var isReadOnly: Bool { raw & Self.readOnlyBit != 0 }
    @inline(__always) public var isUserExecutable: Bool { raw & Self.userExecuteNever == 0 }
    @inline(__always) public var accessed: Bool { raw & Self.accessFlag != 0 }
    @inline(__always) public var softwareBits: UInt64 { (raw & Self.softwareMask) >> Self.softwareShift }

    /// A next-level table descriptor.
    @inline(__always) public static func table(_ next: PhysAddr) -> PageDescriptor {
        PageDescriptor(raw: (next.raw & outputAddressMask) | validBit | tableOrPageBit)
    }

    /// A level-3 page descriptor for EL0 with the given rights. `accessed`
    /// false makes the first touch raise an Access flag fault.
    /// `readable` false makes a page EL0 cannot touch at all (PROT_NONE:
    /// AP[1] = 0, and UXN, read-only): every EL0 access is a permission
    /// fault, while the frame stays mapped.
    @inline(__always)
    public static func userPage(_ frame: PhysAddr, readable: Bool = true, writable: Bool, executable: Bool,
                                accessed: Bool = true, software: UInt64 = 0) -> PageDescriptor {
        var raw = (frame.raw & outputAddressMask) | validBit | tableOrPageBit
        raw |= normalMemoryIndex << attrIndexShift | innerShareable | notGlobal
        raw |= privilegedExecuteNever
        if readable { raw |= userBit }
        if accessed { raw |= accessFlag }
        if !writable || !readable { raw |= readOnlyBit }
        if !executable || !readable { raw |= userExecuteNever }
        raw |= (software << softwareShift) & softwareMask
        return PageDescriptor(raw: raw)
    }

    /// Why an EL0 `access` through this leaf descriptor would fault, or nil
    /// when it is allowed. Access-flag faults take priority over permission
    /// faults (DDI 0487, D8.15 "Prioritization of faults").
    @inline(__always)
    public func userFault(for access: MemoryAccess, level: UInt8) -> FaultStatus? {
        if !accessed { return .accessFlag(level: level) }
        guard isUserAccessible else { return .permission(level: level) }
        switch access {
        case .read: return nil
        case .write: return isReadOnly ? .permission(level: level) : nil
        case .execute: return isUserExecutable ? nil : .permission(level: level)
        }
    }
}
