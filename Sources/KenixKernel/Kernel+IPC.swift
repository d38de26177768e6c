// Synchronous IPC addressed by task id. A message is a tag and four words,
// carried in x1–x5 of the sender's saved context and copied straight into
// x1–x5 of the receiver's: no kernel buffer, no allocation.
//
// Blocking rules (see docs/syscalls.md): a sender or caller waits in the
// receiver's FIFO until received; a caller then waits in `.awaitingReply`
// until answered — receiving it never makes it ready. Results for a task that
// is not running are written into its saved context by whoever wakes it.
import HAL
import KenixABI

extension Kernel {
    /// Copies the message in x1–x5 of `from` into x1–x5 of `to`.
    @inline(__always)
    mutating func copyMessage(from: Int, to: Int) {
        let s = tasks[from], r = tasks[to]
        r.pointee.context.x[1] = s.pointee.context.x[1]
        r.pointee.context.x[2] = s.pointee.context.x[2]
        r.pointee.context.x[3] = s.pointee.context.x[3]
        r.pointee.context.x[4] = s.pointee.context.x[4]
        r.pointee.context.x[5] = s.pointee.context.x[5]
    }

    /// How long a blocking IPC may wait.
    enum Wait {
        case forever
        /// Until the kernel clock reaches this time (ns); then `timedOut`.
        case until(UInt64)
        /// Not at all: `wouldBlock` when no partner is ready.
        case never
    }

    /// `send` (isCall false) or `call` from `slot` to task id `dest`. A
    /// call's timeout covers both waiting to be received and for the reply.
    mutating func ipcSend(_ slot: Int, to dest: UInt64, isCall: Bool, wait: Wait = .forever) {
        guard let r = tasks.liveSlot(of: TaskID(raw: dest)) else { return setError(slot, .noSuchTask) }
        guard r != slot else { return setError(slot, .invalidArgument) }
        let me = tasks[slot].pointee.id
        if case .blocked(.receiving(let filter)) = tasks[r].pointee.state, filter == nil || filter == me {
            deliver(from: slot, to: r, isCall: isCall)
            if isCall, case .until(let t) = wait { startTimeout(slot, at: t) }
            return
        }
        if case .never = wait { return setError(slot, .wouldBlock) }
        block(slot, .sending(to: tasks[r].pointee.id, isCall: isCall))
        appendSender(slot, to: r)
        if case .until(let t) = wait { startTimeout(slot, at: t) }
    }

    /// `recv` by `slot` from `filter` (0 = anyone). A receive from anyone
    /// also ends with the pending bits of the task's bound notification,
    /// which take precedence over queued senders.
    mutating func ipcReceive(_ slot: Int, from filter: UInt64, wait: Wait = .forever) {
        var wanted: TaskID? = nil
        if filter != ipcAnySender {
            guard let s = tasks.liveSlot(of: TaskID(raw: filter)) else { return setError(slot, .noSuchTask) }
            guard s != slot else { return setError(slot, .invalidArgument) }
            wanted = TaskID(raw: filter)
        } else if let i = pendingBoundNotification(slot) {
            return deliverNotification(i, asReceiveTo: slot)
        }
        var cursor = tasks[slot].pointee.sendersHead
        while cursor >= 0 {
            if wanted == nil || tasks[cursor].pointee.id == wanted {
                guard case .blocked(.sending(_, let isCall)) = tasks[cursor].pointee.state else {
                    fatalError("IPC: sender queue holds a task that is not sending")
                }
                removeSender(cursor, from: slot)
                deliver(from: cursor, to: slot, isCall: isCall)
                return
            }
            cursor = tasks[cursor].pointee.senderNext
        }
        switch wait {
        case .never: setError(slot, .wouldBlock)
        case .forever: block(slot, .receiving(from: wanted))
        case .until(let t):
            block(slot, .receiving(from: wanted))
            startTimeout(slot, at: t)
        }
    }

