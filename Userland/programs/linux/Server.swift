// Server: the Linux personality server's state and its loop. One receive
// loop serves everything: syscall and fault events of the Linux tasks it
// supervises (their sender is the task), requests of Kenix programs
// (LinuxServiceOp: launching a program), and its bound notification
// (terminal input and signal characters from the console, task ends). A
// receive with a timeout serves the earliest deadline (sleeps, poll
// timeouts, alarms). Nothing here busy-waits: a blocked Linux call leaves
// its task stopped until the server resumes it.

enum NotifyBit {
    /// Four bits the console signals (ConsoleOp.ttyAttach): input, SIGINT, SIGQUIT, SIGTSTP.
    static let terminalBase: UInt64 = 0
    /// A watched task ended (someone else killed a Linux task).
    static let taskEnded: UInt64 = 1 << 8
}

/// What a syscall handler leaves to do.
enum Outcome {
    /// Resume the task with x0 = this (a value, or -errno).
    case value(Int64)
    /// Park it: the syscall waits (the task stays stopped).
    case block(WaitKind, deadline: UInt64?, restart: RestartPolicy)
    /// The handler resumed, ended or parked the task itself.
    case done

    static func error(_ e: Errno) -> Outcome { .value(e.result) }
    static func success(_ v: Int) -> Outcome { .value(Int64(v)) }
}

final class Server {
    var processes = ProcessTable()
    var notification: UInt64 = 0
    var terminal = Terminal()
    var launches = LaunchRequests()
    var pipeCounter = 0
    var random = SplitMix(seed: 0x4B65_6E69_784C_6E78)
    /// Set when something a blocked call may wait for has changed.
    var wakePending = false
    var staging = Staging()
    /// 64 KiB of server memory for sendfile and device reads.
    var scratch: UnsafeMutableRawPointer
    static let scratchSize = 65536
    let bootTime: UInt64

    init() {
        bootTime = Kenix.clock()
        let address = (try? Memory.map(length: UInt64(Self.scratchSize))) ?? 0
        scratch = UnsafeMutableRawPointer(bitPattern: UInt(address)) ?? UnsafeMutableRawPointer(bitPattern: 16)!
    }

    // MARK: the loop

    func run() -> Never {
        while true {
            let received: Received?
            if let deadline = nextDeadline() {
                let now = Kenix.clock()
                if deadline <= now {
                    received = nil
                } else {
                    received = try? IPC.recv(timeout: deadline - now)
                }
            } else {
                received = try? IPC.recv()
            }
            if let r = received { handle(r) }
            expireTimers()
            if wakePending { wakeBlocked() }
        }
    }

    func handle(_ r: Received) {
        if r.isNotification {
            handleNotification(bits: r.message.tag)
        } else if r.isSupervisorEvent {
            guard let p = processes.find(task: r.sender) else {
                // Not ours any more (it ended meanwhile): nothing to resume.
                return
            }
            handleEvent(p, r)
        } else {
            handleRequest(r)
        }
    }

    func handleNotification(bits: UInt64) {
        let t = NotifyBit.terminalBase
        if bits & (1 << t) != 0 { wakePending = true }
        if bits & (1 << (t + 1)) != 0 { terminalSignal(Signal.SIGINT) }
        if bits & (1 << (t + 2)) != 0 { terminalSignal(Signal.SIGQUIT) }
        if bits & (1 << (t + 3)) != 0 { terminalSignal(Signal.SIGTSTP) }
        if bits & NotifyBit.taskEnded != 0 { reapVanishedTasks() }
    }

    /// A signal character typed at the terminal: to its foreground group.
    func terminalSignal(_ n: Int) {
        guard let group = terminal.foregroundGroup else { return }
        signalGroup(group, n, SignalInfo(signal: n, code: SignalInfo.kernelCode))
    }

    // MARK: events

    func handleEvent(_ p: Process, _ r: Received) {
        if p.isStopped {
            // Stopped by a signal while it ran: what it trapped for waits for SIGCONT.
            if r.event == .syscall {
                let m = r.message
                p.syscallX0 = m.w0
                p.blocked = BlockedCall(number: r.syscallNumber, args: (m.w0, m.w1, m.w2, m.w3, 0, 0), kind: .retry,
                                        deadline: nil, restart: .restartWithSARestart)
                p.retryWithUpperArgs = true
                return
            }
            if r.event == .interrupted { p.resumeAsIs = true; return }
        }
        switch r.event {
        case .interrupted:
            resumeInterrupted(p)
        case .syscall:
            let m = r.message
            p.syscallX0 = m.w0
            var call = SyscallCall(number: r.syscallNumber, args: (m.w0, m.w1, m.w2, m.w3, 0, 0), process: p)
            let outcome = dispatch(&call)
            complete(p, call, outcome)
        case .memoryFault:
            let m = r.message
            let code = m.w2 & 0xFF
            if code == FaultCode.alignment.rawValue {
                fault(p, SignalInfo.fault(Signal.SIGBUS, code: SignalInfo.busAlignment, address: m.w0))
            } else {
                let c = code == FaultCode.permission.rawValue ? SignalInfo.segvAccessError : SignalInfo.segvMapError
                fault(p, SignalInfo.fault(Signal.SIGSEGV, code: c, address: m.w0))
            }
        case .undefinedInstruction:
            fault(p, SignalInfo.fault(Signal.SIGILL, code: SignalInfo.illegalOpcode, address: r.message.w0))
        case .breakpoint:
            fault(p, SignalInfo.fault(Signal.SIGTRAP, code: SignalInfo.trapBreakpoint, address: r.message.w0))
        case nil:
            kill(p, WaitStatus.killedBy(Signal.SIGSYS))
        }
    }

