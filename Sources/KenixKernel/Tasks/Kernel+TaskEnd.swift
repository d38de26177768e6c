// Ending a task: `exit`, `kill`, and the kernel killing a task for a fault.
// Ending releases everything the task held and fails every IPC partner
// blocked on it, so no other task can hang on a dead one; its exit record
// waits for its parent (Kernel+Wait).
import HAL
import KenixABI

extension Kernel {
    /// `exit(status)`: the caller ends.
    mutating func exit(_ slot: Int, status: Int64) -> SyscallResult {
        endTask(slot, status: status, killed: false)
        return .ended
    }

    /// `kill(handle, id)`: ends another live task as if it had faulted, with
    /// status `KillReason.killedByTask`: the task a handle with `kill` names,
    /// or task `id` with the task directory's `kill`. init cannot be killed
    /// (its end ends the system), and a task ends itself with `exit`.
    mutating func killSyscall(_ slot: Int, handle: UInt64, target: UInt64) -> SyscallResult {
        let victim: Int
        if case .success = resolve(slot, handle, .taskDirectory, HandleRights.kill) {
            guard let s = tasks.liveSlot(of: TaskID(raw: target)) else { return .failure(.noSuchTask) }
            victim = s
        } else {
            switch taskSlot(slot, handle, HandleRights.kill) {
            case .failure(let e): return .failure(e)
            case .success(let s): victim = s
            }
        }
        guard victim != slot, tasks[victim].pointee.id != initTask else { return .failure(.notPermitted) }
        hal.trace.record(TraceEvent(.taskFault, tasks[victim].pointee.id.raw, tasks[victim].pointee.context.pc, 0))
        endTask(victim, status: Int64(KillReason.killedByTask.rawValue), killed: true)
        return .success(0)
    }

    /// Kills `slot` for a fault, with a one-line diagnostic.
    mutating func kill(_ slot: Int, reason: KillReason, fault: MemoryFault?) {
        let t = tasks[slot]
        log.put("kenix: killed ")
        logTask(slot)
        if reason == .outOfMemory, let fault {
            log.put(": out of memory at ")
            log.put(hex: fault.address.raw)
        } else if let fault {
            log.put(fault.access == .execute ? ": instruction abort (" : ": data abort (")
            switch fault.status {
            case .translation(let l): log.put("translation fault, level "); log.put(decimal: UInt64(l))
            case .accessFlag(let l): log.put("access flag fault, level "); log.put(decimal: UInt64(l))
            case .permission(let l): log.put("permission fault, level "); log.put(decimal: UInt64(l))
            case .alignment: log.put("alignment fault")
            case .other(let esr): log.put("esr "); log.put(hex: esr)
            }
            switch fault.access {
            case .read: log.put(") on read at ")
            case .write: log.put(") on write at ")
            case .execute: log.put(") on execute at ")
            }
            log.put(hex: fault.address.raw)
        } else if reason == .softwareTrap {
            log.put(": software trap (brk)")
        } else {
            log.put(": undefined instruction")
        }
        log.put(", pc ")
        log.put(hex: t.pointee.context.pc)
        log.put("\n")
        hal.trace.record(TraceEvent(.taskFault, t.pointee.id.raw, t.pointee.context.pc,
                                    fault?.address.raw ?? 0))
        endTask(slot, status: Int64(reason.rawValue), killed: true)
    }

    /// Ends `slot`: releases its resources, fails its IPC partners, and either
    /// hands its status to a waiting parent or leaves it as a zombie.
    mutating func endTask(_ slot: Int, status: Int64, killed: Bool) {
        let t = tasks[slot]
        let me = t.pointee.id
        hal.trace.record(TraceEvent(.taskExit, me.raw, UInt64(bitPattern: status), killed ? 1 : 0))
        detachFromScheduler(slot)
        endSupervisedTasks(of: slot)
        failPartners(of: slot)
        releaseResources(slot)
        settleWatches(of: slot)
        t.pointee.exit = ExitRecord(status: status, killed: killed)
        t.pointee.state = .zombie

        // Orphan the children; zombies among them have nobody to reap them.
        for s in tasks.slotsEverUsed where s != slot && tasks[s].pointee.state != .free
            && tasks[s].pointee.parent == me {
            tasks[s].pointee.parent = TaskID(raw: 0)
            if tasks[s].pointee.state == .zombie { tasks.release(s) }
        }
        if me == initTask {
            outcome = killed ? .initKilled(reason: UInt64(status)) : .initExited(status: status)
        }
        if let p = tasks.liveSlot(of: t.pointee.parent) {
            if tasks[p].pointee.state == .blocked(.waitingFor(child: me)) {
                deliverExit(of: slot, to: p)
            }
        } else {
            tasks.release(slot)
        }
    }

    /// Takes `slot` out of whatever scheduling structure holds it.
    private mutating func detachFromScheduler(_ slot: Int) {
        let t = tasks[slot]
        if t.pointee.wakeAt != nil { cancelTimeout(slot) }
        switch t.pointee.state {
        case .running: if current == slot { current = nil }
        case .ready: ready.remove(slot, tasks)
        case .blocked(.sending(let to, _)):
            if let r = tasks.slot(of: to) { removeSender(slot, from: r) }
        default: break
        }
    }

    /// Frees the address space, shared-memory access, interrupt lines, data
    /// disks, the UART and services.
    private mutating func releaseResources(_ slot: Int) {
        let t = tasks[slot]
        releaseNotifications(of: slot)
        closeAllHandles(of: slot)
        releaseInterruptRoutes(of: slot)
        releaseDataDisks(of: slot)
        if let space = t.pointee.space {
            space.destroy(frames: &frames, swap: &swap, memory: hal.memory)
            hal.mmu.invalidateAll(asid: space.asid)
            if activeASID == space.asid { activeASID = nil }
            t.pointee.space = nil
        }
        releaseSharedMemoryMappings(of: slot)
        returnQuota(of: slot)
        if uartOwner == t.pointee.id { uartOwner = nil }
        if keyboardOwner == t.pointee.id { keyboardOwner = nil }
        for i in 0..<services.count where services[i] == t.pointee.id { services[i] = TaskID(raw: 0) }
    }
}
