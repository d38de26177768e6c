// ScriptedCPU: `enterUser` runs the task's script instead of instructions.
// The pc says where the task is, as on a CPU: the script is the one whose
// text holds it (program k's at imageBase + k × 64 KiB) and the step is
// (pc − entry) / 4. x28 keeps the step the script last left the task at, so
// a pc the kernel moved anywhere but back to the `svc` just executed (a
// restarted syscall) is reported. Every step is fetched through the MMU at its
// own pc (so code must be mapped executable), and interrupts are taken
// between steps or in the middle of a `.compute` exactly when the next
// interrupt (timer deadline, disk completion) is due. `waitForInterrupt`
// jumps the clock to it, or reports that nothing can ever happen again.
// Like the simulator's engines, it offers faults to the kernel's
// FaultResolver first (translation, access flag, a write to a page that is
// not executable) unless `machine.resolveFaultsInPlace` is off (make test runs
// the kernel tests both ways: KENIX_FAULTS_IN_PLACE=0).
import HAL

struct ScriptedCPU: CPU {
    let machine: SimMachine
    var mmu: ScriptedMMU { ScriptedMMU(machine: machine) }

    var instructionsRetired: UInt64 { machine.stepsExecuted }

    func enterUser(_ ctx: inout UserContext) -> Trap {
        var none = NoFaultResolver()
        return enterUser(&ctx, resolver: &none)
    }

    func enterUser<R: FaultResolver>(_ ctx: inout UserContext, resolver: inout R) -> Trap {
        withoutActuallyEscaping({ (fault: MemoryFault) -> Bool in resolver.resolveUserFault(fault) }) { resolve in
            run(&ctx, resolve: resolve)
        }
    }

    private func run(_ ctx: inout UserContext, resolve: (MemoryFault) -> Bool) -> Trap {
        machine.enterCount += 1
        machine.acknowledgesWithoutProgress = 0
        if machine.runLimitReached { return .halt }
        while true {
            // The platform's time limit also stops a task that never traps.
            if machine.runLimitReached { return .halt }
            if machine.interruptDeliverable { return .interrupt }
            let entry = ctx.pc & ~(ProgramImage.slotSize - 1)
            guard let script = machine.scripts[entry], ctx.pc & 3 == 0 else {
                machine.harnessErrors.append("no script for pc 0x\(String(ctx.pc, radix: 16))")
                return .undefinedInstruction
            }
            let index = Int((ctx.pc - entry) / 4)
            // Instruction fetch of this step.
            if case .fault(let fault) = translate(ctx.pc, .execute, resolve) { return .memoryFault(fault) }
            guard index < script.steps.count else {
                machine.harnessErrors.append("\(script.name) ran off the end of its script")
                return .undefinedInstruction
            }
            if index != Int(ctx.x[ScriptRegister.step]) {
                // The kernel restarts a syscall by rewinding the pc to its svc (x28 had moved past it already).
                guard index + 1 == Int(ctx.x[ScriptRegister.step]), case .syscall = script.steps[index] else {
                    machine.harnessErrors.append("\(script.name): pc moved to step \(index) from step \(ctx.x[ScriptRegister.step])")
                    return .undefinedInstruction
                }
                ctx.x[ScriptRegister.step] = UInt64(index)
            }
            machine.stepsExecuted += 1
            if let trap = execute(script.steps[index], of: script, &ctx, resolve) { return trap }
        }
    }

    func waitForInterrupt() -> WakeReason {
        machine.enterCount += 1
        machine.acknowledgesWithoutProgress = 0
        if machine.runLimitReached { return .halt }
        if machine.interruptDeliverable { return .interrupt }
        guard let next = machine.nextInterruptTime else { return .noFutureEvents }
        // A wait past the run's time limit (a timeout of centuries) ends the
        // run there, as it would end any machine: the clock never gets near 2^64.
        if next > machine.timeLimit { return .halt }
        machine.now = max(machine.now, next)
        return .interrupt
    }