    /// Acts on what a syscall handler decided.
    func complete(_ p: Process, _ call: SyscallCall, _ outcome: Outcome) {
        switch outcome {
        case .value(let v):
            finish(p, v, restart: .never)
        case .block(let kind, let deadline, let restart):
            p.blocked = BlockedCall(number: call.number, args: call.args, kind: kind, deadline: deadline, restart: restart)
            // A signal may already be waiting (a mask just lifted by sigsuspend).
            if p.signals.hasDeliverable { interrupt(p) }
        case .done:
            break
        }
    }

    /// A synchronous fault: its signal is delivered at once, and if it is
    /// blocked or ignored the process dies of it (as Linux forces it).
    func fault(_ p: Process, _ info: SignalInfo) {
        let n = info.signal
        let a = p.signals.action(n)
        if a.isDefault || a.isIgnored || p.signals.mask.contains(n) {
            return kill(p, WaitStatus.killedBy(n))
        }
        guard let r = Guest.registers(p.task) else { return kill(p, WaitStatus.killedBy(n)) }
        deliver(p, n, info, r)
    }

    // MARK: resuming

    /// Resumes `p` after a syscall with `result`, running any signal that is
    /// now deliverable first (its frame saves `result` as x0).
    func finish(_ p: Process, _ result: Int64, restart: RestartPolicy) {
        guard p.isLive else { return }
        p.blocked = nil
        if p.isStopped { return }
        while let (n, info) = p.signals.takeDeliverable() {
            let a = p.signals.action(n)
            if a.isIgnored { continue }
            if a.isDefault {
                switch Signal.defaultAction(n) {
                case .ignore, .continue: continue
                case .stop:
                    // The syscall finishes when the process is continued.
                    p.signals.dropTemporaryMask()
                    p.resultAfterStop = result == Self.interrupted ? Errno.EINTR.result : result
                    stop(p, n)
                    return
                case .terminate, .coreDump:
                    return kill(p, WaitStatus.killedBy(n))
                }
            }
            guard var r = Guest.registers(p.task) else { return kill(p, WaitStatus.killedBy(Signal.SIGSEGV)) }
            if result == Self.interrupted {
                let restarts = restart == .restartWithSARestart && a.flags & SignalActionFlags.restart != 0
                if restarts { r.pc &-= 4; r.x[0] = p.syscallX0 } else { r.x[0] = UInt64(bitPattern: Errno.EINTR.result) }
            } else {
                r.x[0] = UInt64(bitPattern: result)
            }
            deliver(p, n, info, r)
            return
        }
        p.signals.dropTemporaryMask()
        if result == Self.interrupted {
            // Interrupted, but no handler ran: restart the call, or EINTR.
            if restart == .never {
                return resume(p, Errno.EINTR.result)
            }
            guard var r = Guest.registers(p.task) else { return kill(p, WaitStatus.killedBy(Signal.SIGSEGV)) }
            r.pc &-= 4
            r.x[0] = p.syscallX0
            guard Guest.setRegisters(p.task, r), (try? Tasks.resume(p.task)) != nil else { return taskVanished(p) }
            return
        }
        resume(p, result)
    }

    /// A task stopped between two instructions (task_interrupt) because a
    /// signal came for it: the signal acts, or the task runs on as it was.
    func resumeInterrupted(_ p: Process) {
        guard p.isLive else { return }
        while let (n, info) = p.signals.takeDeliverable() {
            let a = p.signals.action(n)
            if a.isIgnored { continue }
            if a.isDefault {
                switch Signal.defaultAction(n) {
                case .ignore, .continue: continue
                case .stop:
                    p.resumeAsIs = true
                    return stop(p, n)
                case .terminate, .coreDump:
                    return kill(p, WaitStatus.killedBy(n))
                }
            }
            guard let r = Guest.registers(p.task) else { return taskVanished(p) }
            return deliver(p, n, info, r)
        }
        if (try? Tasks.resume(p.task)) == nil { taskVanished(p) }
    }

