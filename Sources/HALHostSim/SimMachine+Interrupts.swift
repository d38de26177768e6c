// SimMachine+Interrupts: the interrupt controller's inputs and its
// acknowledge / end-of-interrupt protocol (see InterruptState for the rules).
//
// Lines: 27 = EL1 virtual timer (level, PPI), 33 = UART receive (level, SPI
// 1), 48 = swap disk completion (level, SPI 16), 49 = keyboard event waiting
// (level, SPI 17), 50 + k = data disk k's completion (level, SPI 18 + k);
// any other line is edge-triggered through `raise(_:)`.
import HAL

extension SimMachine {
    // The level lines, lowest first, are `levelLines` (the disks'
    // depend on the config). A level device is wired there, in
    // `isAsserted`, and in SimMachine+Time's `nextEvent(on:)` and
    // `catchUp(_:)`.

    /// The disk whose completion line is `n`, if any.
    @inline(__always)
    func disk(onLine n: UInt32) -> SimDisk? {
        for d in disks where d.irq.number == n { return d }
        return nil
    }

    /// Whether a source drives `n` (level) or an edge is latched on it.
    @inline(__always)
    func isAsserted(_ n: UInt32) -> Bool {
        switch n {
        case Self.timerIRQ.number: return timerDeadline.map { now >= $0 } ?? false
        case Self.uartIRQ.number: return !uartInput.isEmpty
        case SimKeyboard.irq.number: return keyboard?.hasEvent ?? false
        default:
            if let d = disk(onLine: n) { return d.hasCompletion }
            return gic.latched.contains(n)
        }
    }

    /// The lowest level line that is asserted, enabled and inactive. Only
    /// the lines the GIC could deliver are asked (checked at every entry to
    /// EL0: most lines are disabled, or the timer's alone is enabled).
    @inline(__always)
    var deliverableLevel: UInt32? {
        var candidates = levelLineMask & gic.enabled.low & ~gic.active.low
        while candidates != 0 {
            let n = UInt32(candidates.trailingZeroBitCount)
            if isAsserted(n) { return n }
            candidates &= candidates - 1
        }
        return nil
    }

    /// True when some line is pending, enabled and inactive: the CPU would
    /// take an IRQ now. Checked before and between user slices.
    @inline(__always)
    var interruptPending: Bool {
        if deliverableLevel != nil { return true }
        if gic.latchedCount > 0 {
            return gic.latched.lowest(in: gic.enabled, excluding: gic.active) != nil
        }
        return false
    }

    func enableIRQ(_ irq: IRQ) { gic.enabled.insert(irq.number) }

    func disableIRQ(_ irq: IRQ) { gic.enabled.remove(irq.number) }

    func acknowledgeIRQ() -> IRQ? {
        var best = gic.latchedCount > 0 ? gic.latched.lowest(in: gic.enabled, excluding: gic.active) : nil
        if let level = deliverableLevel, best.map({ $0 > level }) ?? true { best = level }
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
