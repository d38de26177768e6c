// Notification syscalls and the delivery of interrupts to user-space drivers.
// A driver owns a line through an `InterruptRoute`: the kernel masks the line
// when it fires, signals the driver's notification bit and ends the
// interrupt; the line stays masked until the driver acks it, so a level
// interrupt cannot storm while the driver works.
import HAL
import KenixABI

extension Kernel {
    mutating func notifyCreate(_ slot: Int) -> Result<UInt64, SyscallError> {
        guard let id = notifications.insert(NotificationObject(holders: 1 << UInt64(slot))) else {
            return .failure(.limitReached)
        }
        return .success(id)
    }

    /// The object `id` if task `slot` holds it.
    private mutating func heldNotification(_ slot: Int, _ id: UInt64) -> Result<Int, SyscallError> {
        guard let i = notifications.index(of: id) else { return .failure(.invalidArgument) }
        guard notifications[i].holders & (1 << UInt64(slot)) != 0 else { return .failure(.notPermitted) }
        return .success(i)
    }

    mutating func notifySignal(_ slot: Int, id: UInt64, bits: UInt64) -> Result<UInt64, SyscallError> {
        heldNotification(slot, id).map { i in
            signal(i, bits)
            return 0
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
            setReturn(waiter, takeBits(i))
            makeReady(waiter)
            return
        }
        let bound = notifications[i].bound
        if bound >= 0, tasks[bound].pointee.state == .blocked(.receiving(from: nil)) {
            deliverNotification(i, asReceiveTo: bound)
            makeReady(bound)
        }
    }

    /// Returns the pending bits of object `i` and clears them.
    private mutating func takeBits(_ i: Int) -> UInt64 {
        let bits = notifications[i].bits
        notifications[i].bits = 0
        return bits
    }

    /// A receive that ends with a notification: x0 = 0 (no sender has id 0),
    /// x1 = the bits, x2 = the notification id.
    mutating func deliverNotification(_ i: Int, asReceiveTo slot: Int) {
        let c = tasks[slot]
        c.pointee.context.x[0] = 0
        c.pointee.context.x[1] = takeBits(i)
        c.pointee.context.x[2] = notifications[i].id
    }

    /// The bound notification of `slot` with pending bits, if any.
    mutating func pendingBoundNotification(_ slot: Int) -> Int? {
        let id = tasks[slot].pointee.boundNotification
        guard id != 0, let i = notifications.index(of: id), notifications[i].bits != 0 else { return nil }
        return i
    }

    mutating func notifyWait(_ slot: Int, id: UInt64) {
        switch heldNotification(slot, id) {
        case .failure(let e): setError(slot, e)
        case .success(let i):
            if notifications[i].bits != 0 { return setReturn(slot, takeBits(i)) }
            let waiter = notifications[i].waiter
            if waiter >= 0 && waiter != slot { return setError(slot, .busy) }
            notifications[i].waiter = slot
            block(slot, .waitingForNotification(id: id))
        }
    }

    mutating func notifyPoll(_ slot: Int, id: UInt64) -> Result<UInt64, SyscallError> {
        heldNotification(slot, id).map { takeBits($0) }
    }

    mutating func notifyGrant(_ slot: Int, id: UInt64, to task: UInt64) -> Result<UInt64, SyscallError> {
        heldNotification(slot, id).flatMap { i in
            guard let other = tasks.liveSlot(of: TaskID(raw: task)) else { return .failure(.noSuchTask) }
            notifications[i].holders |= 1 << UInt64(other)
            return .success(0)
        }
    }

    mutating func notifyBind(_ slot: Int, id: UInt64) -> Result<UInt64, SyscallError> {
        heldNotification(slot, id).flatMap { i in
            let bound = notifications[i].bound
            guard bound < 0 || bound == slot else { return .failure(.busy) }
            let current = tasks[slot].pointee.boundNotification
            guard current == 0 || current == id else { return .failure(.busy) }
            notifications[i].bound = slot
            tasks[slot].pointee.boundNotification = id
            return .success(0)
        }
    }

    // MARK: Interrupts owned by user-space drivers

    mutating func irqRegister(_ slot: Int, irq: UInt64, id: UInt64, bit: UInt64) -> Result<UInt64, SyscallError> {
        guard irq < UInt64(hal.boot.interruptLineCount), bit < 64 else { return .failure(.invalidArgument) }
        let line = IRQ(UInt32(irq))
        if case .failure(let e) = heldNotification(slot, id) { return .failure(e) }
        // The UART's receive line belongs to the UART's owner (the console
        // server), the keyboard's to the keyboard driver; the timer and the
        // swap disk are the kernel's own.
        let uartLineTaken = line == hal.uart.irq && uartOwner != tasks[slot].pointee.id
        let keyboardLineTaken = hal.keyboard.map { line == $0.irq && keyboardOwner != tasks[slot].pointee.id } ?? false
        if line == hal.timer.irq || line == diskIRQ || uartLineTaken || keyboardLineTaken || route(for: line) != nil { return .failure(.busy) }
        guard let free = firstFreeRoute() else { return .failure(.limitReached) }
        interruptRoutes[free] = InterruptRoute(irq: line.number, owner: slot, notification: id, bit: bit)
        hal.interrupts.enable(line)
        return .success(0)
    }

    mutating func irqAck(_ slot: Int, irq: UInt64) -> Result<UInt64, SyscallError> {
        guard irq <= UInt64(UInt32.max), let r = route(for: IRQ(UInt32(irq))),
              interruptRoutes[r].owner == slot else { return .failure(.notPermitted) }
        hal.interrupts.enable(IRQ(UInt32(irq)))
        return .success(0)
    }

    /// Handles a device interrupt the kernel does not own itself.
    mutating func deliverDeviceInterrupt(_ irq: IRQ) {
        // Masked until the driver acks (or for good, if nobody owns it).
        hal.interrupts.disable(irq)
        guard let r = route(for: irq), let i = notifications.index(of: interruptRoutes[r].notification) else {
            return
        }
        signal(i, 1 << interruptRoutes[r].bit)
    }

    private mutating func route(for irq: IRQ) -> Int? {
        for r in 0..<interruptRoutes.count where interruptRoutes[r].owner >= 0 && interruptRoutes[r].irq == irq.number {
            return r
        }
        return nil
    }

    private mutating func firstFreeRoute() -> Int? {
        for r in 0..<interruptRoutes.count where interruptRoutes[r].owner < 0 { return r }
        return nil
    }

    /// Drops everything `slot` held: access, waits, bindings, interrupt lines.
    mutating func releaseNotifications(of slot: Int) {
        let bit: UInt64 = 1 << UInt64(slot)
        for i in 1..<NotificationTable.capacity where notifications[i].id != 0 {
            if notifications[i].waiter == slot { notifications[i].waiter = -1 }
            if notifications[i].bound == slot { notifications[i].bound = -1 }
            notifications[i].holders &= ~bit
            if notifications[i].holders == 0 { notifications.remove(i) }
        }
        tasks[slot].pointee.boundNotification = 0
        for r in 0..<interruptRoutes.count where interruptRoutes[r].owner == slot {
            hal.interrupts.disable(IRQ(interruptRoutes[r].irq))
            interruptRoutes[r] = InterruptRoute()
        }
    }
}
