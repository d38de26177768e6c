// SharedMemoryTable: the fixed table of shared-memory objects. An object is a
// run of physically contiguous, zeroed frames that it owns. Tasks gain access
// by creating it or being granted it; access is a bit per task slot. The
// frames are freed when the last task with access lets go (unmaps are not
// enough: access ends when the task exits). Ids are generation-checked like
// task ids.
import HAL

struct SharedMemoryObject {
    var id: UInt64 = 0          // 0 = free slot
    var base = PhysAddr(0)
    var pages = 0
    /// Bit i set: task slot i may map the object.
    var holders: UInt64 = 0
    var generation: UInt64 = 0
}

struct SharedMemoryTable {
    static let capacity = 32
    private var objects = InlineArray<32, SharedMemoryObject>(repeating: SharedMemoryObject())

    /// Index of live object `id`, or nil for a stale or unknown id.
    func index(of id: UInt64) -> Int? {
        let i = Int(id % UInt64(Self.capacity))
        guard i != 0, objects[i].id != 0, objects[i].id == id else { return nil }
        return i
    }

    subscript(i: Int) -> SharedMemoryObject {
        get { objects[i] }
        set { objects[i] = newValue }
    }

    /// Records a new object owned by `creatorSlot`; nil when the table is full.
    mutating func insert(base: PhysAddr, pages: Int, creatorSlot: Int) -> UInt64? {
        for i in 1..<Self.capacity where objects[i].id == 0 {
            let id = UInt64(i) + UInt64(Self.capacity) * objects[i].generation
            objects[i] = SharedMemoryObject(id: id, base: base, pages: pages,
                                            holders: 1 << UInt64(creatorSlot), generation: objects[i].generation)
            return id
        }
        return nil
    }

    /// Frees the slot of object `i`; its id becomes stale.
    mutating func remove(_ i: Int) {
        objects[i].id = 0
        objects[i].holders = 0
        objects[i].generation += 1
    }
}
