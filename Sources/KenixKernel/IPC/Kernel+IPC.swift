// Synchronous IPC to a task named by a handle with `send` (a task id alone
// grants nothing). A message is a tag and four words, carried in x1–x5 of
// the sender's saved context and copied straight into x1–x5 of the
// receiver's: no kernel buffer, no allocation. A message may carry one
// handle (IPCTag.transfersHandle, w3): the receiver gets its own handle to
// the object as it receives, which is its consent. The receiver learns the
// sender's task id (x0): information, not authority. Replies need no
// handle: a caller blocked awaiting my reply is the one-time right to
// answer it.
//
// Blocking rules (see docs/syscalls.md): a sender or caller waits in the
// receiver's FIFO until received; a caller then waits in `.awaitingReply`
// until answered — receiving it never makes it ready. The running caller's
// result is returned as a SyscallResult; a partner that is blocked gets its
// result written into its saved context by whoever wakes it.
import HAL
import KenixABI

extension Kernel {
    /// Copies the message in x1–x5 of `from` into x1–x5 of `to` (the fast path's move).
    @inline(__always)
    mutating func copyMessage(from: Int, to: Int) {
        let s = tasks[from], r = tasks[to]
        r.pointee.context.x[1] = s.pointee.context.x[1]
        r.pointee.context.x[2] = s.pointee.context.x[2]
        r.pointee.context.x[3] = s.pointee.context.x[3]
        r.pointee.context.x[4] = s.pointee.context.x[4]
        r.pointee.context.x[5] = s.pointee.context.x[5]
    }

    /// What `receiver` gets for `sender`'s message: x0 as given (the
    /// sender's id, or 0 for a reply), x1–x5 the message, with a carried
    /// handle installed in the receiver's table and named in its w3.
    mutating func message(from sender: Int, to receiver: Int, x0: UInt64) -> Result<SyscallResult, SyscallError> {
        let c = tasks[sender].pointee.context
        var w3 = c.x[5]
        if IPCTag.carriesHandle(c.x[1]) {
            switch carryHandle(from: sender, value: c.x[5], to: receiver, move: c.x[1] & IPCTag.movesHandle != 0) {
            case .failure(let e): return .failure(e)
            case .success(let h): w3 = h
            }
        }
        return .success(.registers(SyscallReturn(x0: x0, x1: c.x[1], x2: c.x[2], x3: c.x[3], x4: c.x[4], x5: w3)))
    }

    /// How long a blocking IPC may wait.
    enum Wait {
        case forever
        /// Until the kernel clock reaches this time (ns); then `timedOut`.
        case until(UInt64)
        /// Not at all: `wouldBlock` when no partner is ready.
        case never
    }

    /// `send` (isCall false) or `call` from `slot` to the task `dest` (a
    /// handle with `send`). A call's timeout covers both waiting to be
    /// received and for the reply.
    mutating func ipcSend(_ slot: Int, to dest: UInt64, isCall: Bool, wait: Wait = .forever) -> SyscallResult {
        let r: Int
        switch taskSlot(slot, dest, HandleRights.send) {
        case .failure(let e): return .failure(e)
        case .success(let s): r = s
        }
        guard r != slot else { return .failure(.invalidArgument) }
        if case .failure(let e) = checkCarriedHandle(of: slot) { return .failure(e) }
        let me = tasks[slot].pointee.id
        if case .blocked(.receiving(let filter)) = tasks[r].pointee.state, filter == nil || filter == me {
            // The receiver is waiting: it takes the message now.
            let delivered: SyscallResult
            switch message(from: slot, to: r, x0: me.raw) {
            case .failure(let e): return .failure(e)          // the receiver keeps waiting
            case .success(let m): delivered = m
            }
            write(delivered, to: r)
            recordDelivery(from: slot, to: r)
            makeReady(r)
            guard isCall else { return .success(0) }
            tasks[r].pointee.lastCaller = me
            block(slot, .awaitingReply(from: tasks[r].pointee.id))
            if case .until(let t) = wait { startTimeout(slot, at: t) }
            return .blocked
        }
        if case .never = wait { return .failure(.wouldBlock) }
        queueSender(slot, to: r, isCall: isCall)
        if case .until(let t) = wait { startTimeout(slot, at: t) }
        return .blocked
    }

    /// `recv` by `slot` from `filter` (0 = anyone, else a task handle). A
    /// receive from anyone also ends with the pending bits of the task's
    /// bound notification, which take precedence over queued senders.
    mutating func ipcReceive(_ slot: Int, from filter: UInt64, wait: Wait = .forever) -> SyscallResult {
        var wanted: TaskID? = nil
        if filter != ipcAnySender {
            switch taskSlot(slot, filter, 0) {
            case .failure(let e): return .failure(e)
            case .success(let s):
                guard s != slot else { return .failure(.invalidArgument) }
                wanted = tasks[s].pointee.id
            }
        } else if let i = pendingBoundNotification(slot) {
            return notificationReceived(i)
        }
        var cursor = tasks[slot].pointee.sendersHead
        while cursor >= 0 {
            let next = tasks[cursor].pointee.senderNext
            if wanted == nil || tasks[cursor].pointee.id == wanted, let result = takeQueuedSender(cursor, by: slot) {
                return result
            }
            cursor = next
        }
        switch wait {
        case .never: return .failure(.wouldBlock)
        case .forever: block(slot, .receiving(from: wanted))
        case .until(let t):
            block(slot, .receiving(from: wanted))
            startTimeout(slot, at: t)
        }
        return .blocked
    }

