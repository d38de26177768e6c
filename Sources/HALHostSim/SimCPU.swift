// SimCPU: the HAL's CPU: runs a task's EL0 code in the machine's CPU engine
// (CPUEngine: the JIT or Unicorn), slice by slice, until it traps; idles by
// jumping the clock to the next event.
//
// enterUser: interrupts are checked before the first slice and after each
// one, and each slice's end is a host-poll point (SimMachine+HostPoll: the
// window, a live terminal, host signals), as is each idle step. A slice runs
// exactly min(ticks to the next event, slice length) instructions unless it
// traps, so an interrupt is taken at the instruction
// boundary where it becomes due. The kernel's FaultResolver, when given, is
// the SoftMMU's for the duration of the call: faults it resolves are no traps.
import HAL

public struct SimCPU: CPU {
    public unowned(unsafe) let machine: SimMachine

    /// The user instructions simulated so far (the kernel runs natively).
    public var instructionsRetired: UInt64 { machine.stats.instructions }

    public func enterUser(_ context: inout UserContext) -> Trap {
        var none = NoFaultResolver()
        return enterUser(&context, resolver: &none)
    }

    public func enterUser<R: FaultResolver>(_ context: inout UserContext, resolver: inout R) -> Trap {
        // The machine, its engine and its MMU are borrowed unretained
        // (EngineReference): a retain and a release each per trap.
        Unmanaged.passUnretained(machine)._withUnsafeGuaranteedRef { m in
            if m.interruptPending { return m.finishBeforeRun(.interrupt, pc: context.pc) }
            if m.now >= m.haltTime { return m.finishBeforeRun(.halt, pc: context.pc) }
            let trap: Trap = m.mmuReference!._withUnsafeGuaranteedRef { mmu in
                mmu.clearFault()
                mmu.useResolver(of: R.self)
                return withUnsafeMutablePointer(to: &resolver) { r in
                    mmu.resolverContext = UnsafeMutableRawPointer(r)
                    defer { mmu.resolverContext = nil }
                    // One address for the context from enter to leave: an
                    // engine may run on it in place (the JIT's cores do:
                    // kd_set_context).
                    return withUnsafeMutablePointer(to: &context) { c in
                        if let d = m.debugger { return runDebugged(m, c, r, debugger: d) }
                        return runPlain(m, c)
                    }
                }
            }
            m.recordTrap(trap, pc: context.pc)
            return trap
        }
    }

    /// The slice loop without a debugger, and without the kernel's types:
    /// the resolver is wired to the SoftMMU already. Not generic, so it is
    /// compiled here for each engine with every call direct (the kernel's
    /// specialization of a generic loop called the engine and the hooks
    /// through witness tables: ~3% of an IPC round trip).
    @inline(never)
    func runPlain(_ m: SimMachine, _ context: UnsafeMutablePointer<UserContext>) -> Trap {
        var plain = PlainSlices()
        return runOnEngine(m, context, &plain)
    }

    /// runSlices on the machine's engine, by its concrete type.
    @inline(__always)
    func runOnEngine<H: SliceHooks>(_ m: SimMachine, _ context: UnsafeMutablePointer<UserContext>,
                                    _ hooks: inout H) -> Trap {
        switch m.engineReference! {
        case .jit(let e): return e._withUnsafeGuaranteedRef { runSlices(m, $0, context, &hooks) }
        case .unicorn(let e): return e._withUnsafeGuaranteedRef { runSlices(m, $0, context, &hooks) }
        }
    }

    /// Runs slices of the task in `context` on `engine` until it traps.
    @inline(__always)
    func runSlices<E: CPUEngine, H: SliceHooks>(
        _ m: SimMachine, _ engine: E, _ context: UnsafeMutablePointer<UserContext>, _ hooks: inout H
    ) -> Trap {
        engine.enter(&context.pointee)
        defer { engine.leave(&context.pointee) }
        var ran = false
        while true {
            if let stop = hooks.beforeSlice(engine, context, ran: ran) { return stop }
            let budget = hooks.budget(m.sliceBudget())
            m.stats.slices &+= 1
            let run = engine.run(budget: budget)
            ran = true
            m.stats.instructions &+= run.retired
            m.advance(by: run.retired)
            hooks.afterSlice(retired: run.retired)
            // The window, the terminal and host signals (SimMachine+HostPoll).
            m.hostPollPoint()
            if let trap = run.trap { return trap }
            // The slice ended: take pending interrupts, then go on.
            if m.interruptPending { return .interrupt }
            if m.now >= m.haltTime { return .halt }
        }
    }

    public func waitForInterrupt() -> WakeReason {
        let m = machine
        let reason: WakeReason
        while true {
            m.hostPollPoint()
            m.debugger?.pollWhileIdle()
            if m.interruptPending { reason = .interrupt; break }
            if m.now >= m.haltTime { reason = .halt; break }
            // Typed input comes before a deferrable deadline (periodic
            // housekeeping): such a machine is idle as far as input goes.
            var next = m.nextBusyWakeTime
            if next == nil {
                if m.feedInput() { continue }
                next = m.nextWakeTime
            }
            guard var wake = next else {
                reason = .noFutureEvents
                break
            }
            if let poller = m.hostPoller { wake = poller.limitJump(wake, now: m.now) }
            if wake >= m.haltTime {
                m.jump(to: m.haltTime)
                // A realtime sleep stops early when a key is typed.
                if m.now < m.haltTime { continue }
                reason = .halt
                break
            }
            m.jump(to: wake)
        }
        m.recordWake(reason)
        return reason
    }
}

/// What enterUser's slice loop does besides running slices: nothing
/// (`PlainSlices`), or the debugger's stops, budgets and bookkeeping
/// (SimCPU+Debugger). One loop for both; the plain hooks compile to
/// nothing in `runPlain`.
protocol SliceHooks {
    /// At the instruction boundary before each slice; `ran`: a slice ran in
    /// this entry, so the engine's registers are newer than `context`'s. A
    /// trap ends the entry with it.
    mutating func beforeSlice<E: CPUEngine>(_ engine: E, _ context: UnsafeMutablePointer<UserContext>, ran: Bool) -> Trap?
    /// The next slice's budget, given the machine's.
    mutating func budget(_ machine: UInt64) -> UInt64
    /// After a slice retired `retired` instructions (the clock has moved).
    mutating func afterSlice(retired: UInt64)
}

struct PlainSlices: SliceHooks {
    @inline(__always)
    func beforeSlice<E: CPUEngine>(_ engine: E, _ context: UnsafeMutablePointer<UserContext>, ran: Bool) -> Trap? { nil }
    @inline(__always) func budget(_ machine: UInt64) -> UInt64 { machine }
    @inline(__always) func afterSlice(retired: UInt64) {}
}

extension SimMachine {
    /// A trap taken before any user instruction ran: the context is unchanged.
    func finishBeforeRun(_ trap: Trap, pc: UInt64) -> Trap {
        recordTrap(trap, pc: pc)
        return trap
    }
}
