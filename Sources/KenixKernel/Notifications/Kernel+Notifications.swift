// Notification syscalls: create, signal, wait, poll, grant, bind. A signal
// never blocks; it wakes the waiter, or the bound task blocked receiving from
// anyone (its receive ends with the bits).
import HAL
import KenixABI

extension Kernel {
    mutating func notifyCreate(_ slot: Int) -> SyscallResult {
        guard let id = notifications.insert(NotificationObject(holders: 1 << UInt64(slot))) else {
            return .failure(.limitReached)
        }
        return .success(id)
    }

    /// The object `id` if task `slot` holds it.
    mutating func heldNotification(_ slot: Int, _ id: UInt64) -> Result<Int, SyscallError> {
        guard let i = notifications.index(of: id) else { return .failure(.invalidArgument) }
        guard notifications[i].holders & (1 << UInt64(slot)) != 0 else { return .failure(.notPermitted) }
        return .success(i)
    }

    mutating func notifySignal(_ slot: Int, id: UInt64, bits: UInt64) -> SyscallResult {
        switch heldNotification(slot, id) {
        case .failure(let e): return .failure(e)
        case .success(let i):
            signal(i, bits)
            return .success(0)
        }
    }

    /// ORs `bits` into object `i` and hands them to a waiter, or else to a
    /// bound task blocked receiving from anyone. Never blocks.
    mutating func signal(_ i: Int, _ bits: UInt64) {
        notifications[i].bits |= bits
        guard notifications[i].bits != 0 else { return }
        let waiter = notifications[i].waiter
        if waiter >= 0 {
            notifications[i].waiter = -1
            write(.success(takeBits(i)), to: waiter)
            makeReady(waiter)
            return
        }
        let bound = notifications[i].bound
        if bound >= 0, tasks[bound].pointee.state == .blocked(.receiving(from: nil)) {
            write(notificationReceived(i), to: bound)
            makeReady(bound)
        }
    }

    /// Returns the pending bits of object `i` and clears them.
    private mutating func takeBits(_ i: Int) -> UInt64 {
        let bits = notifications[i].bits
        notifications[i].bits = 0
        return bits
    }

    /// What a receive that ends with notification `i` returns: x0 = 0 (no
    /// sender has id 0), x1 = the bits (taken), x2 = the notification id.
    mutating func notificationReceived(_ i: Int) -> SyscallResult {
        .registers(SyscallReturn(x0: 0, x1: takeBits(i), x2: notifications[i].id))
    }

    /// The bound notification of `slot` with pending bits, if any.
    mutating func pendingBoundNotification(_ slot: Int) -> Int? {
        let id = tasks[slot].pointee.boundNotification
        guard id != 0, let i = notifications.index(of: id), notifications[i].bits != 0 else { return nil }
        return i
    }

    mutating func notifyWait(_ slot: Int, id: UInt64) -> SyscallResult {
        let i: Int
        switch heldNotification(slot, id) {
        case .failure(let e): return .failure(e)
        case .success(let found): i = found
        }
        if notifications[i].bits != 0 { return .success(takeBits(i)) }
        let waiter = notifications[i].waiter
        if waiter >= 0 && waiter != slot { return .failure(.busy) }
        notifications[i].waiter = slot
        block(slot, .waitingForNotification(id: id))
        return .blocked
    }

    mutating func notifyPoll(_ slot: Int, id: UInt64) -> SyscallResult {
        SyscallResult(heldNotification(slot, id).map { takeBits($0) })
    }

    mutating func notifyGrant(_ slot: Int, id: UInt64, to task: UInt64) -> SyscallResult {
        SyscallResult(heldNotification(slot, id).flatMap { i in
            guard let other = tasks.liveSlot(of: TaskID(raw: task)) else { return .failure(.noSuchTask) }
            notifications[i].holders |= 1 << UInt64(other)
            return .success(0)
        })
    }

    mutating func notifyBind(_ slot: Int, id: UInt64) -> SyscallResult {
        SyscallResult(heldNotification(slot, id).flatMap { i in
            let bound = notifications[i].bound
            guard bound < 0 || bound == slot else { return .failure(.busy) }
            let current = tasks[slot].pointee.boundNotification
            guard current == 0 || current == id else { return .failure(.busy) }
            notifications[i].bound = slot
            tasks[slot].pointee.boundNotification = id
            return .success(0)
        })
    }

    /// Drops everything `slot` held: access, waits, bindings.
    mutating func releaseNotifications(of slot: Int) {
        let bit: UInt64 = 1 << UInt64(slot)
        for i in 1..<NotificationTable.capacity where notifications[i].id != 0 {
            if notifications[i].waiter == slot { notifications[i].waiter = -1 }
            if notifications[i].bound == slot { notifications[i].bound = -1 }
            notifications[i].holders &= ~bit
            if notifications[i].holders == 0 { notifications.remove(i) }
        }
        tasks[slot].pointee.boundNotification = 0
    }
}
