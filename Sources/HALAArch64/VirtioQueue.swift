// VirtioQueue.swift: one split virtqueue (Virtio 1.1, 2.6 "Split Virtqueues")
// in one 4 KB page of the kernel heap. The heap lies in the linear map
// (Memory+Linear.swift), so the page is physically contiguous and its
// physical address is its kernel address minus KVA_BASE. Layout (offsets in
// the page; the spec's alignments are 16, 2 and 4 bytes):
//   +0     descriptor table  size × {le64 addr, le32 len, le16 flags, le16 next}
//   +1024  available ring    {le16 flags, le16 idx, le16 ring[size], le16 used_event}
//   +2048  used ring         {le16 flags, le16 idx, {le32 id, le32 len}[size], le16 avail_event}
//   +3072  the driver's own DMA data (request headers, status bytes): `scratch`
// Sizes up to 64 fit. The driver writes descriptors and the available ring,
// the device the used ring. avail.flags stays 0 and VIRTIO_F_EVENT_IDX is not
// negotiated, so the device interrupts for every used buffer.
// Single core with IRQs masked in the kernel: no locking.
import _Volatile

final class VirtioQueue {
    static let maximumSize: UInt16 = 64
    static let scratchOffset = 3072
    static let scratchBytes = 1024

    // Descriptor flags (2.6.5).
    static let chained: UInt16 = 1        // VIRTQ_DESC_F_NEXT
    static let deviceWrites: UInt16 = 2   // VIRTQ_DESC_F_WRITE

    /// Descriptors in the table; a power of two (2.6: split queue sizes are).
    let size: UInt16
    private let page: UnsafeMutableRawPointer
    /// Our copy of avail.idx: the next free available-ring entry (free-running).
    private var nextAvailable: UInt16 = 0
    /// Used-ring entries consumed so far (free-running, compared with used.idx).
    private var lastUsed: UInt16 = 0

    init(size: UInt16) {
        self.size = size
        page = .allocate(byteCount: 4096, alignment: 4096)
        page.initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
    }

    /// Only after the device has been reset: until then it may still write here.
    deinit { page.deallocate() }

    var physicalAddress: UInt64 { pa(ofKernel: UInt64(UInt(bitPattern: page))) }
    var descriptorArea: UInt64 { physicalAddress }
    var driverArea: UInt64 { physicalAddress + 1024 }
    var deviceArea: UInt64 { physicalAddress + 2048 }

    /// Kernel pointer to `offset` in the scratch area (0 ..< scratchBytes),
    /// whose physical address is `physicalAddress + scratchOffset + offset`.
    func scratch(_ offset: Int) -> UnsafeMutableRawPointer { page + Self.scratchOffset + offset }
    func scratchPhysical(_ offset: Int) -> UInt64 { physicalAddress + UInt64(Self.scratchOffset + offset) }

    func setDescriptor(_ index: UInt16, address: UInt64, length: UInt32, flags: UInt16, next: UInt16) {
        let d = page + Int(index) * 16
        d.storeBytes(of: address, as: UInt64.self)
        d.storeBytes(of: length, toByteOffset: 8, as: UInt32.self)
        d.storeBytes(of: flags, toByteOffset: 12, as: UInt16.self)
        d.storeBytes(of: next, toByteOffset: 14, as: UInt16.self)
    }

    /// Offers the chain starting at descriptor `head` (2.7.13): the ring entry,
    /// a barrier, then the index; a second barrier orders the index before
    /// the caller's notify write to the device.
    func makeAvailable(_ head: UInt16) {
        let ring = page + 1024
        ring.storeBytes(of: head, toByteOffset: 4 + Int(nextAvailable % size) * 2, as: UInt16.self)
        kenix_dmb_oshst()
        nextAvailable &+= 1
        VolatileMappedRegister<UInt16>(unsafeBitPattern: UInt(bitPattern: ring + 2)).store(nextAvailable)
        kenix_dmb_oshst()
    }

    /// used.idx, which the device advances behind the compiler's back.
    private var usedIndex: UInt16 {
        VolatileMappedRegister<UInt16>(unsafeBitPattern: UInt(bitPattern: page + 2048 + 2)).load()
    }

    /// The device has finished a chain we have not taken yet.
    var hasUsed: Bool { usedIndex != lastUsed }

    /// The next finished chain, in the order the device finished them: its
    /// head descriptor and the bytes the device wrote. The barrier orders the
    /// index read before the entry and before the buffers the entry covers
    /// (2.7.14), so the caller may read those afterwards.
    func takeUsed() -> (head: UInt16, written: UInt32)? {
        guard usedIndex != lastUsed else { return nil }
        kenix_dmb_oshld()
        let entry = page + 2048 + 4 + Int(lastUsed % size) * 8
        let id = entry.load(as: UInt32.self)
        let written = entry.load(fromByteOffset: 4, as: UInt32.self)
        lastUsed &+= 1
        return (UInt16(truncatingIfNeeded: id), written)
    }
}
