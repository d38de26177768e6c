// TaskTable: the fixed table of task slots, allocated once at boot. Slot 0 is
// never used, so no task has id 0 (0 means "any" or "none" in the ABI).

public struct TaskTable {
    public static let capacity = KernelCapacity.tasks
    let slots: UnsafeMutablePointer<Task>

    init() {
        slots = .allocate(capacity: Self.capacity)
        for i in 0..<Self.capacity { (slots + i).initialize(to: Task(slot: i)) }
    }

    @inline(__always) subscript(slot: Int) -> UnsafeMutablePointer<Task> { slots + slot }

    /// The slot of the live or zombie task `id`, or nil if the id is stale or invalid.
    @inline(__always) func slot(of id: TaskID) -> Int? {
        let s = id.slot
        guard s != 0, slots[s].state != .free, slots[s].id == id else { return nil }
        return s
    }

    /// The slot of the live (not ended) task `id`.
    @inline(__always) func liveSlot(of id: TaskID) -> Int? {
        guard let s = slot(of: id), slots[s].isAlive else { return nil }
        return s
    }

    /// Claims a free slot and gives it a fresh id.
    mutating func claim() -> Int? {
        for s in 1..<Self.capacity where slots[s].state == .free {
            let generation = slots[s].generation
            slots[s] = Task(slot: s)
            slots[s].generation = generation
            slots[s].id = TaskID(slot: s, generation: generation)
            return s
        }
        return nil
    }

    /// Returns a slot to the pool; its next occupant gets a new id.
    mutating func release(_ s: Int) {
        slots[s].state = .free
        slots[s].generation += 1
    }

    var liveCount: Int {
        var n = 0
        for s in 1..<Self.capacity where slots[s].isAlive { n += 1 }
        return n
    }
}
