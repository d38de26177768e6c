// Charging tasks for what the kernel allocates on their behalf (Quota).
// Frames are charged where they are taken for a task (its pages, page
// tables and shared-memory objects) and given back where they are freed; a
// task that would go over its share gets `outOfMemory` (or, for a page it
// touches, is killed for it, as when RAM itself is exhausted). A server
// working for a client pays with its own quota: servers are sized for it.
import HAL
import KenixABI

extension Kernel {
    /// Charges `n` frames to `slot`; false when its share is exhausted.
    mutating func chargeFrames(_ slot: Int, _ n: Int) -> Bool { tasks[slot].pointee.quota.frames.take(n) }

    /// Gives `n` frames back to the task `payer`, if it still exists.
    mutating func refundFrames(_ payer: TaskID, _ n: Int) {
        guard let s = tasks.slot(of: payer) else { return }
        tasks[s].pointee.quota.frames.giveBack(n)
    }

    /// `count` contiguous frames for user memory (shared memory), never
    /// from the kernel's reserve; nil when RAM has no such run.
    mutating func allocateContiguousUserFrames(_ count: Int) -> PhysAddr? {
        guard frames.freeCount - count >= pager.reserve else { return nil }
        return frames.allocate(count: count)
    }

    /// Runs `body`, which may build page tables for `slot`'s address space,
    /// and charges `slot` for the frames they took.
    mutating func chargingTables<T>(_ slot: Int, _ body: (inout Kernel) -> T) -> T {
        let before = frames.freeCount
        let result = body(&self)
        let taken = before - frames.freeCount
        if taken > 0 { tasks[slot].pointee.quota.frames.used += taken }
        return result
    }

    /// Sets up the quota of a new task `child` started by `parent` (nil for
    /// init, which gets the whole machine): `share` 256ths of what the
    /// parent has left.
    mutating func giveQuota(to child: Int, from parent: Int?, share fraction: UInt64 = QuotaShare.half) {
        guard let parent else {
            tasks[child].pointee.quota = Quota(frames: Allowance(limit: frames.freeCount),
                                               tasks: Allowance(limit: tasks.capacity - 2),
                                               swap: Allowance(limit: swap?.slotCount ?? 0))
            return
        }
        let share = tasks[parent].pointee.quota.childShare(fraction)
        tasks[parent].pointee.quota.lend(share)
        tasks[parent].pointee.quota.tasks.used += 1
        tasks[child].pointee.quota = share
    }

    /// Task `slot` has ended: its share goes back to its parent, or to init
    /// for an orphan (its frames are free by now; what it created that lives
    /// on is charged to no one).
    mutating func returnQuota(of slot: Int) {
        let share = tasks[slot].pointee.quota
        tasks[slot].pointee.quota = .none
        guard let p = tasks.liveSlot(of: tasks[slot].pointee.parent) ?? tasks.liveSlot(of: initTask),
              p != slot else { return }
        tasks[p].pointee.quota.reclaim(Quota(frames: Allowance(limit: share.frames.limit),
                                             tasks: Allowance(limit: share.tasks.limit),
                                             swap: Allowance(limit: share.swap.limit)))
    }

    /// The ended child `slot` is reaped: its parent's task count drops.
    mutating func releaseTaskCharge(of slot: Int) {
        guard let p = tasks.slot(of: tasks[slot].pointee.parent) else { return }
        tasks[p].pointee.quota.tasks.giveBack(1)
    }

    /// `task_quota(directory, slot)`: a task's shares and use, x0/x1 frames
    /// used/limit, x2/x3 tasks, x4/x5 swap slots. The caller's own with
    /// directory 0; any task's by slot with the task directory (`info`).
    mutating func taskQuota(_ slot: Int, directory: UInt64, index: UInt64) -> SyscallResult {
        var target = slot
        if directory != 0 {
            if case .failure(let e) = resolve(slot, directory, .taskDirectory, HandleRights.info) { return .failure(e) }
            guard index >= 1, index < UInt64(tasks.capacity), tasks[Int(index)].pointee.isAlive else {
                return .failure(.invalidArgument)
            }
            target = Int(index)
        }
        let q = tasks[target].pointee.quota
        return .registers(SyscallReturn(x0: UInt64(q.frames.used), x1: UInt64(q.frames.limit),
                                        x2: UInt64(q.tasks.used), x3: UInt64(q.tasks.limit),
                                        x4: UInt64(q.swap.used), x5: UInt64(q.swap.limit)))
    }
}
