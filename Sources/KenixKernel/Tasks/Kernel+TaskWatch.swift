// `task_watch` and `task_status`: how a server learns that a client ended
// (docs/syscalls.md, "Task control"). A watch fires once, when its task ends
// (exit, kill, fault); a watch on a task that has already ended fires at
// once. Watches end with their watcher.
import HAL
import KenixABI

extension Kernel {
    /// `task_watch(task, notification, bits)`: signal `bits` of the
    /// notification (a handle with `signal`) when the task (a handle with
    /// `watch`) ends.
    mutating func taskWatch(_ slot: Int, task: UInt64, notification: UInt64, bits: UInt64) -> SyscallResult {
        guard bits != 0 else { return .failure(.invalidArgument) }
        let target: TaskID
        switch resolve(slot, task, .task, HandleRights.watch) {
        case .failure(let e): return .failure(e)
        case .success(let entry): target = TaskID(raw: entry.object)
        }
        let note: Int
        switch heldNotification(slot, notification, HandleRights.signal) {
        case .failure(let e): return .failure(e)
        case .success(let i): note = i
        }
        guard tasks.liveSlot(of: target) != nil else {
            signal(note, bits)           // already ended (or never was): tell at once
            return .success(0)
        }
        guard charge(slot, .objects, 1) else { return .failure(.limitReached) }
        guard watches.insert(TaskWatch(target: target, watcher: slot, notification: notifications[note].id,
                                       bits: bits)) else {
            account(slot, .objects, -1)
            return .failure(.limitReached)
        }
        return .success(0)
    }

    /// `task_status(task)`: x0 = the state of the task a handle with `info`
    /// names, x1 = what it waits for (TaskWaitCode), x2 = on whom; or
    /// `noSuchTask` once it has been reaped.
    mutating func taskStatus(_ slot: Int, task: UInt64) -> SyscallResult {
        let id: TaskID
        switch resolve(slot, task, .task, HandleRights.info) {
        case .failure(let e): return .failure(e)
        case .success(let entry): id = TaskID(raw: entry.object)
        }
        guard let s = tasks.slot(of: id) else { return .failure(.noSuchTask) }
        let wait = tasks[s].pointee.waitCode
        return .registers(SyscallReturn(x0: tasks[s].pointee.stateCode.rawValue, x1: wait.code.rawValue,
                                        x2: wait.partner))
    }

    /// `slot` is ending: fire the watches on it and drop the ones it holds.
    /// A fired watch goes back to its watcher's objects quota; the ones
    /// `slot` held left its ancestors' counts with the rest of its quota.
    mutating func settleWatches(of slot: Int) {
        let me = tasks[slot].pointee.id
        for i in 0..<KernelCapacity.taskWatches where watches[i].target.raw != 0 {
            let w = watches[i]
            if w.target == me {
                watches.remove(i)
                if w.watcher != slot && tasks[w.watcher].pointee.isAlive { account(w.watcher, .objects, -1) }
                if let n = notifications.index(of: w.notification) { signal(n, w.bits) }
            } else if w.watcher == slot {
                watches.remove(i)
            }
        }
    }
}
