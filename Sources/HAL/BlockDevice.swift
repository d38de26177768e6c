// A disk the kernel drives itself (the swap area, later the block server's
// devices). Requests move whole sectors between the device and physical
// memory (DMA); the device finishes them some time later, in an order of its
// own (virtio promises none, so the kernel never has two requests on the
// same sectors in flight), and holds its interrupt line high while a
// completion is unread: the semantics of a virtio-blk queue.

public enum BlockOperation: UInt8, Sendable {
    case read = 0     // device → memory
    case write = 1    // memory → device
}

public struct BlockRequest: Equatable, Sendable {
    public var operation: BlockOperation
    /// First sector on the device.
    public var sector: UInt64
    /// Sectors to move (at least 1).
    public var count: UInt32
    /// Physical address of the memory side; `count × sectorSize` bytes of RAM.
    public var memory: PhysAddr
    /// Returned with the completion, for the kernel to match them up.
    public var tag: UInt64

    public init(_ operation: BlockOperation, sector: UInt64, count: UInt32, memory: PhysAddr, tag: UInt64) {
        self.operation = operation; self.sector = sector; self.count = count; self.memory = memory; self.tag = tag
    }
}

public struct BlockCompletion: Equatable, Sendable {
    public var tag: UInt64
    /// False when the device failed the transfer (the memory or sectors may
    /// hold partial data).
    public var succeeded: Bool

    public init(tag: UInt64, succeeded: Bool) { self.tag = tag; self.succeeded = succeeded }
}

public protocol BlockDevice {
    var sectorSize: Int { get }
    var sectorCount: UInt64 { get }
    /// Requests the device accepts before it has finished any.
    var queueDepth: Int { get }
    /// Queues `request`. Returns false, and takes nothing, when the request
    /// lies outside the device, its memory outside RAM, its count is 0, or
    /// the queue is full. Contract: the memory stays the kernel's until the
    /// completion is taken; callable from an interrupt handler.
    func submit(_ request: BlockRequest) -> Bool
    /// The oldest finished request, removed from the device; nil when none.
    /// The interrupt line drops once every completion is taken.
    func takeCompletion() -> BlockCompletion?
    /// The completion interrupt (level).
    var irq: IRQ { get }
}

/// The platform has no disk for the kernel.
public struct NoBlockDevice: BlockDevice {
    public init() {}
    public var sectorSize: Int { 512 }
    public var sectorCount: UInt64 { 0 }
    public var queueDepth: Int { 0 }
    public func submit(_ request: BlockRequest) -> Bool { false }
    public func takeCompletion() -> BlockCompletion? { nil }
    public var irq: IRQ { IRQ(1023) }   // GIC's "spurious": never raised
}
