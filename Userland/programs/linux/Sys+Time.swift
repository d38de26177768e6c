// Time syscalls: clock_gettime, clock_getres, gettimeofday, nanosleep,
// clock_nanosleep, getitimer/setitimer (ITIMER_REAL: SIGALRM), times.
// CLOCK_REALTIME is Kenix's real-time clock (kenix-sim: a fixed epoch plus
// simulated time); the monotonic clocks are the kernel clock. Processes'
// CPU time is not accounted (it reads as the time since they started).

enum ClockID {
    static let realtime: UInt64 = 0
    static let monotonic: UInt64 = 1
    static let processCPU: UInt64 = 2
    static let threadCPU: UInt64 = 3
    static let monotonicRaw: UInt64 = 4
    static let realtimeCoarse: UInt64 = 5
    static let monotonicCoarse: UInt64 = 6
    static let boottime: UInt64 = 7
}

extension Server {
    func realTime() -> UInt64 { (try? Kenix.realTime()) ?? Kenix.clock() }

    /// The clock's value in ns, or nil for an unknown clock.
    func clockValue(_ id: UInt64, _ p: Process) -> UInt64? {
        switch id {
        case ClockID.realtime, ClockID.realtimeCoarse: return realTime()
        case ClockID.monotonic, ClockID.monotonicRaw, ClockID.monotonicCoarse, ClockID.boottime: return Kenix.clock()
        case ClockID.processCPU, ClockID.threadCPU: return Kenix.clock() &- p.startTime
        default: return nil
        }
    }