    /// The running `receiver` takes the message of `sender`, blocked in its
    /// queue: a plain sender is released with 0, a caller waits for the
    /// reply. nil when the handle the message carries cannot be delivered:
    /// the sender gets the error and the receiver looks further.
    private mutating func takeQueuedSender(_ sender: Int, by receiver: Int) -> SyscallResult? {
        guard case .blocked(.sending(_, let isCall)) = tasks[sender].pointee.state else {
            fatalError("IPC: sender queue holds a task that is not sending")
        }
        removeSender(sender, from: receiver)
        if tasks[sender].pointee.eventPending {
            // A supervised task's event (Kernel+SupervisorEvents), not a message.
            tasks[sender].pointee.eventPending = false
            block(sender, .stopped(by: tasks[receiver].pointee.id))
            return eventReceived(from: sender)
        }
        let senderID = tasks[sender].pointee.id
        let result: SyscallResult
        switch message(from: sender, to: receiver, x0: senderID.raw) {
        case .failure(let e):
            write(.failure(e), to: sender)
            makeReady(sender)
            return nil
        case .success(let m): result = m
        }
        recordDelivery(from: sender, to: receiver)
        if isCall {
            tasks[receiver].pointee.lastCaller = senderID
            block(sender, .awaitingReply(from: tasks[receiver].pointee.id))
        } else {
            write(.success(0), to: sender)
            makeReady(sender)
        }
        return result
    }

    @inline(__always)
    private mutating func recordDelivery(from sender: Int, to receiver: Int) {
        let s = tasks[sender]
        hal.trace.record(TraceEvent(.ipcDeliver, s.pointee.id.raw, tasks[receiver].pointee.id.raw,
                                    s.pointee.context.x[1]))
    }

    /// `reply` (to the last caller) or `reply_to` (to `client`) from `slot`.
    mutating func ipcReply(_ slot: Int, to client: TaskID?) -> SyscallResult {
        let me = tasks[slot].pointee.id
        let target = client ?? tasks[slot].pointee.lastCaller
        guard let target, let c = tasks.liveSlot(of: target) else { return .failure(.noSuchTask) }
        guard tasks[c].pointee.state == .blocked(.awaitingReply(from: me)) else {
            return .failure(client == nil ? .noSuchTask : .notPermitted)
        }
        if case .failure(let e) = checkCarriedHandle(of: slot) { return .failure(e) }
        let delivered: SyscallResult
        switch message(from: slot, to: c, x0: 0) {
        case .failure(let e): return .failure(e)              // the caller keeps waiting
        case .success(let m): delivered = m
        }
        if tasks[slot].pointee.lastCaller == target { tasks[slot].pointee.lastCaller = nil }
        write(delivered, to: c)
        recordDelivery(from: slot, to: c)
        makeReady(c)
        return .success(0)
    }

    /// `reply_recv`: answer the last caller if there is one, then receive.
    mutating func ipcReplyReceive(_ slot: Int, from filter: UInt64) -> SyscallResult {
        if tasks[slot].pointee.lastCaller != nil {
            _ = ipcReply(slot, to: nil)
            tasks[slot].pointee.lastCaller = nil   // a dead caller is simply dropped
        }
        return ipcReceive(slot, from: filter)
    }

    /// Fails every task blocked on `slot`, which is ending.
    mutating func failPartners(of slot: Int) {
        let me = tasks[slot].pointee.id
        while tasks[slot].pointee.sendersHead >= 0 {
            let s = tasks[slot].pointee.sendersHead
            removeSender(s, from: slot)
            failIPC(s)
        }
        for s in tasks.slotsEverUsed where s != slot {
            switch tasks[s].pointee.state {
            case .blocked(.awaitingReply(let server)) where server == me: failIPC(s)
            case .blocked(.receiving(let from)) where from == me: failIPC(s)
            default: break
            }
        }
    }

    private mutating func failIPC(_ slot: Int) {
        write(.failure(.partnerDied), to: slot)
        makeReady(slot)
    }

    // MARK: Sender queues (FIFO per receiver)

    /// Blocks `slot` in `receiver`'s queue until it is received.
    mutating func queueSender(_ slot: Int, to receiver: Int, isCall: Bool) {
        block(slot, .sending(to: tasks[receiver].pointee.id, isCall: isCall))
        appendSender(slot, to: receiver)
    }

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
