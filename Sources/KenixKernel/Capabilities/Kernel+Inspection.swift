// Read-only views of the capability and quota state, for tests, debuggers
// and the fuzzers' leak checks (what must return exactly to its start once
// every hostile task is gone): the task table's size, a task's live
// handles and quota, and the live notification and shared-memory objects.
import HAL
import KenixABI

/// One resource of a task's quota, as `task_quota` reports it.
public struct QuotaUse: Equatable, Sendable {
    public let used: Int
    public let limit: Int
}

/// A task's shares and use (frames, child task slots, swap slots).
public struct QuotaReport: Equatable, Sendable {
    public let frames: QuotaUse
    public let tasks: QuotaUse
    public let swap: QuotaUse
}

extension Kernel {
    /// Task slots (slot 0 included, never used), sized from RAM at boot.
    public var taskCapacity: Int { tasks.capacity }

    /// Live handles task `id` holds, or nil when no such task exists.
    public func handleCount(of id: TaskID) -> Int? {
        tasks.slot(of: id).map { handles.count($0) }
    }

    /// Task `id`'s quota, or nil when no such task exists.
    public func quota(of id: TaskID) -> QuotaReport? {
        guard let s = tasks.slot(of: id) else { return nil }
        let q = tasks[s].pointee.quota
        return QuotaReport(frames: QuotaUse(used: q.frames.used, limit: q.frames.limit),
                           tasks: QuotaUse(used: q.tasks.used, limit: q.tasks.limit),
                           swap: QuotaUse(used: q.swap.used, limit: q.swap.limit))
    }

    /// Notification objects that exist now.
    public var liveNotificationCount: Int {
        var n = 0
        for i in 1..<NotificationTable.capacity where notifications[i].id != 0 { n += 1 }
        return n
    }

    /// Shared-memory objects that exist now (their frames are allocated).
    public var liveSharedMemoryCount: Int {
        var n = 0
        for i in 1..<SharedMemoryTable.capacity where shm[i].id != 0 { n += 1 }
        return n
    }

    /// Outstanding `task_watch` requests.
    public var liveWatchCount: Int {
        var n = 0
        for i in 0..<KernelCapacity.taskWatches where watches[i].target.raw != 0 { n += 1 }
        return n
    }
}