    static func timespec(_ ns: UInt64) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 16)
        LE.put64(&b, 0, ns / 1_000_000_000); LE.put64(&b, 8, ns % 1_000_000_000)
        return b
    }

    /// A timespec: nil when unreadable (EFAULT), .some(nil) when invalid (EINVAL).
    func readTimespec(_ task: TaskID, _ address: UInt64) -> UInt64?? {
        guard let b = Guest.read(task, address, 16) else { return nil }
        let s = Int64(bitPattern: LE.u64(b, 0)), ns = Int64(bitPattern: LE.u64(b, 8))
        guard s >= 0, ns >= 0, ns < 1_000_000_000 else { return .some(nil) }
        let (total, o1) = UInt64(s).multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, o2) = total.addingReportingOverflow(UInt64(ns))
        return .some(o1 || o2 ? UInt64.max / 2 : sum)
    }

    /// An absolute time on a clock as a kernel-clock deadline.
    func monotonicDeadline(absolute ns: UInt64, realtime: Bool) -> UInt64 {
        let now = Kenix.clock()
        if !realtime { return ns }
        let real = realTime()
        return ns <= real ? now : now &+ (ns - real)
    }

    func sysClockGettime(_ c: inout SyscallCall) -> Outcome {
        guard let v = clockValue(c.a0, c.process) else { return .error(.EINVAL) }
        return Guest.write(c.task, c.a1, Self.timespec(v)) ? .success(0) : .error(.EFAULT)
    }

    func sysClockGetres(_ c: inout SyscallCall) -> Outcome {
        guard clockValue(c.a0, c.process) != nil else { return .error(.EINVAL) }
        if c.a1 == 0 { return .success(0) }
        return Guest.write(c.task, c.a1, Self.timespec(1)) ? .success(0) : .error(.EFAULT)
    }

    func sysGettimeofday(_ c: inout SyscallCall) -> Outcome {
        if c.a0 != 0 {
            let ns = realTime()
            var b = [UInt8](repeating: 0, count: 16)
            LE.put64(&b, 0, ns / 1_000_000_000); LE.put64(&b, 8, ns % 1_000_000_000 / 1000)
            guard Guest.write(c.task, c.a0, b) else { return .error(.EFAULT) }
        }
        if c.a1 != 0 && !Guest.write(c.task, c.a1, [UInt8](repeating: 0, count: 8)) { return .error(.EFAULT) }
        return .success(0)
    }

    /// nanosleep(req, rem) and clock_nanosleep(clock, flags, req, rem):
    /// the task stays stopped until the deadline; a signal ends it early
    /// with -EINTR and the time left in rem (relative sleeps).
    func sysNanosleep(_ c: inout SyscallCall, clock: UInt64, flags: UInt64, request: UInt64, remain: UInt64) -> Outcome {
        guard clockValue(clock, c.process) != nil, clock != ClockID.threadCPU else { return .error(.EINVAL) }
        guard let t = readTimespec(c.task, request) else { return .error(.EFAULT) }
        guard let ns = t else { return .error(.EINVAL) }
        let absolute = flags & 1 != 0   // TIMER_ABSTIME
        let deadline = absolute ? monotonicDeadline(absolute: ns, realtime: clock == ClockID.realtime)
                                : Kenix.clock() &+ ns
        if deadline <= Kenix.clock() { return .success(0) }
        c.process.sleepRemainAddress = absolute ? 0 : remain
        return .block(.sleep, deadline: deadline, restart: .never)
    }

    /// An interrupted relative sleep writes the time left.
    func writeRemaining(_ p: Process, _ b: BlockedCall) {
        guard p.sleepRemainAddress != 0, let d = b.deadline else { return }
        let now = Kenix.clock()
        _ = Guest.write(p.task, p.sleepRemainAddress, Self.timespec(d > now ? d - now : 0))
    }

    static func timeval(_ ns: UInt64) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 16)
        LE.put64(&b, 0, ns / 1_000_000_000); LE.put64(&b, 8, ns % 1_000_000_000 / 1000)
        return b
    }

    /// struct itimerval for ITIMER_REAL (the others read as disarmed).
    private func itimer(_ p: Process) -> [UInt8] {
        let now = Kenix.clock()
        let left = p.alarmAt.map { $0 > now ? $0 - now : 1000 } ?? 0
        return Self.timeval(p.alarmInterval) + Self.timeval(left)
    }

    func sysGetitimer(_ c: inout SyscallCall) -> Outcome {
        guard c.a0 <= 2 else { return .error(.EINVAL) }
        let b = c.a0 == 0 ? itimer(c.process) : [UInt8](repeating: 0, count: 32)
        return Guest.write(c.task, c.a1, b) ? .success(0) : .error(.EFAULT)
    }

    func sysSetitimer(_ c: inout SyscallCall) -> Outcome {
        guard c.a0 <= 2 else { return .error(.EINVAL) }
        let p = c.process
        let old = c.a0 == 0 ? itimer(p) : [UInt8](repeating: 0, count: 32)
        if c.a1 != 0 {
            guard let b = Guest.read(c.task, c.a1, 32) else { return .error(.EFAULT) }
            func ns(_ at: Int) -> UInt64? {
                let s = LE.u64(b, at), us = LE.u64(b, at + 8)
                guard Int64(bitPattern: s) >= 0, us < 1_000_000 else { return nil }
                return s &* 1_000_000_000 &+ us * 1000
            }
            guard let interval = ns(0), let value = ns(16) else { return .error(.EINVAL) }
            if c.a0 == 0 {
                p.alarmInterval = interval
                p.alarmAt = value == 0 ? nil : Kenix.clock() &+ value
            }
        }
        if c.a2 != 0 && !Guest.write(c.task, c.a2, old) { return .error(.EFAULT) }
        return .success(0)
    }

    /// times(buf): clock ticks (USER_HZ 100) since boot; CPU times 0.
    func sysTimes(_ c: inout SyscallCall) -> Outcome {
        if c.a0 != 0 && !Guest.write(c.task, c.a0, [UInt8](repeating: 0, count: 32)) { return .error(.EFAULT) }
        return .value(Int64((Kenix.clock() - bootTime) / 10_000_000))
    }
}
