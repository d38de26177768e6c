// Address and identifier value types shared by the kernel and every backend.
// They are distinct types so a physical address can never be passed where a
// virtual one is expected.

/// A physical address in the machine's RAM or device space.
public struct PhysAddr: Hashable, Comparable, Sendable {
    public var raw: UInt64
    @inline(__always) public init(_ raw: UInt64) { self.raw = raw }
    @inline(__always) public static func < (a: PhysAddr, b: PhysAddr) -> Bool { a.raw < b.raw }
    @inline(__always) public func adding(_ bytes: UInt64) -> PhysAddr { PhysAddr(raw &+ bytes) }
}

/// A virtual address in a user address space (TTBR0 half).
public struct VirtAddr: Hashable, Comparable, Sendable {
    public var raw: UInt64
    @inline(__always) public init(_ raw: UInt64) { self.raw = raw }
    @inline(__always) public static func < (a: VirtAddr, b: VirtAddr) -> Bool { a.raw < b.raw }
    @inline(__always) public func adding(_ bytes: UInt64) -> VirtAddr { VirtAddr(raw &+ bytes) }
    /// The start of the 4 KB page holding this address.
    @inline(__always) public var pageBase: VirtAddr { VirtAddr(raw & ~(PageGeometry.pageSize - 1)) }
}

/// An interrupt line, numbered as the GIC numbers INTIDs (PPIs 16–31, SPIs 32+).
public struct IRQ: Hashable, Sendable {
    public var number: UInt32
    @inline(__always) public init(_ number: UInt32) { self.number = number }
}

/// An address-space identifier, tagging TLB entries so a switch needs no flush.
public struct ASID: Hashable, Sendable {
    public var raw: UInt16
    @inline(__always) public init(_ raw: UInt16) { self.raw = raw }
}

/// The 4 KB translation granule used everywhere in Kenix.
public enum PageGeometry {
    public static let pageShift: UInt64 = 12
    public static let pageSize: UInt64 = 1 << pageShift
    /// Entries per translation table (one 4 KB page of 8-byte descriptors).
    public static let entriesPerTable = 512
    /// Translation levels 0...3 with a 48-bit VA (T0SZ = 16).
    public static let virtualAddressBits: UInt64 = 48
}
