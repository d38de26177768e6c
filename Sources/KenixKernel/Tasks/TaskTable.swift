// TaskTable: the table of task slots, sized from RAM at boot
// (KernelCapacity.taskSlots) and kept in frames the kernel takes for itself.
// Slot 0 is never used, so no task has id 0 (0 means "any" or "none" in the
// ABI).

public struct TaskTable {
    let capacity: Int
    let slots: UnsafeMutablePointer<Task>

    /// A table of `capacity` slots in `storage` (at least
    /// `capacity × MemoryLayout<Task>.stride` bytes, suitably aligned).
    init(capacity: Int, storage: UnsafeMutableRawPointer) {
        self.capacity = capacity
        slots = storage.bindMemory(to: Task.self, capacity: capacity)
        for i in 0..<capacity { (slots + i).initialize(to: Task(slot: i, capacity: capacity)) }
    }

    @inline(__always) subscript(slot: Int) -> UnsafeMutablePointer<Task> { slots + slot }

    /// The slot `id` encodes (whether or not a task holds it now).
    @inline(__always) func encodedSlot(_ id: TaskID) -> Int { Int(id.raw % UInt64(capacity)) }

    /// The slot of the live or zombie task `id`, or nil if the id is stale or invalid.
    @inline(__always) func slot(of id: TaskID) -> Int? {
        let s = encodedSlot(id)
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
        for s in 1..<capacity where slots[s].state == .free {
            let generation = slots[s].generation
            slots[s] = Task(slot: s, capacity: capacity)
            slots[s].generation = generation
            slots[s].id = TaskID(slot: s, generation: generation, capacity: capacity)
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
        for s in 1..<capacity where slots[s].isAlive { n += 1 }
        return n
    }
}
