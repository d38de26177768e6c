// Scheduling: fixed priorities, round-robin within a priority.
//
// Invariants: a task is `.ready` exactly when it is in `ready`; the running
// task (`current`) is not queued. A task preempted by a higher-priority one
// goes back to the front of its queue with the rest of its slice; a task
// whose slice ran out goes to the back with a fresh one.
import HAL
import KenixABI

extension Kernel {
    /// Makes a blocked or new task ready to run; a timed wait ends here too.
    mutating func makeReady(_ slot: Int) {
        if tasks[slot].pointee.wakeAt != nil { cancelTimeout(slot) }
        tasks[slot].pointee.state = .ready
        ready.pushBack(slot, tasks)
    }

    /// Marks the running task blocked; `schedule()` will pick another.
    mutating func block(_ slot: Int, _ reason: BlockReason) {
        tasks[slot].pointee.state = .blocked(reason)
    }

    /// Picks the task to run next, preempting the current one if a task of
    /// higher priority is ready, and arms the timer for what comes next.
    mutating func schedule() {
        if let c = current {
            let task = tasks[c]
            if task.pointee.state == .running {
                guard let best = ready.highestPriority, best > task.pointee.priority else {
                    armTimer()
                    return
                }
                let time = clock()
                task.pointee.sliceRemaining = sliceEnd > time ? sliceEnd - time : 0
                task.pointee.state = .ready
                ready.pushFront(c, tasks)
            }
            current = nil
        }
        if let next = ready.popHighest(tasks) { dispatch(next) }
        armTimer()
    }

    /// Makes `slot` (taken off the ready queue, or handed the CPU by the IPC
    /// fast path) the running task with its slice.
    mutating func dispatch(_ slot: Int) {
        let task = tasks[slot]
        task.pointee.state = .running
        let remaining = task.pointee.sliceRemaining
        task.pointee.sliceRemaining = 0
        sliceEnd = clock() + (remaining > 0 ? remaining : config.timeSlice)
        current = slot
        hal.trace.record(TraceEvent(.taskSwitch, task.pointee.id.raw, UInt64(frames.freeCount), UInt64(ready.count)))
        if task.pointee.syscallPending != 0 {
            hal.trace.record(TraceEvent(.syscallExit, task.pointee.id.raw, task.pointee.syscallPending &- 1,
                                        task.pointee.context.x[0]))
            task.pointee.syscallPending = 0
        }
    }

    /// The running task's slice has ended: rotate it behind its peers, or
    /// give it a new slice when it has none.
    mutating func sliceExpired() {
        guard let c = current, tasks[c].pointee.state == .running else { return }
        let time = clock()
        guard time >= sliceEnd else { return }
        if ready.isEmpty(priority: tasks[c].pointee.priority) {
            advanceSliceEnd(past: time)
        } else {
            tasks[c].pointee.state = .ready
            ready.pushBack(c, tasks)
            current = nil
        }
    }

    /// Moves a stale slice end forward by whole slices to the first boundary
    /// after `clock`. Slice boundaries thus fall on a grid anchored at the
    /// task's dispatch, whether or not an unrelated timer interrupt happened to
    /// observe the slice running out while the task had no peer.
    mutating func advanceSliceEnd(past clock: UInt64) {
        guard sliceEnd <= clock else { return }
        sliceEnd += ((clock - sliceEnd) / config.timeSlice + 1) * config.timeSlice
    }

    /// Programs the timer for the earliest of: the end of the running task's
    /// slice (only when a peer is waiting for it) and the earliest sleeper.
    mutating func armTimer() {
        var deadline: UInt64? = nil
        var deferrable = true
        if let c = current, !ready.isEmpty(priority: tasks[c].pointee.priority) {
            advanceSliceEnd(past: clock())
            deadline = sliceEnd
            deferrable = false
        }
        if timedHead >= 0, let until = tasks[timedHead].pointee.wakeAt {
            deadline = min(deadline ?? until, until)
        }
        var cursor = timedHead
        while deferrable && cursor >= 0 {
            deferrable = tasks[cursor].pointee.wakeDeferrable
            cursor = tasks[cursor].pointee.timerNext
        }
        var target: UInt64? = nil
        if let deadline { target = ticks(fromNanoseconds: deadline) }
        if target != armedDeadline || deferrable != armedDeferrable {
            armedDeadline = target
            armedDeferrable = deferrable
            hal.timer.setDeadline(target, deferrable: deferrable)
        }
    }

    /// `yield`: the running task gives up the CPU to its peers (to the back
    /// of its queue).
    mutating func yield(_ slot: Int) -> SyscallResult {
        guard current == slot else { return .success(0) }
        tasks[slot].pointee.sliceRemaining = 0
        makeReady(slot)
        current = nil
        return .success(0)
    }
}
