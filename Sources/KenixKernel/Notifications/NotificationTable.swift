// NotificationTable: the fixed table of notification objects. A notification
// is a word of signal bits: `signal` ORs bits in and never blocks, `wait`
// blocks until a bit is set and takes them all, `poll` takes them at once.
// At most one task waits on an object at a time, and at most one task is
// bound to it (its `recv` also returns for the object's signals). Access is
// a bit per task slot, as for shared memory; ids are generation-checked.

struct NotificationObject {
    var id: UInt64 = 0          // 0 = free slot
    var bits: UInt64 = 0
    /// Bit i set: task slot i may signal, wait, poll, grant or bind.
    var holders: UInt64 = 0
    /// The slot blocked in `wait` on it, or -1.
    var waiter = -1
    /// The slot bound to it, or -1.
    var bound = -1
    var generation: UInt64 = 0
}

struct NotificationTable {
    static let capacity = 32
    private var objects = InlineArray<32, NotificationObject>(repeating: NotificationObject())

    func index(of id: UInt64) -> Int? {
        let i = Int(id % UInt64(Self.capacity))
        guard i != 0, objects[i].id != 0, objects[i].id == id else { return nil }
        return i
    }

    subscript(i: Int) -> NotificationObject {
        get { objects[i] }
        set { objects[i] = newValue }
    }

    mutating func insert(creatorSlot: Int) -> UInt64? {
        for i in 1..<Self.capacity where objects[i].id == 0 {
            let id = UInt64(i) + UInt64(Self.capacity) * objects[i].generation
            objects[i] = NotificationObject(id: id, holders: 1 << UInt64(creatorSlot),
                                            generation: objects[i].generation)
            return id
        }
        return nil
    }

    mutating func remove(_ i: Int) {
        let generation = objects[i].generation + 1
        objects[i] = NotificationObject()
        objects[i].generation = generation
    }
}

/// A user-space driver's claim on an interrupt line: each interrupt masks
/// the line and signals `bit` of `notification` until the driver acks it.
struct InterruptRoute {
    var irq: UInt32 = 0
    var owner = -1              // task slot, -1 = free entry
    var notification: UInt64 = 0
    var bit: UInt64 = 0
}