    /// The value `finish` gets for a call a signal interrupted.
    static let interrupted: Int64 = -512

    func resume(_ p: Process, _ value: Int64) {
        if (try? Tasks.resume(p.task, result: UInt64(bitPattern: value))) == nil { taskVanished(p) }
    }

    /// Builds the frame for handler of `n` over registers `r` and runs it.
    func deliver(_ p: Process, _ n: Int, _ info: SignalInfo, _ r: UserRegisters) {
        let (saved, a) = p.signals.enterHandler(n)
        var sp = r.sp
        let alt = p.signals.altStack
        if a.flags & SignalActionFlags.onStack != 0 && alt.isEnabled && !alt.contains(r.sp) {
            sp = alt.base &+ alt.size
        }
        var stackRecord = alt
        if alt.isEnabled && alt.contains(sp) { stackRecord.flags |= AltStack.onStack }
        let (frame, record) = SignalFrame.placement(below: sp)
        let bytes = SignalFrame.build(r, info: info, savedMask: saved, altStack: stackRecord)
        var fr = [UInt8](repeating: 0, count: 16)
        LE.put64(&fr, 0, r.x[29]); LE.put64(&fr, 8, r.x[30])
        guard Guest.write(p.task, frame, bytes), Guest.write(p.task, record, fr) else {
            // No room for the frame (a broken stack): Linux forces SIGSEGV.
            return kill(p, WaitStatus.killedBy(Signal.SIGSEGV))
        }
        var h = r
        h.x[0] = UInt64(n)
        h.x[1] = frame
        h.x[2] = frame &+ UInt64(SignalFrame.ucontextOffset)
        h.x[29] = record
        h.x[30] = a.flags & SignalActionFlags.restorer != 0 && a.restorer != 0 ? a.restorer : p.memory.trampoline
        h.sp = frame
        h.pc = a.handler
        guard Guest.setRegisters(p.task, h), (try? Tasks.resume(p.task)) != nil else { return taskVanished(p) }
    }

    // MARK: blocking and waking

    /// A signal arrived for a blocked process: end its wait.
    func interrupt(_ p: Process) {
        guard let b = p.blocked else { return }
        switch b.kind {
        case .vforkChild:
            return   // a vfork parent sleeps through signals until its child lets go
        case .signal:
            finish(p, Self.interrupted, restart: .never)
        case .sleep:
            // Write the time left to rem (x1), as nanosleep and clock_nanosleep report it.
            writeRemaining(p, b)
            finish(p, Self.interrupted, restart: b.restart)
        case .retry:
            if p.progress > 0 {
                // A write that moved some bytes returns their count, not EINTR.
                let n = p.progress
                p.progress = 0
                return finish(p, Int64(n), restart: .never)
            }
            finish(p, Self.interrupted, restart: b.restart)
        }
    }

    /// Re-runs the blocked calls that may now complete.
    func wakeBlocked() {
        wakePending = false
        for p in processes.all where p.isLive && !p.isStopped {
            guard let b = p.blocked, case .retry = b.kind else { continue }
            p.blocked = nil
            var call = SyscallCall(number: b.number, args: b.args, process: p)
            call.isRetry = !p.retryWithUpperArgs
            p.retryWithUpperArgs = false
            call.deadline = b.deadline
            let outcome = dispatch(&call)
            if case .block(let kind, _, let restart) = outcome {
                p.blocked = BlockedCall(number: b.number, args: b.args, kind: kind, deadline: b.deadline, restart: restart)
            } else {
                complete(p, call, outcome)
            }
        }
    }

    func nextDeadline() -> UInt64? {
        var best: UInt64? = nil
        for p in processes.all where p.isLive {
            if let d = p.blocked?.deadline { best = min(best ?? d, d) }
            if let a = p.alarmAt { best = min(best ?? a, a) }
        }
        return best
    }

    func expireTimers() {
        let now = Kenix.clock()
        for p in processes.all where p.isLive {
            if let a = p.alarmAt, a <= now {
                p.alarmAt = p.alarmInterval > 0 ? now &+ p.alarmInterval : nil
                send(p, Signal.SIGALRM, SignalInfo(signal: Signal.SIGALRM, code: SignalInfo.kernelCode))
            }
            guard let b = p.blocked, let d = b.deadline, d <= now, !p.isStopped else { continue }
            switch b.kind {
            case .sleep: finish(p, 0, restart: .never)
            case .retry: wakePending = true
            case .signal, .vforkChild: break
            }
        }
    }
}

/// A deterministic generator (SplitMix64) for AT_RANDOM, getrandom and
/// /dev/urandom: the simulator's runs stay reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        while out.count < n {
            var v = next()
            for _ in 0..<8 where out.count < n { out.append(UInt8(truncatingIfNeeded: v)); v >>= 8 }
        }
        return out
    }
}
