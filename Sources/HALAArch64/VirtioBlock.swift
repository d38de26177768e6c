// VirtioBlock.swift: a virtio-blk device (Virtio 1.1, 5.2 "Block Device") as
// the HAL's BlockDevice, on one modern virtio-mmio transport with one split
// virtqueue (queue 0). Negotiated: VIRTIO_F_VERSION_1 and, when offered,
// VIRTIO_BLK_F_FLUSH (5.2.3: the device then caches writes until a flush;
// without it QEMU writes through, every write durable when it completes).
// A request is a fixed descriptor chain; request slot s owns descriptors
// 3s, 3s+1, 3s+2:
//   header {le32 type (0 IN = read, 1 OUT = write, 4 FLUSH, 8 GET_ID),
//           le32 reserved, le64 sector} — device reads;
//   the data — device writes it for IN and GET_ID (a flush has none: its
//           header chains straight to the status);
//   one status byte (0 OK, 1 IOERR, 2 UNSUPP) — device writes.
// Sectors in requests are 512 bytes whatever the medium's block size (5.2.6).
// Completions come in the order the device finished them (the used ring),
// not necessarily the order of submission.
// Interrupt: the transport's SPI, which KernelMain sets level-triggered. The
// device holds it while InterruptStatus is non-zero; takeCompletion
// acknowledges it once the used ring is drained (VirtioMMIO.drain).
import HAL

struct VirtioBlockDevice: BlockDevice {
    let transport: VirtioMMIO
    let irq: IRQ
    let sectorCount: UInt64
    /// The device offers VIRTIO_BLK_F_RO: writes fail (never used for swap).
    let readOnly: Bool
    /// VIRTIO_BLK_F_FLUSH was negotiated: the device caches writes until a flush.
    let flushes: Bool
    /// Requests must move memory inside this range.
    let ram: PhysRange
    let state: VirtioBlockState

    var sectorSize: Int { 512 }
    var queueDepth: Int { state.depth }
    var isReadOnly: Bool { readOnly }
    var canFlush: Bool { flushes }

    /// Descriptor lengths are 32-bit.
    static let maximumSectorsPerRequest = UInt64(UInt32.max) / 512

    /// Contract (BlockDevice): false, and nothing queued, when the sectors lie
    /// outside the device, count is 0 (or above maximumSectorsPerRequest), the
    /// memory lies outside RAM, a write meets a read-only device, a flush has
    /// a count or meets a device without a cache, or every request slot is
    /// in flight. Allocates nothing; callable from an interrupt handler.
    func submit(_ request: BlockRequest) -> Bool {
        if request.operation == .flush {
            guard request.count == 0, flushes else { return false }
            return state.enqueue(type: 4, sector: 0, data: 0, length: 0, deviceWrites: false, tag: request.tag,
                                 transport: transport)
        }
        if request.operation == .write && readOnly { return false }
        let count = UInt64(request.count)
        guard count > 0, count <= Self.maximumSectorsPerRequest,
              request.sector < sectorCount, count <= sectorCount - request.sector else { return false }
        let bytes = count * 512
        guard ram.contains(request.memory), bytes <= ram.end.raw - request.memory.raw else { return false }
        let read = request.operation == .read
        return state.enqueue(type: read ? 0 : 1, sector: request.sector, data: request.memory.raw,
                             length: UInt32(bytes), deviceWrites: read, tag: request.tag, transport: transport)
    }

    /// The next finished request, nil when none. The line drops when the last
    /// completion is taken, and none published before a nil is missed
    /// (VirtioMMIO.drain says how). Callers take until nil (the HAL contract).
    func takeCompletion() -> BlockCompletion? {
        transport.drain(state.queue) { state.takeFinished() }
    }

    /// Resets the device: it forgets every request and lowers its line. The
    /// queue memory is freed with the last copy of this value.
    func shutDown() { transport.reset() }
}

/// The mutable half of a VirtioBlockDevice: the queue and its request slots.
/// Scratch layout in the queue page: 16-byte headers from 0, status bytes
/// from 384, the GET_ID buffer (20 bytes) at 448.
final class VirtioBlockState {
    let queue: VirtioQueue
    /// Request slots: three descriptors each.
    let depth: Int
    private let tags: UnsafeMutablePointer<UInt64>
    /// Bit s: slot s is in flight.
    private var busy: UInt64 = 0

    static let headerOffset = 0, statusOffset = 384, identityOffset = 448, identityBytes = 20

    /// `queue`: a started queue 0 (VirtioMMIO.startQueue0) of at least 4 descriptors.
    init(queue: VirtioQueue) {
        self.queue = queue
        depth = Int(queue.size / 3)
        tags = .allocate(capacity: depth)
        tags.initialize(repeating: 0, count: depth)
    }

    deinit { tags.deallocate() }

    var identity: UnsafeMutableRawPointer { queue.scratch(Self.identityOffset) }
    var identityPhysical: UInt64 { queue.scratchPhysical(Self.identityOffset) }

    /// Queues one request chain in a free slot and notifies the device; false when all are busy.
    func enqueue(type: UInt32, sector: UInt64, data: UInt64, length: UInt32, deviceWrites: Bool,
                 tag: UInt64, transport: VirtioMMIO) -> Bool {
        guard busy != (UInt64(1) << depth) - 1 else { return false }
        let slot = (~busy).trailingZeroBitCount
        let header = queue.scratch(Self.headerOffset + slot * 16)
        header.storeBytes(of: type, as: UInt32.self)
        header.storeBytes(of: 0, toByteOffset: 4, as: UInt32.self)
        header.storeBytes(of: sector, toByteOffset: 8, as: UInt64.self)
        queue.scratch(Self.statusOffset + slot).storeBytes(of: 0xFF, as: UInt8.self)   // not yet written
        let head = UInt16(slot * 3)
        // No data (a flush): the header chains straight to the status.
        queue.setDescriptor(head, address: queue.scratchPhysical(Self.headerOffset + slot * 16), length: 16,
                            flags: VirtioQueue.chained, next: length > 0 ? head + 1 : head + 2)
        if length > 0 {
            queue.setDescriptor(head + 1, address: data, length: length,
                                flags: VirtioQueue.chained | (deviceWrites ? VirtioQueue.deviceWrites : 0), next: head + 2)
        }
        queue.setDescriptor(head + 2, address: queue.scratchPhysical(Self.statusOffset + slot), length: 1,
                            flags: VirtioQueue.deviceWrites, next: 0)
        tags[slot] = tag
        busy |= 1 << slot
        queue.makeAvailable(head)
        transport.notify(0)
        return true
    }

    /// The next finished request from the used ring, its slot freed. A used
    /// entry that names no request in flight (a device bug) is skipped.
    func takeFinished() -> BlockCompletion? {
        while let used = queue.takeUsed() {
            let slot = Int(used.head / 3)
            guard used.head % 3 == 0, slot < depth, busy & (1 << slot) != 0 else { continue }
            let status = queue.scratch(Self.statusOffset + slot).load(as: UInt8.self)
            busy &= ~(1 << slot)
            return BlockCompletion(tag: tags[slot], succeeded: status == 0)
        }
        return nil
    }
}
