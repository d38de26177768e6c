// TaskTable: the table of task slots, sized from RAM at boot
// (KernelCapacity.taskSlots) and kept in frames the kernel takes for itself.
// Slot 0 is never used, so no task has id 0 (0 means "any" or "none" in the
// ABI). Slots are initialized as claim() first hands them out, in order
// (InitializedPrefix): a slot at or above `slotsEverUsed.upperBound` is free
// and has never held a task, so scans over tasks stop there.

public struct TaskTable {
    let capacity: Int
    private let slots: UnsafeMutablePointer<Task>
    private let initialized: InitializedPrefix

    /// Bytes of storage a table of `capacity` slots needs.
    static func storageBytes(capacity: Int) -> Int {
        InitializedPrefix.storageBytes(for: Task.self, count: capacity)
    }

    /// A table of `capacity` slots in `storage` (`storageBytes(capacity:)`
    /// bytes, page-aligned, uninitialized).
    init(capacity: Int, storage: UnsafeMutableRawPointer) {
        self.capacity = capacity
        initialized = InitializedPrefix(at: storage)
        slots = InitializedPrefix.elements(in: storage, as: Task.self, count: capacity)
    }

    /// Slot `slot`, one a task holds or has held. Nothing reaches a slot
    /// any other way: claim() initializes each fresh slot before handing it
    /// out; an id from outside becomes a slot through slot(of:), which
    /// checks (the IPC fast path's encodedSlot of a task handle's id needs
    /// no check: every task handle is made from a claimed slot's id); and
    /// the links between tasks (queues, parents, callers) start from tasks.
    /// So no test here (debug builds assert it): with one, every access paid
    /// a load and a compare, ~140 of a QEMU IPC round trip's ~1,090
    /// instructions together with the handle table's.
    @inline(__always) subscript(slot: Int) -> UnsafeMutablePointer<Task> {
        assert(initialized.covers(slot), "TaskTable: a slot no task has held")
        return slots + slot
    }

    @inline(never) private func initialize(through slot: Int) {
        for i in initialized.length...slot { (slots + i).initialize(to: Task(slot: i, capacity: capacity)) }
        initialized.extend(to: slot + 1)
    }

    /// Every slot that may hold a task or ever has (slot 0 excluded); the
    /// slots above are free and untouched. Scans over tasks use this.
    var slotsEverUsed: Range<Int> { 1..<max(1, initialized.length) }

    /// Slot `number` as a caller names it (task_info and task_quota take a
    /// slot number, not an id), if a task has ever reached it; nil for any
    /// other number, including the free slots above `slotsEverUsed`.
    func slotEverUsed(_ number: UInt64) -> Int? {
        let range = slotsEverUsed
        return number >= UInt64(range.lowerBound) && number < UInt64(range.upperBound) ? Int(number) : nil
    }

    /// The slot `id` encodes (whether or not a task holds it now). Only for
    /// ids from task handles (made from claimed slots) or after a bounds
    /// check: an arbitrary id can encode a slot no task has reached.
    @inline(__always) func encodedSlot(_ id: TaskID) -> Int { Int(id.raw % UInt64(capacity)) }

    /// The slot of the live or zombie task `id`, or nil if the id is stale or invalid.
    @inline(__always) func slot(of id: TaskID) -> Int? {
        let s = encodedSlot(id)
        guard s != 0, s < initialized.length, slots[s].state != .free, slots[s].id == id else { return nil }
        return s
    }

    /// The slot of the live (not ended) task `id`.
    @inline(__always) func liveSlot(of id: TaskID) -> Int? {
        guard let s = slot(of: id), slots[s].isAlive else { return nil }
        return s
    }

    /// Claims the lowest free slot and gives it a fresh id.
    mutating func claim() -> Int? {
        for s in slotsEverUsed where slots[s].state == .free {
            let generation = slots[s].generation
            slots[s] = Task(slot: s, capacity: capacity)
            slots[s].generation = generation
            slots[s].id = TaskID(slot: s, generation: generation, capacity: capacity)
            return s
        }
        let fresh = max(1, initialized.length)   // the first slot never used
        guard fresh < capacity else { return nil }
        initialize(through: fresh)
        return fresh
    }

    /// Returns a slot to the pool; its next occupant gets a new id.
    mutating func release(_ s: Int) {
        slots[s].state = .free
        slots[s].generation += 1
    }

    var liveCount: Int {
        var n = 0
        for s in slotsEverUsed where slots[s].isAlive { n += 1 }
        return n
    }
}
