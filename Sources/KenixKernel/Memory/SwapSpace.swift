// SwapSpace: the slots of the swap disk, one 4 KB page each, with a reference
// count per slot. A slot is referenced by every swapped-out leaf naming it
// (a fork copies the leaf and retains the slot) and by a disk request in
// flight on it, so a slot is never reused while the disk may still move data
// in or out of it (virtio does not order requests in flight).
import HAL

struct SwapSpace {
    let slotCount: Int
    let sectorsPerSlot: UInt32
    private(set) var freeCount: Int
    private let references: UnsafeMutablePointer<UInt16>
    private var hint = 0

    /// The slots of a disk with `sectorCount` sectors of `sectorSize` bytes;
    /// nil when the disk cannot hold a single page.
    init?(sectorCount: UInt64, sectorSize: Int) {
        guard sectorSize > 0, sectorSize <= Int(PageGeometry.pageSize),
              Int(PageGeometry.pageSize) % sectorSize == 0 else { return nil }
        sectorsPerSlot = UInt32(Int(PageGeometry.pageSize) / sectorSize)
        // Bounded so the table stays small (1 M slots = 4 GB of swap, 2 MB of counts).
        let slots = min(sectorCount / UInt64(sectorsPerSlot), min(SwapEntry.maximumSlot, 1 << 20))
        guard slots > 0 else { return nil }
        slotCount = Int(slots)
        freeCount = slotCount
        references = .allocate(capacity: slotCount)
        references.initialize(repeating: 0, count: slotCount)
    }

    func sector(of slot: UInt64) -> UInt64 { slot * UInt64(sectorsPerSlot) }

    /// A free slot with one reference, or nil when swap is full.
    mutating func allocate() -> UInt64? {
        guard freeCount > 0 else { return nil }
        var i = hint
        while references[i] != 0 { i = i + 1 == slotCount ? 0 : i + 1 }
        references[i] = 1
        freeCount -= 1
        hint = i + 1 == slotCount ? 0 : i + 1
        return UInt64(i)
    }

    mutating func retain(_ slot: UInt64) {
        let i = Int(slot)
        guard i < slotCount, references[i] > 0, references[i] < UInt16.max else { fatalError("SwapSpace: bad retain") }
        references[i] += 1
    }

    mutating func release(_ slot: UInt64) {
        let i = Int(slot)
        guard i < slotCount, references[i] > 0 else { fatalError("SwapSpace: bad release") }
        references[i] -= 1
        if references[i] == 0 { freeCount += 1 }
    }

    func referenceCount(_ slot: UInt64) -> Int { Int(references[Int(slot)]) }
}
