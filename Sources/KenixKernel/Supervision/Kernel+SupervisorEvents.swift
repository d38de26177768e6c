// Supervisor events: a supervised task's `svc`, an unresolved memory fault,
// an undefined instruction or a `brk` stops the task and becomes a message
// to its supervisor, exactly as if the task had called it: delivered at once
// if the supervisor is receiving, queued in its sender queue otherwise. The
// message is the event (SupervisorEvent), not the task's registers. Once
// received, the task stays `.stopped` until `task_resume` or its end.
import HAL
import KenixABI

extension Kernel {
    /// Handles a trap of supervised task `slot` by stopping it and telling
    /// its supervisor. Demand paging, copy-on-write and swap still happen in
    /// the kernel first: only faults that would kill a Kenix task are events.
    mutating func forwardTrap(_ trap: Trap, of slot: Int) {
        let t = tasks[slot]
        let c = t.pointee.context
        let marker = SupervisorEventTag.marker
        switch trap {
        case .syscall:
            let tag = marker | SupervisorEvent.syscall.rawValue
                | (c.x[8] & SupervisorEventTag.numberMask) << SupervisorEventTag.numberShift
            hal.trace.record(TraceEvent(.syscall, t.pointee.id.raw, c.x[8]))
            t.pointee.syscallPending = c.x[8] &+ 1
            stop(slot, SupervisorMessage(tag: tag, w0: c.x[0], w1: c.x[1], w2: c.x[2], w3: c.x[3]))
        case .memoryFault(let fault):
            if resolveFault(slot, fault) { return }
            let (code, level) = Self.faultCode(fault.status)
            stop(slot, SupervisorMessage(tag: marker | SupervisorEvent.memoryFault.rawValue,
                                         w0: fault.address.raw, w1: Self.accessCode(fault.access).rawValue,
                                         w2: code.rawValue | UInt64(level) << 8, w3: c.pc))
        case .undefinedInstruction:
            stop(slot, SupervisorMessage(tag: marker | SupervisorEvent.undefinedInstruction.rawValue, w0: c.pc))
        case .breakpoint(let immediate):
            stop(slot, SupervisorMessage(tag: marker | SupervisorEvent.breakpoint.rawValue, w0: c.pc,
                                         w1: UInt64(immediate)))
        case .interrupt: handleInterrupt()
        case .halt: break
        }
    }

    /// Stops `slot` with `event` for its supervisor.
    mutating func stop(_ slot: Int, _ event: SupervisorMessage) {
        let t = tasks[slot]
        guard let supervisor = t.pointee.supervisor, let s = tasks.liveSlot(of: supervisor) else {
            // Unreachable: a supervisor's end ends its tasks. Never run one unsupervised.
            return kill(slot, reason: .undefinedInstruction, fault: nil)
        }
        t.pointee.event = event
        if case .blocked(.receiving(let filter)) = tasks[s].pointee.state, filter == nil || filter == t.pointee.id {
            write(eventReceived(from: slot), to: s)
            makeReady(s)
            block(slot, .stopped(by: supervisor))
            return
        }
        t.pointee.eventPending = true
        queueSender(slot, to: s, isCall: true)
    }

    /// What the supervisor's receive returns for `slot`'s event.
    mutating func eventReceived(from slot: Int) -> SyscallResult {
        let t = tasks[slot]
        let e = t.pointee.event
        hal.trace.record(TraceEvent(.ipcDeliver, t.pointee.id.raw, t.pointee.supervisor?.raw ?? 0, e.tag))
        return .registers(SyscallReturn(x0: t.pointee.id.raw, x1: e.tag, x2: e.w0, x3: e.w1, x4: e.w2, x5: e.w3))
    }

    /// Every task `slot` supervises ends with it: nothing else could run them.
    mutating func endSupervisedTasks(of slot: Int) {
        let me = tasks[slot].pointee.id
        for s in tasks.slotsEverUsed where s != slot && tasks[s].pointee.isAlive
            && tasks[s].pointee.supervisor == me {
            endTask(s, status: Int64(KillReason.killedByTask.rawValue), killed: true)
        }
    }

    private static func faultCode(_ status: FaultStatus) -> (FaultCode, UInt8) {
        switch status {
        case .translation(let l): (.translation, l)
        case .accessFlag(let l): (.accessFlag, l)
        case .permission(let l): (.permission, l)
        case .alignment: (.alignment, 0)
        case .other: (.other, 0)
        }
    }

    private static func accessCode(_ access: MemoryAccess) -> MemoryAccessCode {
        switch access {
        case .read: .read
        case .write: .write
        case .execute: .execute
        }
    }
}
