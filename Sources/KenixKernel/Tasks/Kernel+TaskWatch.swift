// `task_watch` and `task_status`: how a server learns that a client ended
// (docs/syscalls.md, "Task control"). A watch fires once, when its task ends
// (exit, kill, fault); a watch on a task that has already ended fires at
// once. Watches end with their watcher.
import HAL
import KenixABI

extension Kernel {
    /// `task_watch(task, notification, bits)`: signal `bits` of the caller's
    /// `notification` when `task` ends.
    mutating func taskWatch(_ slot: Int, task: UInt64, notification: UInt64, bits: UInt64) -> SyscallResult {
        guard bits != 0 else { return .failure(.invalidArgument) }
        let note: Int
        switch heldNotification(slot, notification) {
        case .failure(let e): return .failure(e)
        case .success(let i): note = i
        }
        let target = TaskID(raw: task)
        guard tasks.liveSlot(of: target) != nil else {
            signal(note, bits)           // already ended (or never was): tell at once
            return .success(0)
        }
        guard watches.insert(TaskWatch(target: target, watcher: slot, notification: notification, bits: bits)) else {
            return .failure(.limitReached)
        }
        return .success(0)
    }

    /// `task_status(task)`: the task's `TaskStateCode`, or `noSuchTask` once
    /// it has been reaped (or for an id that never named a task).
    mutating func taskStatus(task: UInt64) -> SyscallResult {
        guard let s = tasks.slot(of: TaskID(raw: task)) else { return .failure(.noSuchTask) }
        return .success(tasks[s].pointee.stateCode.rawValue)
    }

    /// `slot` is ending: fire the watches on it and drop the ones it holds.
    mutating func settleWatches(of slot: Int) {
        let me = tasks[slot].pointee.id
        for i in 0..<KernelCapacity.taskWatches where watches[i].target.raw != 0 {
            let w = watches[i]
            if w.target == me {
                watches.remove(i)
                if let n = notifications.index(of: w.notification) { signal(n, w.bits) }
            } else if w.watcher == slot {
                watches.remove(i)
            }
        }
    }
}
