// SimMachine+Time: the discrete-event clock. 1 tick = 1 ns (CNTFRQ 1 GHz).
//
// Time moves only here: `advance(by:)` after user instructions ran (one
// instruction = one tick) and `jump(to:)` when the CPU idles until the next
// event. Events are the timer deadline, scheduled UART input, the disk's
// next finished request and scheduled key events; a screenshot time
// (`captureTime`) ends a slice too, so the copy shows that instant. Timer
// deadlines get a seeded jitter of 0..<config.timerJitter ticks, the latency
// real interrupt delivery adds, so seeds explore different interleavings.
import HAL

extension SimMachine {
    func setTimerDeadline(_ deadline: UInt64?) {
        guard let deadline else { timerDeadline = nil; return }
        let jitter = config.timerJitter > 0 ? rng.next(below: config.timerJitter) : 0
        let (sum, overflow) = deadline.addingReportingOverflow(jitter)
        timerDeadline = overflow ? .max : sum
    }

    /// The earliest future event, if any.
    var nextEventTime: UInt64? {
        var next: UInt64? = nil
        if let d = timerDeadline, d > now { next = d }
        if let t = uartInput.nextArrival, next == nil || t < next! { next = t }
        if let t = disk?.nextFinish, next == nil || t < next! { next = t }
        if let t = keyboard?.nextArrival, next == nil || t < next! { next = t }
        return next
    }

    /// Instructions the CPU may run before the next interrupt check.
    @inline(__always)
    func sliceBudget() -> UInt64 {
        var budget = config.sliceInstructions
        if let d = timerDeadline, d > now, d - now < budget { budget = d - now }
        if let t = uartInput.nextArrival, t > now, t - now < budget { budget = t - now }
        if let t = disk?.nextFinish, t > now, t - now < budget { budget = t - now }
        if let t = keyboard?.nextArrival, t > now, t - now < budget { budget = t - now }
        if let t = captureTime, t > now, t - now < budget { budget = t - now }
        if haltTime > now, haltTime - now < budget { budget = haltTime - now }
        return max(budget, 1)
    }

    @inline(__always)
    func advance(by ticks: UInt64) {
        now &+= ticks
        if let t = uartInput.nextArrival, t <= now { uartInput.deliver(upTo: now) }
        if let disk, let t = disk.nextFinish, t <= now { disk.finish(upTo: now, machine: self) }
        if let keyboard, let t = keyboard.nextArrival, t <= now { keyboard.deliver(upTo: now) }
        checkCaptureTime()
    }

    /// Idles to `time` (> now); sleeps the host as long in realtime mode.
    func jump(to time: UInt64) {
        if config.realtime { HostClock.sleep(nanoseconds: time - now) }
        // Nothing changes while idle: a capture due before `time` shows now.
        if let t = captureTime, t < time { capture(.time(t)) }
        now = time
        uartInput.deliver(upTo: now)
        disk?.finish(upTo: now, machine: self)
        keyboard?.deliver(upTo: now)
        checkCaptureTime()
        stats.idleJumps += 1
    }

    /// When the idle CPU would wake: the earliest future event whose line
    /// could be delivered (enabled and not active).
    var nextWakeTime: UInt64? {
        var next: UInt64? = nil
        if let d = timerDeadline, d > now, gic.canDeliver(Self.timerIRQ.number) { next = d }
        if let t = uartInput.nextArrival, gic.canDeliver(Self.uartIRQ.number),
           next == nil || t < next! { next = t }
        if let t = disk?.nextFinish, gic.canDeliver(SimDisk.irq.number), next == nil || t < next! { next = t }
        if let t = keyboard?.nextArrival, gic.canDeliver(SimKeyboard.irq.number), next == nil || t < next! { next = t }
        return next
    }
}
