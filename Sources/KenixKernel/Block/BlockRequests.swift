// BlockRequests: the user-space drivers' disk requests the kernel tracks,
// from `block_submit` until the owner takes the completion with
// `block_complete`, and DataDisk, each data disk's owner and queue.
//
// An entry is in flight while the device has it (it pins the shared-memory
// object whose frames the device reads or writes, so the frames outlive
// every task that held them), then done until its owner collects it. The
// entry's index is the tag the device sees. Entries of a disk's done queue
// are linked in completion order. Allocated once at boot, outside the
// Kernel value.
import HAL

struct BlockRequestEntry {
    enum State { case free, inFlight, done }
    var state = State.free
    var disk = 0
    var succeeded = false
    /// The task that submitted it: its completion goes to the disk's owner
    /// only if that is still this task.
    var owner = TaskID(raw: 0)
    /// The submitter's tag, returned by `block_complete`.
    var tag: UInt64 = 0
    /// The pinned shared-memory object (table index), 0 for a flush.
    var shm = 0
    /// Next entry in the disk's done queue, -1 at its end.
    var next = -1
}

/// One data disk as the kernel lends it: its owner (0 = none), where its
/// completions are signalled, and its queue.
struct DataDisk {
    var owner = TaskID(raw: 0)
    var notification: UInt64 = 0
    var bit: UInt64 = 0
    /// The disk's completion line (the kernel's, never a driver's).
    var irq: UInt32 = 0
    /// Requests it will take at once: min(device depth, blockRequestsPerDisk).
    var depth = 0
    /// Entries of this disk in flight or done and not collected; at most `depth`.
    var outstanding = 0
    var doneHead = -1
    var doneTail = -1
}

struct BlockRequests {
    static let capacity = KernelCapacity.blockRequests
    private let entries: UnsafeMutablePointer<BlockRequestEntry>

    init() {
        entries = .allocate(capacity: Self.capacity)
        entries.initialize(repeating: BlockRequestEntry(), count: Self.capacity)
    }

    @inline(__always) subscript(i: Int) -> BlockRequestEntry {
        get { entries[i] }
        nonmutating set { entries[i] = newValue }
    }

    /// Stores `entry` as in flight; its index, or nil when the table is full.
    func insert(_ entry: BlockRequestEntry) -> Int? {
        for i in 0..<Self.capacity where entries[i].state == .free {
            entries[i] = entry
            entries[i].state = .inFlight
            entries[i].next = -1
            return i
        }
        return nil
    }

    func free(_ i: Int) { entries[i] = BlockRequestEntry() }

    /// The in-flight entry of `disk` the device tag names, or nil (a tag
    /// the kernel never gave this disk).
    func inFlight(tag: UInt64, disk: Int) -> Int? {
        guard tag < UInt64(Self.capacity) else { return nil }
        let i = Int(tag)
        guard entries[i].state == .inFlight, entries[i].disk == disk else { return nil }
        return i
    }

    /// Marks entry `i` done and appends it to `disk`'s done queue.
    func appendDone(_ i: Int, succeeded: Bool, to disk: inout DataDisk) {
        entries[i].state = .done
        entries[i].succeeded = succeeded
        entries[i].next = -1
        if disk.doneTail >= 0 { entries[disk.doneTail].next = i } else { disk.doneHead = i }
        disk.doneTail = i
    }

    /// Removes and returns the oldest done entry of `disk`.
    func takeDone(from disk: inout DataDisk) -> BlockRequestEntry? {
        let i = disk.doneHead
        guard i >= 0 else { return nil }
        let e = entries[i]
        disk.doneHead = e.next
        if disk.doneHead < 0 { disk.doneTail = -1 }
        free(i)
        disk.outstanding -= 1
        return e
    }
}
