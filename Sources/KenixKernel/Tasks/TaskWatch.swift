// TaskWatch: a request to be told when a task ends. A server watches each
// client it holds state for (open files, buffers): when the client ends, for
// any reason, the kernel signals the watcher's notification bits, and the
// server asks `task_status` which of its clients are gone and releases what
// they held. Watches live in a fixed table (KernelCapacity.taskWatches).

struct TaskWatch {
    /// The watched task; raw 0 marks a free entry.
    var target = TaskID(raw: 0)
    /// The watcher's slot.
    var watcher = -1
    var notification: UInt64 = 0
    var bits: UInt64 = 0
}

struct TaskWatchTable {
    private let entries: UnsafeMutablePointer<TaskWatch>

    init() {
        entries = .allocate(capacity: KernelCapacity.taskWatches)
        entries.initialize(repeating: TaskWatch(), count: KernelCapacity.taskWatches)
    }

    subscript(i: Int) -> TaskWatch {
        get { entries[i] }
        nonmutating set { entries[i] = newValue }
    }

    /// Stores `watch`; false when the table is full.
    func insert(_ watch: TaskWatch) -> Bool {
        for i in 0..<KernelCapacity.taskWatches where entries[i].target.raw == 0 {
            entries[i] = watch
            return true
        }
        return false
    }

    func remove(_ i: Int) { entries[i] = TaskWatch() }
}
