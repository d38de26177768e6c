// Notification syscalls: create, signal, wait, poll, bind. A notification is
// reached through a handle: `signal` to signal it, `receive` to wait on,
// poll or bind it. A signal never blocks; it wakes the waiter, or the bound
// task blocked receiving from anyone (its receive ends with the bits). The
// object goes with its last handle.
import HAL
import KenixABI

extension Kernel {
    /// `notify_create`: x0 = a handle with every right.
    mutating func notifyCreate(_ slot: Int) -> SyscallResult {
        let me = tasks[slot].pointee.id
        guard charge(slot, .objects, 1) else { return .failure(.limitReached) }
        guard let id = notifications.insert(NotificationObject(payer: me)) else {
            refund(me, .objects, 1)
            return .failure(.limitReached)
        }
        let handle = grant(slot, HandleEntry(kind: .notification, rights: HandleRights.all, object: id))
        if case .failure = handle, let i = notifications.index(of: id) { destroyNotification(i) }
        return SyscallResult(handle)
    }

    /// The table index of the notification `handle` names for `slot`, if the
    /// handle carries `rights`.
    mutating func heldNotification(_ slot: Int, _ handle: UInt64, _ rights: UInt64) -> Result<Int, SyscallError> {
        switch resolve(slot, handle, .notification, rights) {
        case .failure(let e): return .failure(e)
        case .success(let entry):
            guard let i = notifications.index(of: entry.object) else { return .failure(.badHandle) }
            return .success(i)
        }
    }

    mutating func notifySignal(_ slot: Int, handle: UInt64, bits: UInt64) -> SyscallResult {
        switch heldNotification(slot, handle, HandleRights.signal) {
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
    /// sender has id 0), x1 = the bits (taken), x2 = the bound handle.
    mutating func notificationReceived(_ i: Int) -> SyscallResult {
        // x2 is the handle the bound task named the notification with.
        let handle = notifications[i].bound >= 0 ? tasks[notifications[i].bound].pointee.boundHandle : 0
        return .registers(SyscallReturn(x0: 0, x1: takeBits(i), x2: handle))
    }

    /// The bound notification of `slot` with pending bits, if any.
    mutating func pendingBoundNotification(_ slot: Int) -> Int? {
        let id = tasks[slot].pointee.boundNotification
        guard id != 0, let i = notifications.index(of: id), notifications[i].bits != 0 else { return nil }
        return i
    }

    mutating func notifyWait(_ slot: Int, handle: UInt64) -> SyscallResult {
        let i: Int
        switch heldNotification(slot, handle, HandleRights.receive) {
        case .failure(let e): return .failure(e)
        case .success(let found): i = found
        }
        if notifications[i].bits != 0 { return .success(takeBits(i)) }
        let waiter = notifications[i].waiter
        if waiter >= 0 && waiter != slot { return .failure(.busy) }
        notifications[i].waiter = slot
        block(slot, .waitingForNotification(id: notifications[i].id))
        return .blocked
    }

    mutating func notifyPoll(_ slot: Int, handle: UInt64) -> SyscallResult {
        SyscallResult(heldNotification(slot, handle, HandleRights.receive).map { takeBits($0) })
    }

    /// `notify_bind(handle)`: the caller's receives from anyone also end with
    /// this notification's signals (x2 of such a receive is `handle`).
    mutating func notifyBind(_ slot: Int, handle: UInt64) -> SyscallResult {
        SyscallResult(heldNotification(slot, handle, HandleRights.receive).flatMap { i in
            let bound = notifications[i].bound
            guard bound < 0 || bound == slot else { return .failure(.busy) }
            let current = tasks[slot].pointee.boundNotification
            guard current == 0 || current == notifications[i].id else { return .failure(.busy) }
            notifications[i].bound = slot
            tasks[slot].pointee.boundNotification = notifications[i].id
            tasks[slot].pointee.boundHandle = handle
            return .success(0)
        })
    }

    /// Notification `i` lost its last handle: a task still waiting on it
    /// (through a handle revoked since) gets `badHandle`; the object goes.
    mutating func destroyNotification(_ i: Int) {
        let waiter = notifications[i].waiter
        if waiter >= 0 {
            write(.failure(.badHandle), to: waiter)
            makeReady(waiter)
        }
        let bound = notifications[i].bound
        if bound >= 0 {
            tasks[bound].pointee.boundNotification = 0
            tasks[bound].pointee.boundHandle = 0
        }
        refund(notifications[i].payer, .objects, 1)
        notifications.remove(i)
    }

    /// `slot` is ending: it waits on and is bound to nothing any more (its
    /// handles are closed separately).
    mutating func releaseNotifications(of slot: Int) {
        for i in 1..<NotificationTable.capacity where notifications[i].id != 0 {
            if notifications[i].waiter == slot { notifications[i].waiter = -1 }
            if notifications[i].bound == slot { notifications[i].bound = -1 }
        }
        tasks[slot].pointee.boundNotification = 0
        tasks[slot].pointee.boundHandle = 0
    }
}
