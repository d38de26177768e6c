// A disk the kernel drives itself: the swap area (`HAL.swapDisk`) or a data
// disk it lends to a user-space driver (Block/). Requests move whole sectors
// between the device and physical memory (DMA), or ask the device to make
// its completed writes durable (flush); the device finishes them some time
// later, in an order of its own (virtio promises none, so nobody may have
// two requests on the same sectors in flight and expect an order), and holds
// its interrupt line high while a completion is unread: the semantics of a
// virtio-blk queue.

public enum BlockOperation: UInt8, Sendable {
    case read = 0     // device → memory
    case write = 1    // memory → device
    /// Every write that completed before this request was submitted is
    /// durable when it completes. No sectors, no memory (count 0).
    case flush = 2
}

public struct BlockRequest: Equatable, Sendable {
    public var operation: BlockOperation
    /// First sector on the device (0 for a flush).
    public var sector: UInt64
    /// Sectors to move: at least 1 for a read or write, 0 for a flush.
    public var count: UInt32
    /// Physical address of the memory side; `count × sectorSize` bytes of
    /// RAM (unused by a flush).
    public var memory: PhysAddr
    /// Returned with the completion, for the kernel to match them up.
    public var tag: UInt64

    public init(_ operation: BlockOperation, sector: UInt64, count: UInt32, memory: PhysAddr, tag: UInt64) {
        self.operation = operation; self.sector = sector; self.count = count; self.memory = memory; self.tag = tag
    }

    /// A flush request.
    public static func flush(tag: UInt64) -> BlockRequest {
        BlockRequest(.flush, sector: 0, count: 0, memory: PhysAddr(0), tag: tag)
    }
}

public struct BlockCompletion: Equatable, Sendable {
    public var tag: UInt64
    /// False when the device failed the transfer (the memory or sectors may
    /// hold partial data).
    public var succeeded: Bool

    public init(tag: UInt64, succeeded: Bool) { self.tag = tag; self.succeeded = succeeded }
}

/// Contract for every method: called by the kernel only (single core,
/// interrupts masked), possibly from its interrupt handler; none blocks or
/// allocates per request. The geometry and flags never change after boot.
public protocol BlockDevice {
    /// Bytes per sector (512 on every backend today).
    var sectorSize: Int { get }
    var sectorCount: UInt64 { get }
    /// Requests the device accepts before it has finished any.
    var queueDepth: Int { get }
    /// Writes fail (the medium is read-only); `submit` refuses them.
    var isReadOnly: Bool { get }
    /// The device keeps completed writes in a volatile cache until a flush
    /// (virtio's VIRTIO_BLK_F_FLUSH). Without one every write is durable
    /// when it completes, and `submit` refuses a flush.
    var canFlush: Bool { get }
    /// Queues `request`. Returns false, and takes nothing, when the request
    /// lies outside the device, its memory outside RAM, a read or write has
    /// count 0 (or a flush a count), it writes a read-only device, it
    /// flushes a device without a cache, or the queue is full. Contract: the
    /// memory stays the kernel's until the completion is taken.
    func submit(_ request: BlockRequest) -> Bool
    /// The oldest finished request, removed from the device; nil when none.
    /// The interrupt line drops once every completion is taken.
    func takeCompletion() -> BlockCompletion?
    /// The completion interrupt (level). Distinct for every disk.
    var irq: IRQ { get }
}

/// The platform has no disk.
public struct NoBlockDevice: BlockDevice {
    public init() {}
    public var sectorSize: Int { 512 }
    public var sectorCount: UInt64 { 0 }
    public var queueDepth: Int { 0 }
    public var isReadOnly: Bool { true }
    public var canFlush: Bool { false }
    public func submit(_ request: BlockRequest) -> Bool { false }
    public func takeCompletion() -> BlockCompletion? { nil }
    public var irq: IRQ { IRQ(1023) }   // GIC's "spurious": never raised
}
