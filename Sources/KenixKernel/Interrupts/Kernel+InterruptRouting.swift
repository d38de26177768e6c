// Interrupt lines owned by user-space drivers. A driver owns a line through
// an `InterruptRoute`: the kernel masks the line when it fires, signals the
// driver's notification bit and ends the interrupt; the line stays masked
// until the driver acks it, so a level interrupt cannot storm while the
// driver works.
import HAL
import KenixABI

extension Kernel {
    mutating func irqRegister(_ slot: Int, irq: UInt64, id: UInt64, bit: UInt64) -> SyscallResult {
        guard irq < UInt64(hal.boot.interruptLineCount), bit < 64 else { return .failure(.invalidArgument) }
        let line = IRQ(UInt32(irq))
        if case .failure(let e) = heldNotification(slot, id) { return .failure(e) }
        // The UART's receive line belongs to the UART's owner (the console
        // server), the keyboard's to the keyboard driver; the timer and the
        // disks' completion lines are the kernel's own.
        let uartLineTaken = line == hal.uart.irq && uartOwner != tasks[slot].pointee.id
        let keyboardLineTaken = hal.keyboard.map { line == $0.irq && keyboardOwner != tasks[slot].pointee.id } ?? false
        if line == hal.timer.irq || line == diskIRQ || dataDisk(onLine: line) != nil || uartLineTaken || keyboardLineTaken
            || route(for: line) != nil { return .failure(.busy) }
        guard let free = firstFreeRoute() else { return .failure(.limitReached) }
        interruptRoutes[free] = InterruptRoute(irq: line.number, owner: slot, notification: id, bit: bit)
        hal.interrupts.enable(line)
        return .success(0)
    }

    mutating func irqAck(_ slot: Int, irq: UInt64) -> SyscallResult {
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

    /// Gives up every line `slot` owns (it is ending).
    mutating func releaseInterruptRoutes(of slot: Int) {
        for r in 0..<interruptRoutes.count where interruptRoutes[r].owner == slot {
            hal.interrupts.disable(IRQ(interruptRoutes[r].irq))
            interruptRoutes[r] = InterruptRoute()
        }
    }
}