    /// Runs one step; returns the trap that ends this entry, or nil to go on.
    private func execute(_ step: Step, of script: LoadedScript, _ ctx: inout UserContext,
                         _ offer: (MemoryFault) -> Bool) -> Trap? {
        switch step {
        case .compute(let ns):
            let left = ctx.x[ScriptRegister.computeLeft] != 0 ? ctx.x[ScriptRegister.computeLeft] : ns
            if let due = machine.nextInterruptTime, due < machine.now + left {
                let ran = due > machine.now ? due - machine.now : 0
                machine.now += ran
                ctx.x[ScriptRegister.computeLeft] = left - ran
                return .interrupt
            }
            machine.now += left
            ctx.x[ScriptRegister.computeLeft] = 0
            advance(&ctx)
        case .raiseLine(let irq):
            machine.deviceLinesHigh.insert(irq)
            advance(&ctx)
        case .lowerLine(let irq):
            machine.deviceLinesHigh.remove(irq)
            advance(&ctx)
        case .syscall(let number, let args):
            for (i, a) in args.enumerated() { ctx.x[i] = resolve(a, script, ctx) }
            ctx.x[8] = number
            advance(&ctx)
            return .syscall
        case .record(let label):
            machine.log.append(LogEntry(time: machine.now, program: script.name, label: label,
                                        x: (0..<6).map { ctx.x[$0] }, sp: ctx.sp))
            advance(&ctx)
        case .read(let address, let register):
            let va = resolve(address, script, ctx)
            switch access(va, .read, offer) {
            case .fault(let fault): return .memoryFault(fault)
            case .allowed(let pa):
                ctx.x[register] = machine.pointer(to: pa).load(as: UInt64.self)
                advance(&ctx)
            }
        case .write(let address, let value):
            let va = resolve(address, script, ctx)
            switch access(va, .write, offer) {
            case .fault(let fault): return .memoryFault(fault)
            case .allowed(let pa):
                machine.pointer(to: pa).storeBytes(of: resolve(value, script, ctx), as: UInt64.self)
                advance(&ctx)
            }
        case .copy(let from, let to, let length):
            let source = resolve(from, script, ctx), destination = resolve(to, script, ctx)
            var offset: UInt64 = 0
            while offset < resolve(length, script, ctx) {
                let pa: (PhysAddr, PhysAddr)
                switch (access(source + offset, .read, offer), access(destination + offset, .write, offer)) {
                case (.fault(let fault), _), (_, .fault(let fault)): return .memoryFault(fault)
                case (.allowed(let s), .allowed(let d)): pa = (s, d)
                }
                machine.pointer(to: pa.1).storeBytes(of: machine.pointer(to: pa.0).load(as: UInt64.self), as: UInt64.self)
                offset += 8
            }
            advance(&ctx)
        case .execute(let target):
            let va = resolve(target, script, ctx)
            if case .fault(let fault) = translate(va, .execute, offer) {
                // A branch to a page that cannot be executed: ELR and FAR are the target.
                ctx.pc = va
                return .memoryFault(fault)
            }
            advance(&ctx)
        case .undefined:
            return .undefinedInstruction
        case .brk(let immediate):
            return .breakpoint(immediate: immediate)
        case .move(let register, let value):
            ctx.x[register] = resolve(value, script, ctx)
            advance(&ctx)
        case .jump(let index):
            ctx.x[ScriptRegister.step] = UInt64(index)
            ctx.pc = script.entry + 4 * UInt64(index)
        case .branch(let register, let value, let index):
            if ctx.x[register] == resolve(value, script, ctx) {
                ctx.x[ScriptRegister.step] = UInt64(index)
                ctx.pc = script.entry + 4 * UInt64(index)
            } else {
                advance(&ctx)
            }
        case .pause:
            advance(&ctx)
            return .halt
        }
        return nil
    }

    private func advance(_ ctx: inout UserContext) {
        ctx.x[ScriptRegister.step] += 1
        ctx.pc += 4
    }

    /// An aligned 8-byte data access.
    private func access(_ va: UInt64, _ kind: MemoryAccess, _ offer: (MemoryFault) -> Bool) -> DataAccess {
        guard va & 7 == 0 else { return .fault(MemoryFault(address: VirtAddr(va), access: kind, status: .alignment)) }
        return translate(va, kind, offer)
    }

    /// The MMU's answer, after offering a fault to the resolver (the
    /// simulator's SoftMMU policy) and translating once more if it resolved it.
    private func translate(_ va: UInt64, _ kind: MemoryAccess, _ offer: (MemoryFault) -> Bool) -> DataAccess {
        var offered = false
        while true {
            switch mmu.translate(va, for: kind) {
            case .allowed(let pa): return .allowed(pa)
            case .fault(let status):
                let fault = MemoryFault(address: VirtAddr(va), access: kind, status: status)
                let offers: Bool
                switch status {
                case .translation, .accessFlag: offers = true
                case .permission: offers = kind == .write && !mmu.leafIsExecutable(va)
                default: offers = false
                }
                guard !offered, machine.resolveFaultsInPlace, offers, resolving({ offer(fault) }) else { return .fault(fault) }
                offered = true
                machine.faultsResolvedInPlace += 1
            }
        }
    }

    /// Runs the resolver with the machine's `resolving` flag up.
    private func resolving(_ body: () -> Bool) -> Bool {
        machine.resolving = true
        defer { machine.resolving = false }
        return body()
    }

    private enum DataAccess {
        case allowed(PhysAddr)
        case fault(MemoryFault)
    }

    private func resolve(_ operand: Operand, _ script: LoadedScript, _ ctx: UserContext) -> UInt64 {
        switch operand {
        case .imm(let v): return v
        case .reg(let r): return ctx.x[r]
        case .regPlus(let r, let offset): return ctx.x[r] &+ offset
        case .string(let s):
            guard let address = script.strings[s] else {
                machine.harnessErrors.append("\(script.name): string \"\(s)\" not laid out")
                return 0
            }
            return address
        }
    }
}
