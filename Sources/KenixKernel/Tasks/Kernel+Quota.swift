// Charging tasks for what the kernel allocates on their behalf (Quota).
// Frames are charged where they are taken for a task (its pages, page
// tables and shared-memory objects) and given back where they are freed; a
// task that would go over its share gets `outOfMemory` (or, for a page it
// touches, is killed for it, as when RAM itself is exhausted). A server
// working for a client pays with its own quota: servers are sized for it.
import HAL
import KenixABI

extension Kernel {
    /// The task whose ceiling also bounds `slot`'s: its live parent, or
    /// init for an orphan; nil for init.
    @inline(__always)
    func quotaParent(of slot: Int) -> Int? {
        let id = tasks[slot].pointee.id
        guard id != initTask else { return nil }
        guard let p = tasks.liveSlot(of: tasks[slot].pointee.parent) ?? tasks.liveSlot(of: initTask), p != slot else {
            return nil
        }
        return p
    }

    /// What `slot` may still take of `r`: the least room along its chain of ancestors.
    mutating func quotaRemaining(_ slot: Int, _ r: QuotaResource) -> Int {
        var least = Int.max
        var s: Int? = slot
        var depth = 0
        while let c = s, depth < tasks.capacity {
            least = min(least, tasks[c].pointee.quota[r].remaining)
            s = quotaParent(of: c)
            depth += 1
        }
        return least
    }

    /// Adds `n` (negative: gives back) to the use of `r` by `slot` and by
    /// every ancestor, without a check (what was already taken).
    mutating func account(_ slot: Int, _ r: QuotaResource, _ n: Int) {
        var s: Int? = slot
        var depth = 0
        while let c = s, depth < tasks.capacity {
            tasks[c].pointee.quota[r].used = max(tasks[c].pointee.quota[r].used + n, 0)
            s = quotaParent(of: c)
            depth += 1
        }
    }

    /// Charges `n` of `r` to `slot` if every ceiling on its chain allows it.
    mutating func charge(_ slot: Int, _ r: QuotaResource, _ n: Int) -> Bool {
        guard quotaRemaining(slot, r) >= n else { return false }
        account(slot, r, n)
        return true
    }

    /// Charges `n` frames to `slot`; false when a ceiling would be passed.
    mutating func chargeFrames(_ slot: Int, _ n: Int) -> Bool { charge(slot, .frames, n) }

    /// Gives `n` frames back to the task `payer`, if it still exists.
    mutating func refundFrames(_ payer: TaskID, _ n: Int) { refund(payer, .frames, n) }

    /// Gives `n` of `r` back to the task `payer`, if it still exists.
    mutating func refund(_ payer: TaskID, _ r: QuotaResource, _ n: Int) {
        guard let s = tasks.liveSlot(of: payer) else { return }
        account(s, r, -n)
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
        if taken > 0 { account(slot, .frames, taken) }
        return result
    }

    /// Sets up the ceilings of a new task `child` started by `parent` (nil
    /// for init, which gets the whole machine): `share` 256ths of the
    /// parent's; the child's slot counts in the parent's subtree.
    mutating func giveQuota(to child: Int, from parent: Int?, share fraction: UInt64 = QuotaShare.whole) {
        guard let parent else {
            // `swapSlots`, not `swap?.slotCount` here: in a mutating method
            // Swift 6.3 (-Onone) read the slot count out of a nil `swap`'s
            // uninitialised payload (init's swap ceiling was 30,000,000,000
            // in kenix-sim without a swap disk); the non-mutating accessor
            // checks for nil first.
            tasks[child].pointee.quota = Quota(frames: Allowance(limit: frames.freeCount),
                                               tasks: Allowance(limit: tasks.capacity - 2),
                                               swap: Allowance(limit: swapSlots),
                                               objects: Allowance(limit: KernelCapacity.objectsCeiling))
            return
        }
        tasks[child].pointee.quota = tasks[parent].pointee.quota.childShare(fraction)
        account(parent, .tasks, 1)
    }

