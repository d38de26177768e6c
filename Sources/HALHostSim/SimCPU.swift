// SimCPU: the HAL's CPU: runs a task's EL0 code in the active address
// space's Unicorn engine, slice by slice, until it traps; idles by jumping
// the clock to the next event.
//
// enterUser: interrupts are checked before the first slice and after each
// one; a slice runs at most min(ticks to the next event, slice length)
// instructions, so an interrupt is taken at the instruction boundary where it
// becomes due.
import HAL

public struct SimCPU: CPU {
    public let machine: SimMachine

    public func enterUser(_ context: inout UserContext) -> Trap {
        let m = machine
        if m.interruptPending { return m.finishBeforeRun(.interrupt, pc: context.pc) }
        if m.now >= m.haltTime { return m.finishBeforeRun(.halt, pc: context.pc) }
        guard let space = m.current else { preconditionFailure("enterUser before MMU.activate") }
        if space.needsCompaction { space.compact() }
        let engine = space.engine
        engine.registers.load(&context, into: engine.handle)
        var pc = context.pc
        while true {
            m.stats.slices &+= 1
            let stop = engine.run(pc: pc, budget: m.sliceBudget())
            var retired = engine.executed
            var trap = Self.trap(for: stop, space: space, retired: &retired)
            m.advance(by: retired)
            m.checkHostStop()
            if trap == nil {
                // The slice ended: take pending interrupts, then go on.
                if space.needsCompaction { space.compact() }
                if stop == .other && retired == 0 { m.advance(by: 1) } // no livelock
                if m.window != nil && m.stats.slices & 63 == 0 { m.serviceWindow() }
                if m.interruptPending {
                    trap = .interrupt
                } else if m.now >= m.haltTime {
                    trap = .halt
                } else {
                    pc = engine.pc
                    continue
                }
            }
            engine.registers.save(&context, from: engine.handle)
            m.recordTrap(trap!, pc: context.pc)
            return trap!
        }
    }

    /// The trap a run's stop means, or nil when the slice just ended.
    /// Time counts retired instructions: an instruction that faulted or was
    /// undefined started (the code hook counted it) but did not retire; `svc`
    /// retires; a failed fetch never started.
    static func trap(for stop: UnicornStop, space: AddressSpaceEngine,
                     retired: inout UInt64) -> Trap? {
        let engine = space.engine
        switch stop {
        case .budget, .requested, .other:
            return nil
        case .exception(QEMUException.supervisorCall):
            return .syscall
        case .exception(QEMUException.breakpoint):
            // brk #imm16 (DDI 0487 C6.2.38): imm16 is bits 20:5.
            retired &-= 1
            let word = engine.instruction(at: engine.pc) ?? 0
            return .breakpoint(immediate: UInt16(truncatingIfNeeded: word >> 5))
        case .exception(let n):
            retired &-= 1
            return trap(forException: n, pc: engine.pc)
        case .memoryRefused:
            guard let fault = space.takeFault() else {
                preconditionFailure("Unicorn refused an access no hook refused")
            }
            if fault.access != .execute { retired &-= 1 }
            return .memoryFault(fault)
        case .invalidInstruction:
            retired &-= 1
            return .undefinedInstruction
        case .failure(let code):
            fatalError("HALHostSim: Unicorn failed with error \(code)")
        }
    }

    /// Maps a CPU exception Unicorn reported to the trap hardware would take.
    static func trap(forException n: UInt32, pc: UInt64) -> Trap {
        switch n {
        case QEMUException.undefined where pc & 3 != 0:
            // QEMU raises a misaligned PC as an undefined-instruction
            // exception; hardware reports a PC alignment fault.
            return .memoryFault(MemoryFault(address: VirtAddr(pc), access: .execute, status: .alignment))
        case QEMUException.prefetchAbort:
            // Unicorn does not expose FAR/ESR; the PC is the faulting address.
            return .memoryFault(MemoryFault(address: VirtAddr(pc), access: .execute,
                                            status: .other(esr: 0x20 << 26 | 1 << 25)))
        case QEMUException.dataAbort:
            return .memoryFault(MemoryFault(address: VirtAddr(pc), access: .read,
                                            status: .other(esr: 0x24 << 26 | 1 << 25)))
        default:
            // udf, privileged instructions, hvc/smc at EL0: EC 0 (unknown).
            return .undefinedInstruction
        }
    }

    public func waitForInterrupt() -> WakeReason {
        let m = machine
        let reason: WakeReason
        while true {
            if m.window != nil { m.serviceWindow() }
            m.checkHostStop()
            if m.interruptPending { reason = .interrupt; break }
            if m.now >= m.haltTime { reason = .halt; break }
            guard let wake = m.nextWakeTime else {
                if m.feedInput() { continue }
                reason = .noFutureEvents
                break
            }
            if wake >= m.haltTime {
                m.jump(to: m.haltTime)
                reason = .halt
                break
            }
            m.jump(to: wake)
        }
        m.recordWake(reason)
        return reason
    }
}

extension SimMachine {
    /// A trap taken before any user instruction ran: the context is unchanged.
    func finishBeforeRun(_ trap: Trap, pc: UInt64) -> Trap {
        recordTrap(trap, pc: pc)
        return trap
    }
}
