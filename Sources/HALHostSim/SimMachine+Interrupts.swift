// SimMachine+Interrupts: the interrupt controller's inputs and its
// acknowledge / end-of-interrupt protocol (see InterruptState for the rules).
//
// Lines: 27 = EL1 virtual timer (level, PPI), 33 = UART receive (level, SPI
// 1), 48 = disk completion (level, SPI 16), 49 = keyboard event waiting
// (level, SPI 17); any other line is edge-triggered through `raise(_:)`.
import HAL

extension SimMachine {
    /// Whether a source drives `n` (level) or an edge is latched on it.
    @inline(__always)
    func isAsserted(_ n: UInt32) -> Bool {
        switch n {
        case Self.timerIRQ.number: return timerAsserted
        case Self.uartIRQ.number: return uartInput.hasData
        case SimDisk.irq.number: return diskAsserted
        case SimKeyboard.irq.number: return keyboardAsserted
        default: return gic.latched.contains(n)
        }
    }

    @inline(__always)
    var diskAsserted: Bool { disk?.hasCompletion ?? false }

    @inline(__always)
    var keyboardAsserted: Bool { keyboard?.hasEvent ?? false }

    @inline(__always)
    var timerAsserted: Bool {
        if let d = timerDeadline { return now >= d }
        return false
    }

    /// True when some line is pending, enabled and inactive: the CPU would
    /// take an IRQ now. Checked before and between user slices.
    @inline(__always)
    var interruptPending: Bool {
        if timerAsserted && gic.canDeliver(Self.timerIRQ.number) { return true }
        if uartInput.hasData && gic.canDeliver(Self.uartIRQ.number) { return true }
        if diskAsserted && gic.canDeliver(SimDisk.irq.number) { return true }
        if keyboardAsserted && gic.canDeliver(SimKeyboard.irq.number) { return true }
        if gic.latchedCount > 0 {
            return gic.latched.lowest(in: gic.enabled, excluding: gic.active) != nil
        }
        return false
    }

    func enableIRQ(_ irq: IRQ) { gic.enabled.insert(irq.number) }

    func disableIRQ(_ irq: IRQ) { gic.enabled.remove(irq.number) }

    func acknowledgeIRQ() -> IRQ? {
        var best = gic.latched.lowest(in: gic.enabled, excluding: gic.active)
        // The level lines, lowest first.
        if timerAsserted, gic.canDeliver(Self.timerIRQ.number), best.map({ $0 > Self.timerIRQ.number }) ?? true {
            best = Self.timerIRQ.number
        }
        if uartInput.hasData, gic.canDeliver(Self.uartIRQ.number), best.map({ $0 > Self.uartIRQ.number }) ?? true {
            best = Self.uartIRQ.number
        }
        if diskAsserted, gic.canDeliver(SimDisk.irq.number), best.map({ $0 > SimDisk.irq.number }) ?? true {
            best = SimDisk.irq.number
        }
        if keyboardAsserted, gic.canDeliver(SimKeyboard.irq.number),
           best.map({ $0 > SimKeyboard.irq.number }) ?? true {
            best = SimKeyboard.irq.number
        }
        guard let n = best else { return nil }
        gic.active.insert(n)
        if gic.latched.contains(n) {
            gic.latched.remove(n)
            gic.latchedCount -= 1
        }
        return IRQ(n)
    }

    func endOfInterrupt(_ irq: IRQ) { gic.active.remove(irq.number) }

    /// Latches an edge on `irq` (for edge-triggered simulated devices).
    public func raise(_ irq: IRQ) {
        guard irq.number < 1024, !gic.latched.contains(irq.number) else { return }
        gic.latched.insert(irq.number)
        gic.latchedCount += 1
    }
}
