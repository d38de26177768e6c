// Time: the kernel clock in nanoseconds (converted from the HAL timer's
// ticks), timed waits (sleep, IPC timeouts) and the timer's tick.
import HAL
import KenixABI

extension Kernel {
    /// The kernel clock in ns. (A mutating method, like every kernel helper:
    /// in the Embedded build a non-mutating call from the kernel's mutating
    /// paths copied the whole Kernel value.)
    @inline(__always)
    mutating func clock() -> UInt64 { nanoseconds(fromTicks: hal.timer.now()) }

    @inline(__always)
    func nanoseconds(fromTicks ticks: UInt64) -> UInt64 {
        if nanosecondsPerTick != 0 { return ticks &* nanosecondsPerTick }   // wraps after centuries of uptime
        let f = hal.timer.frequency
        let product = ticks.multipliedFullWidth(by: 1_000_000_000)
        return f.dividingFullWidth(product).quotient
    }

    /// Ticks for `ns`, rounded up so a deadline never fires early.
    @inline(__always)
    func ticks(fromNanoseconds ns: UInt64) -> UInt64 {
        if nanosecondsPerTick != 0 { return ns / nanosecondsPerTick + (ns % nanosecondsPerTick == 0 ? 0 : 1) }
        let f = hal.timer.frequency
        let product = ns.multipliedFullWidth(by: f)
        let (q, r) = UInt64(1_000_000_000).dividingFullWidth(product)
        return r == 0 ? q : q + 1
    }

    /// The kernel-clock time `ns` from now, saturating.
    mutating func deadline(after ns: UInt64) -> UInt64 {
        let (t, overflow) = clock().addingReportingOverflow(ns)
        return overflow ? UInt64.max : t
    }

    /// Puts the blocked task `slot` on the timer list: at `wakeAt` its wait
    /// ends by itself (see `timeoutExpired`). The list stays sorted; equal
    /// times keep the order they were added in.
    mutating func startTimeout(_ slot: Int, at wakeAt: UInt64) {
        tasks[slot].pointee.wakeAt = wakeAt
        var prev = -1
        var cursor = timedHead
        while cursor >= 0, let t = tasks[cursor].pointee.wakeAt, t <= wakeAt {
            prev = cursor
            cursor = tasks[cursor].pointee.timerNext
        }
        tasks[slot].pointee.timerNext = cursor
        if prev < 0 { timedHead = slot } else { tasks[prev].pointee.timerNext = slot }
    }

    /// Takes `slot` off the timer list (its wait ended another way).
    mutating func cancelTimeout(_ slot: Int) {
        var prev = -1
        var cursor = timedHead
        while cursor >= 0 && cursor != slot { prev = cursor; cursor = tasks[cursor].pointee.timerNext }
        tasks[slot].pointee.wakeAt = nil
        tasks[slot].pointee.wakeDeferrable = false
        guard cursor == slot else { return }
        let next = tasks[slot].pointee.timerNext
        if prev < 0 { timedHead = next } else { tasks[prev].pointee.timerNext = next }
        tasks[slot].pointee.timerNext = -1
    }

    /// The timer fired: end the slice if it is over, then end every timed
    /// wait that is due.
    mutating func timerTick() {
        // Disarm first: the timer is level-triggered until its deadline moves.
        armedDeadline = nil
        hal.timer.setDeadline(nil)
        let time = clock()
        // The slice is judged before the sleepers wake, so that a peer woken
        // by the timer waits for the slice boundary exactly as one woken by a
        // message does.
        sliceExpired()
        while timedHead >= 0, let t = tasks[timedHead].pointee.wakeAt, t <= time {
            let slot = timedHead
            timedHead = tasks[slot].pointee.timerNext
            tasks[slot].pointee.timerNext = -1
            tasks[slot].pointee.wakeAt = nil
            tasks[slot].pointee.wakeDeferrable = false
            timeoutExpired(slot)
        }
        armTimer()
    }

    /// A timed wait ran out: a sleep returns 0, a blocking IPC `timedOut`.
    private mutating func timeoutExpired(_ slot: Int) {
        switch tasks[slot].pointee.state {
        case .blocked(.sleeping):
            write(.success(0), to: slot)
        case .blocked(.sending(let to, _)):
            if let r = tasks.slot(of: to) { removeSender(slot, from: r) }
            write(.failure(.timedOut), to: slot)
        case .blocked(.awaitingReply), .blocked(.receiving):
            write(.failure(.timedOut), to: slot)
        default:
            fatalError("timer list holds a task that is not in a timed wait")
        }
        makeReady(slot)
    }

    /// `sleep(ns)`: returns 0 once at least `ns` of kernel clock has passed.
    mutating func sleep(_ slot: Int, nanoseconds: UInt64) -> SyscallResult {
        guard nanoseconds > 0 else { return .success(0) }
        let until = deadline(after: nanoseconds)
        block(slot, .sleeping(until: until))
        startTimeout(slot, at: until)
        return .blocked
    }

    /// `clock`: x0 = the kernel clock (ns), x1 = the instructions the CPU
    /// has retired (CPU.instructionsRetired), read together for benchmarks.
    mutating func clockSyscall() -> SyscallResult {
        .registers(SyscallReturn(x0: clock(), x1: hal.cpu.instructionsRetired))
    }

    /// `real_time`: nanoseconds since 1970-01-01 00:00 UTC, from the
    /// platform's real-time clock at boot plus the kernel clock since;
    /// `notFound` when the platform has no real-time clock.
    mutating func realTime() -> SyscallResult {
        let base = hal.boot.realTimeAtZero
        guard base != 0 else { return .failure(.notFound) }
        return .success(base &+ clock())
    }
}