    /// Hands the message of `sender` to `receiver`, who is receiving (or is
    /// the running task taking it from its queue).
    private mutating func deliver(from sender: Int, to receiver: Int, isCall: Bool) {
        let s = tasks[sender], r = tasks[receiver]
        copyMessage(from: sender, to: receiver)
        r.pointee.context.x[0] = s.pointee.id.raw
        hal.trace.record(TraceEvent(.ipcDeliver, s.pointee.id.raw, r.pointee.id.raw, s.pointee.context.x[1]))
        if r.pointee.state != .running { makeReady(receiver) }
        if isCall {
            r.pointee.lastCaller = s.pointee.id
            block(sender, .awaitingReply(from: r.pointee.id))
        } else {
            s.pointee.context.x[0] = 0
            if s.pointee.state != .running { makeReady(sender) }
        }
    }

    /// `reply` (to the last caller) or `reply_to` (to `client`) from `slot`.
    /// Returns whether the reply was delivered.
    @discardableResult
    mutating func ipcReply(_ slot: Int, to client: TaskID?) -> Bool {
        let me = tasks[slot].pointee.id
        let target = client ?? tasks[slot].pointee.lastCaller
        guard let target, let c = tasks.liveSlot(of: target) else {
            setError(slot, .noSuchTask)
            return false
        }
        guard tasks[c].pointee.state == .blocked(.awaitingReply(from: me)) else {
            setError(slot, client == nil ? .noSuchTask : .notPermitted)
            return false
        }
        if tasks[slot].pointee.lastCaller == target { tasks[slot].pointee.lastCaller = nil }
        copyMessage(from: slot, to: c)
        tasks[c].pointee.context.x[0] = 0
        hal.trace.record(TraceEvent(.ipcDeliver, me.raw, target.raw, tasks[slot].pointee.context.x[1]))
        makeReady(c)
        setReturn(slot, 0)
        return true
    }

    /// `reply_recv`: answer the last caller if there is one, then receive.
    mutating func ipcReplyReceive(_ slot: Int, from filter: UInt64) {
        if tasks[slot].pointee.lastCaller != nil {
            ipcReply(slot, to: nil)
            tasks[slot].pointee.lastCaller = nil   // a dead caller is simply dropped
        }
        ipcReceive(slot, from: filter)
    }

    /// Fails every task blocked on `slot`, which is ending.
    mutating func failPartners(of slot: Int) {
        let me = tasks[slot].pointee.id
        while tasks[slot].pointee.sendersHead >= 0 {
            let s = tasks[slot].pointee.sendersHead
            removeSender(s, from: slot)
            failIPC(s)
        }
        for s in 1..<TaskTable.capacity where s != slot {
            switch tasks[s].pointee.state {
            case .blocked(.awaitingReply(let server)) where server == me: failIPC(s)
            case .blocked(.receiving(let from)) where from == me: failIPC(s)
            default: break
            }
        }
    }

    private mutating func failIPC(_ slot: Int) {
        setError(slot, .partnerDied)
        makeReady(slot)
    }

    // MARK: Sender queues (FIFO per receiver)

    private mutating func appendSender(_ slot: Int, to receiver: Int) {
        let r = tasks[receiver]
        tasks[slot].pointee.senderNext = -1
        if r.pointee.sendersTail >= 0 { tasks[r.pointee.sendersTail].pointee.senderNext = slot }
        else { r.pointee.sendersHead = slot }
        r.pointee.sendersTail = slot
    }

    mutating func removeSender(_ slot: Int, from receiver: Int) {
        let r = tasks[receiver]
        var prev = -1
        var cursor = r.pointee.sendersHead
        while cursor >= 0 && cursor != slot { prev = cursor; cursor = tasks[cursor].pointee.senderNext }
        guard cursor == slot else { return }
        let next = tasks[slot].pointee.senderNext
        if prev < 0 { r.pointee.sendersHead = next } else { tasks[prev].pointee.senderNext = next }
        if r.pointee.sendersTail == slot { r.pointee.sendersTail = prev }
        tasks[slot].pointee.senderNext = -1
    }
}
