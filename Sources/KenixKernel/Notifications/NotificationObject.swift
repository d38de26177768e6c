// NotificationObject: one notification. A notification
// is a word of signal bits: `signal` ORs bits in and never blocks, `wait`
// blocks until a bit is set and takes them all, `poll` takes them at once.
// At most one task waits on an object at a time, and at most one task is
// bound to it (its `recv` also returns for the object's signals). Tasks
// reach it through handles; the objects live in an ObjectTable, named by
// generation-checked ids.

struct NotificationObject: TableEntry {
    var id: UInt64 = 0          // 0 = free slot
    var bits: UInt64 = 0
    /// Live handles to it, in every table; the last one's close frees it.
    var handles = 0
    /// Bumped by `handle_revoke`: handles from an older epoch are dead.
    var epoch: UInt32 = 0
    /// The slot blocked in `wait` on it, or -1.
    var waiter = -1
    /// The slot bound to it, or -1.
    var bound = -1
    /// The task whose quota pays for it (Quota, `.objects`).
    var payer = TaskID(raw: 0)
    var generation: UInt64 = 0
    static var capacity: Int { KernelCapacity.notifications }
}

typealias NotificationTable = ObjectTable<NotificationObject>