    /// Task `slot` has ended (its frames and swap slots are free by now):
    /// its subtree's use leaves its ancestors' counts. Live descendants go
    /// on under their own ceilings; as orphans they count toward init's.
    mutating func returnQuota(of slot: Int) {
        let q = tasks[slot].pointee.quota
        if let p = quotaParent(of: slot) {
            account(p, .frames, -q.frames.used)
            account(p, .swap, -q.swap.used)
            account(p, .tasks, -q.tasks.used)
            account(p, .objects, -q.objects.used)
            passOnSurvivingObjects(of: slot, to: p)
        }
        tasks[slot].pointee.quota = .none
        // Orphans still alive now count toward init (their quotaParent).
        guard let i = tasks.liveSlot(of: initTask), i != slot else { return }
        let me = tasks[slot].pointee.id
        for c in tasks.slotsEverUsed where c != slot && tasks[c].pointee.isAlive && tasks[c].pointee.parent == me {
            let cq = tasks[c].pointee.quota
            account(i, .frames, cq.frames.used)
            account(i, .swap, cq.swap.used)
            account(i, .tasks, cq.tasks.used + 1)
            account(i, .objects, cq.objects.used)
        }
    }

    /// The objects `slot` paid for that outlive it (another task still holds
    /// a handle to them) are paid for by its quota parent `p` from now on,
    /// frames included: the subtree that made them keeps paying until they
    /// are freed, so a task cannot pass objects to a partner and exit to
    /// make room for more. (Its handles are closed by now, and a watch
    /// never outlives its watcher.)
    private mutating func passOnSurvivingObjects(of slot: Int, to p: Int) {
        let me = tasks[slot].pointee.id, heir = tasks[p].pointee.id
        var objects = 0, pages = 0
        for i in 1..<SharedMemoryTable.capacity where shm[i].id != 0 && shm[i].payer == me {
            shm[i].payer = heir
            objects += 1
            pages += shm[i].pages
        }
        for i in 1..<NotificationTable.capacity where notifications[i].id != 0 && notifications[i].payer == me {
            notifications[i].payer = heir
            objects += 1
        }
        account(p, .objects, objects)
        account(p, .frames, pages)
    }

    /// The ended child `slot` is reaped: its slot leaves its parent's count.
    mutating func releaseTaskCharge(of slot: Int) {
        guard let p = tasks.liveSlot(of: tasks[slot].pointee.parent) ?? tasks.liveSlot(of: initTask), p != slot else {
            return
        }
        account(p, .tasks, -1)
    }

    /// `task_quota(directory, slot, page)`: a task's shares and use; page
    /// 0: x0/x1 frames used/limit, x2/x3 tasks, x4/x5 swap slots; page 1:
    /// x0/x1 objects. The caller's own with directory 0; any task's by slot
    /// with the task directory (`info`).
    mutating func taskQuota(_ slot: Int, directory: UInt64, index: UInt64, page: UInt64) -> SyscallResult {
        guard page <= 1 else { return .failure(.invalidArgument) }
        var target = slot
        if directory != 0 {
            if case .failure(let e) = resolve(slot, directory, .taskDirectory, HandleRights.info) { return .failure(e) }
            guard let s = tasks.slotEverUsed(index), tasks[s].pointee.isAlive else { return .failure(.invalidArgument) }
            target = s
        }
        let q = tasks[target].pointee.quota
        if page == 1 { return .registers(SyscallReturn(x0: UInt64(q.objects.used), x1: UInt64(q.objects.limit))) }
        return .registers(SyscallReturn(x0: UInt64(q.frames.used), x1: UInt64(q.frames.limit),
                                        x2: UInt64(q.tasks.used), x3: UInt64(q.tasks.limit),
                                        x4: UInt64(q.swap.used), x5: UInt64(q.swap.limit)))
    }
}
