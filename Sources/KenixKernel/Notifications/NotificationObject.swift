// NotificationObject: one notification. A notification
// is a word of signal bits: `signal` ORs bits in and never blocks, `wait`
// blocks until a bit is set and takes them all, `poll` takes them at once.
// At most one task waits on an object at a time, and at most one task is
// bound to it (its `recv` also returns for the object's signals). Access is
// a bit per task slot, as for shared memory; the objects live in an
// ObjectTable, named by generation-checked ids.

struct NotificationObject: TableEntry {
    var id: UInt64 = 0          // 0 = free slot
    var bits: UInt64 = 0
    /// Bit i set: task slot i may signal, wait, poll, grant or bind.
    var holders: UInt64 = 0
    /// The slot blocked in `wait` on it, or -1.
    var waiter = -1
    /// The slot bound to it, or -1.
    var bound = -1
    var generation: UInt64 = 0
    static var capacity: Int { KernelCapacity.notifications }
}

typealias NotificationTable = ObjectTable<NotificationObject>
