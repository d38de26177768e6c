// Time: the kernel clock in nanoseconds (converted from the HAL timer's
// ticks), sleepers, and the timer interrupt.
import HAL

extension Kernel {
    @inline(__always)
    func nanoseconds(fromTicks ticks: UInt64) -> UInt64 {
        let f = hal.timer.frequency
        if f == 1_000_000_000 { return ticks }
        let product = ticks.multipliedFullWidth(by: 1_000_000_000)
        return f.dividingFullWidth(product).quotient
    }

    /// Ticks for `ns`, rounded up so a deadline never fires early.
    @inline(__always)
    func ticks(fromNanoseconds ns: UInt64) -> UInt64 {
        let f = hal.timer.frequency
        if f == 1_000_000_000 { return ns }
        let product = ns.multipliedFullWidth(by: f)
        let (q, r) = UInt64(1_000_000_000).dividingFullWidth(product)
        return r == 0 ? q : q + 1
    }

    /// Blocks `slot` until the clock reaches `until`. Sleepers are kept sorted
    /// by wake time; equal times wake in the order they slept.
    mutating func sleep(_ slot: Int, until: UInt64) {
        block(slot, .sleeping(until: until))
        var prev = -1
        var cursor = sleepersHead
        while cursor >= 0, let t = tasks[cursor].pointee.sleepUntil, t <= until {
            prev = cursor
            cursor = tasks[cursor].pointee.sleepNext
        }
        tasks[slot].pointee.sleepNext = cursor
        if prev < 0 { sleepersHead = slot } else { tasks[prev].pointee.sleepNext = slot }
    }

    /// Unlinks a sleeper that ends before its time (it was killed).
    mutating func removeSleeper(_ slot: Int) {
        var prev = -1
        var cursor = sleepersHead
        while cursor >= 0 && cursor != slot { prev = cursor; cursor = tasks[cursor].pointee.sleepNext }
        guard cursor == slot else { return }
        let next = tasks[slot].pointee.sleepNext
        if prev < 0 { sleepersHead = next } else { tasks[prev].pointee.sleepNext = next }
        tasks[slot].pointee.sleepNext = -1
    }

    /// The timer fired: wake due sleepers and end the slice if it is over.
    mutating func timerTick() {
        // Disarm first: the timer is level-triggered until its deadline moves.
        armedDeadline = nil
        hal.timer.setDeadline(nil)
        let clock = now
        // The slice is judged before the sleepers wake, so that a peer woken
        // by the timer waits for the slice boundary exactly as one woken by a
        // message does.
        sliceExpired()
        while sleepersHead >= 0, let t = tasks[sleepersHead].pointee.sleepUntil, t <= clock {
            let slot = sleepersHead
            sleepersHead = tasks[slot].pointee.sleepNext
            tasks[slot].pointee.sleepNext = -1
            setReturn(slot, 0)
            makeReady(slot)
        }
        armTimer()
    }

    /// Acknowledges and handles every pending interrupt.
    mutating func handleInterrupt() {
        while let irq = hal.interrupts.acknowledge() {
            hal.trace.record(TraceEvent(.interrupt, UInt64(irq.number)))
            if irq == hal.timer.irq { timerTick() }
            hal.interrupts.endOfInterrupt(irq)
        }
    }
}
