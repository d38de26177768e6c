// SimMachine+Time: the discrete-event clock. 1 tick = 1 ns (CNTFRQ 1 GHz).
//
// Time moves only here: `advance(by:)` after user instructions ran (one
// instruction = one tick; in SimCPU's slice loop, after `sliceBudget`) and
// `jump(to:)` when the CPU idles until the next event. Events are the timer
// deadline, scheduled UART input, each disk's next finished request and
// scheduled key events; a screenshot time
// (`captureTime`) ends a slice too, so the copy shows that instant. Timer
// deadlines get a seeded jitter of 0..<config.timerJitter ticks, the latency
// real interrupt delivery adds, so seeds explore different interleavings.
import HAL
import SimHost

extension SimMachine {
    func setTimerDeadline(_ deadline: UInt64?, deferrable: Bool = false) {
        timerDeferrable = deferrable
        guard let deadline else { timerDeadline = nil; return }
        let jitter = config.timerJitter > 0 ? rng.next(below: config.timerJitter) : 0
        let (sum, overflow) = deadline.addingReportingOverflow(jitter)
        timerDeadline = overflow ? .max : sum
    }

    /// When the source of level line `n` next changes by itself: the timer's
    /// deadline still to come, a device's next arrival or finished request.
    @inline(__always)
    func nextEvent(on n: UInt32) -> UInt64? {
        switch n {
        case Self.timerIRQ.number: return timerDeadline.flatMap { $0 > now ? $0 : nil }
        case Self.uartIRQ.number: return uartInput.nextArrival
        case SimKeyboard.irq.number: return keyboard?.nextArrival
        default: return disk(onLine: n)?.nextFinish
        }
    }

    /// Lets the source of level line `n` catch up with `now`: moves what is
    /// due (the timer needs nothing: its line compares `now` itself).
    func catchUp(_ n: UInt32) {
        switch n {
        case Self.uartIRQ.number: uartInput.deliver(upTo: now)
        case SimKeyboard.irq.number: keyboard?.deliver(upTo: now)
        default: disk(onLine: n)?.finish(upTo: now, machine: self)
        }
    }

    /// The earliest future event, if any.
    var nextEventTime: UInt64? {
        levelLines.lazy.compactMap { self.nextEvent(on: $0) }.min()
    }

    /// Instructions the CPU may run before the next interrupt check.
    @inline(__always)
    func sliceBudget() -> UInt64 {
        var budget = config.sliceInstructions
        var horizon = UInt64.max
        for n in levelLines {
            guard let t = nextEvent(on: n) else { continue }
            horizon = min(horizon, t)
            if t > now, t - now < budget { budget = t - now }
        }
        if let t = captureTime {
            horizon = min(horizon, t)
            if t > now, t - now < budget { budget = t - now }
        }
        if haltTime > now, haltTime - now < budget { budget = haltTime - now }
        eventHorizon = horizon
        return max(budget, 1)
    }

    /// After a slice (sliceBudget came just before it). Devices change only
    /// outside slices: no MMIO reaches them from EL0, and the kernel's
    /// fault resolver, the one kernel code that runs inside a slice, starts
    /// no I/O. So a slice that ended before the horizon has made nothing
    /// due, and the walk over the lines is skipped (most slices end at a
    /// trap, long before it).
    @inline(__always)
    func advance(by ticks: UInt64) {
        now &+= ticks
        guard now >= eventHorizon else { return }
        for n in levelLines {
            if let t = nextEvent(on: n), t <= now { catchUp(n) }
        }
        checkCaptureTime()
    }

    /// Idles to `time` (> now); sleeps the host as long in realtime mode.
    func jump(to target: UInt64) {
        var time = target
        if config.realtime {
            // With a live terminal the sleep stops when a key is typed.
            if let hostPoller { time = hostPoller.sleep(self, until: target) } else { HostClock.sleep(nanoseconds: time - now) }
        }
        // Nothing changes while idle: a capture due before `time` shows now.
        if let t = captureTime, t < time { capture(.time(t)) }
        now = time
        for n in levelLines { catchUp(n) }
        checkCaptureTime()
        stats.idleJumps += 1
    }

    /// When the idle CPU would wake: the earliest future event whose line
    /// could be delivered (enabled and not active).
    var nextWakeTime: UInt64? {
        levelLines.lazy.filter { self.gic.canDeliver($0) }.compactMap { self.nextEvent(on: $0) }.min()
    }

    /// `nextWakeTime` without a deferrable timer deadline: what keeps the
    /// machine from being idle for good (SimMachine+Input).
    var nextBusyWakeTime: UInt64? {
        levelLines.lazy.filter { self.gic.canDeliver($0) && !($0 == Self.timerIRQ.number && self.timerDeferrable) }
            .compactMap { self.nextEvent(on: $0) }.min()
    }
}

extension SimMachine {
    /// A write to a data disk has completed (its data is on the disk): at
    /// the configured count the power is cut, now.
    func dataWriteCompleted() {
        dataWritesCompleted += 1
        if let n = config.powerCutAfterWrites, dataWritesCompleted >= n {
            poweredOff = true
            haltTime = min(haltTime, now)
        }
    }

    /// A host signal (HostSignals) asked to stop: halt now, as at the time
    /// limit. Called at slice boundaries and idle steps.
    @inline(__always)
    func checkHostStop() {
        guard stoppedBySignal == nil, let n = HostSignals.pending else { return }
        stoppedBySignal = n
        haltTime = min(haltTime, now)
    }
}
