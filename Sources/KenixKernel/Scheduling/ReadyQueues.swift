// ReadyQueues: one FIFO of ready tasks per priority (1–31), linked through
// the tasks themselves, plus a bitmap of non-empty priorities, so picking the
// next task is a count-leading-zeros and a list pop: O(1), no allocation.

struct ReadyQueues {
    static let levels = 32
    private var heads = InlineArray<32, Int>(repeating: -1)
    private var tails = InlineArray<32, Int>(repeating: -1)
    private var nonEmpty: UInt32 = 0
    /// Tasks queued at all priorities (the trace's ready-tasks counter; a
    /// UInt32 fits in the padding after `nonEmpty`).
    private(set) var count: UInt32 = 0

    // isEmpty is inlined: called on the kernel's `ready` (520 bytes) from
    // another module (kenix-sim's specialized kernel), Swift otherwise
    // passed a copy of all of it, on every trap. (Inlining highestPriority
    // as well cost the AArch64 kernel 10 instructions per IPC round trip.)

    /// The highest priority with a ready task, or nil.
    var highestPriority: UInt8? {
        nonEmpty == 0 ? nil : UInt8(31 - nonEmpty.leadingZeroBitCount)
    }

    @inline(__always)
    func isEmpty(priority: UInt8) -> Bool { nonEmpty & (1 << UInt32(priority)) == 0 }

    mutating func pushBack(_ slot: Int, _ tasks: TaskTable) {
        let p = Int(tasks[slot].pointee.priority)
        tasks[slot].pointee.queueNext = -1
        tasks[slot].pointee.queuePrev = tails[p]
        if tails[p] >= 0 { tasks[tails[p]].pointee.queueNext = slot } else { heads[p] = slot }
        tails[p] = slot
        nonEmpty |= 1 << UInt32(p)
        count += 1
    }

    mutating func pushFront(_ slot: Int, _ tasks: TaskTable) {
        let p = Int(tasks[slot].pointee.priority)
        tasks[slot].pointee.queuePrev = -1
        tasks[slot].pointee.queueNext = heads[p]
        if heads[p] >= 0 { tasks[heads[p]].pointee.queuePrev = slot } else { tails[p] = slot }
        heads[p] = slot
        nonEmpty |= 1 << UInt32(p)
        count += 1
    }

    /// Removes and returns the first task of the highest non-empty priority.
    mutating func popHighest(_ tasks: TaskTable) -> Int? {
        guard let p = highestPriority else { return nil }
        let slot = heads[Int(p)]
        remove(slot, tasks)
        return slot
    }

    /// Unlinks `slot`, which must be queued.
    mutating func remove(_ slot: Int, _ tasks: TaskTable) {
        let t = tasks[slot]
        let p = Int(t.pointee.priority)
        if t.pointee.queuePrev >= 0 { tasks[t.pointee.queuePrev].pointee.queueNext = t.pointee.queueNext }
        else { heads[p] = t.pointee.queueNext }
        if t.pointee.queueNext >= 0 { tasks[t.pointee.queueNext].pointee.queuePrev = t.pointee.queuePrev }
        else { tails[p] = t.pointee.queuePrev }
        t.pointee.queueNext = -1
        t.pointee.queuePrev = -1
        if heads[p] < 0 { nonEmpty &= ~(1 << UInt32(p)) }
        count -= 1
    }
}
