// The IPC fast path: `call` to a server already waiting in `recv`, and
// `reply_recv` answering a caller when no other sender is queued, switch
// straight to the partner without the ready queues. It only takes the cases
// where the general path would make exactly the same decisions (the partner
// would be the next task to run, no timeout is involved) and records the
// same trace events, so a run is identical with it on or off
// (`KernelConfig.ipcFastPath`). Anything else, a message carrying a handle
// or a bad handle included, falls back to the general path.
import HAL
import KenixABI

extension Kernel {
    /// True when a task of `priority` pushed to the back of its ready queue
    /// would be the next one picked.
    @inline(__always)
    private mutating func wouldRunNext(_ priority: UInt8) -> Bool {
        guard let best = ready.highestPriority else { return true }
        return best < priority
    }

    /// `call(x0)` when `call`, else `reply_recv(x0)`, from the running task
    /// `slot`; false to take the general path.
    @inline(__always)
    mutating func fastIPC(_ slot: Int, call: Bool, _ x0: UInt64) -> Bool {
        guard config.ipcFastPath else { return false }
        return call ? fastCall(slot, to: x0) : fastReplyReceive(slot, from: x0)
    }

    /// `call` from the running task `slot`; false to take the general path.
    mutating func fastCall(_ slot: Int, to dest: UInt64) -> Bool {
        guard !IPCTag.carriesHandle(tasks[slot].pointee.context.x[1]),
              let r = liveTaskSlot(slot, dest, HandleRights.send), r != slot else { return false }
        let server = tasks[r], client = tasks[slot]
        guard case .blocked(.receiving(let filter)) = server.pointee.state,
              filter == nil || filter == client.pointee.id,
              server.pointee.wakeAt == nil, wouldRunNext(server.pointee.priority) else { return false }
        copyMessage(from: slot, to: r)
        server.pointee.context.x[0] = client.pointee.id.raw
        hal.trace.record(TraceEvent(.ipcDeliver, client.pointee.id.raw, server.pointee.id.raw,
                                    client.pointee.context.x[1]))
        server.pointee.lastCaller = client.pointee.id
        block(slot, .awaitingReply(from: server.pointee.id))
        current = nil
        dispatch(r)
        ipcFastPathCount &+= 1
        return true
    }

    /// `reply_recv` from anyone by the running task `slot`; false to take the
    /// general path.
    mutating func fastReplyReceive(_ slot: Int, from filter: UInt64) -> Bool {
        let server = tasks[slot]
        guard filter == ipcAnySender, server.pointee.sendersHead < 0,
              !IPCTag.carriesHandle(server.pointee.context.x[1]),
              pendingBoundNotification(slot) == nil,
              let callerID = server.pointee.lastCaller, let c = tasks.liveSlot(of: callerID) else { return false }
        let client = tasks[c]
        guard client.pointee.state == .blocked(.awaitingReply(from: server.pointee.id)),
              client.pointee.wakeAt == nil, wouldRunNext(client.pointee.priority) else { return false }
        server.pointee.lastCaller = nil
        copyMessage(from: slot, to: c)
        client.pointee.context.x[0] = 0
        hal.trace.record(TraceEvent(.ipcDeliver, server.pointee.id.raw, callerID.raw, server.pointee.context.x[1]))
        block(slot, .receiving(from: nil))
        current = nil
        dispatch(c)
        ipcFastPathCount &+= 1
        return true
    }
}
