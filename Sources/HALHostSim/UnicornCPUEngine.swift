// UnicornCPUEngine: the second CPU engine (`kenix-sim run --cpu unicorn`):
// Unicorn 2.0.1, QEMU's TCG as a library, one engine per ASID
// (AddressSpaceEngine), kept as an independent implementation to check the
// JIT engine against: both must give the same runs.
//
// A run loops over Unicorn runs until the budget is used up or a trap: the
// engine's own stops (region compaction, deferred invalidations, the cap on
// host mappings) never reach the machine. Every entry to EL0 starts with a
// clrex (UnicornEngine.runAfterClearingExclusive): the exclusive monitor is
// cleared on each exception return, in both engines.
//
// Counting: a code hook counts instructions as they start; an instruction
// that faulted, was undefined or hit a brk started but did not retire; `svc`
// retires; a failed fetch never started.
import HAL

final class UnicornCPUEngine: CPUEngine {
    var kind: SimCPUKind { .unicorn }
    /// Aliased pages (host mappings) allowed across all address spaces by
    /// default. Linux allows 65530 mappings per process; the rest of the
    /// process needs some.
    static let defaultMaxAliasedPages = 24_000
    /// The cap in force (tests lower it).
    var maxAliasedPages = UnicornCPUEngine.defaultMaxAliasedPages

    /// unowned(unsafe): the machine owns its engine and outlives it.
    unowned(unsafe) let machine: SimMachine
    /// One engine per ASID, created on first activation.
    var spaces: [AddressSpaceEngine?] = Array(repeating: nil, count: 1 << 16)
    var current: AddressSpaceEngine?
    /// Pages aliased into host windows, all address spaces together.
    var aliasedPages = 0
    private var pc: UInt64 = 0
    private var clearExclusive = false

    init(machine: SimMachine) { self.machine = machine }

    deinit {
        // Unmap everything while `self` is whole (the spaces count pages here).
        current = nil
        for i in spaces.indices where spaces[i] != nil {
            spaces[i]!.invalidateAll()
            spaces[i] = nil
        }
    }

    func activate(root: PhysAddr, asid: ASID) {
        let space = space(for: asid)
        space.root = root
        current = space
    }

    func invalidate(asid: ASID, page: UInt64) { spaces[Int(asid.raw)]?.invalidate(page: page) }

    func invalidateAll(asid: ASID) { spaces[Int(asid.raw)]?.invalidateAll() }

    func enter(_ context: inout UserContext) {
        guard let space = current else { preconditionFailure("enterUser before MMU.activate") }
        space.engine.registers.load(&context, into: space.engine.handle)
        pc = context.pc
        clearExclusive = true
    }

    func reload(_ context: inout UserContext) {
        let engine = current!.engine
        engine.registers.load(&context, into: engine.handle)
        pc = context.pc
    }

    func leave(_ context: inout UserContext) {
        let engine = current!.engine
        engine.registers.save(&context, from: engine.handle)
    }

    func run(budget: UInt64) -> EngineRun {
        let space = current!
        let engine = space.engine
        var retired: UInt64 = 0
        while retired < budget {
            prepare(space)
            space.inRun = true
            let stop = clearExclusive
                ? engine.runAfterClearingExclusive(pc: pc, budget: budget - retired)
                : engine.run(pc: pc, budget: budget - retired)
            space.inRun = false
            clearExclusive = false
            var executed = engine.executed
            var trap = Self.trap(for: stop, space: space, executed: &executed)
            if engine.emulationFaulted {
                // DC ZVA faulted: it started (counted) but did not retire.
                executed &-= 1
                engine.registers.writePC(engine.lastPC, engine.handle)
                trap = .memoryFault(machine.mmu.takeFault()!)
            }
            retired += executed
            if let trap { return EngineRun(retired: retired, trap: trap) }
            pc = engine.pc
        }
        return EngineRun(retired: retired, trap: nil)
    }

    /// Between Unicorn runs: deferred invalidations, compaction, the cap.
    private func prepare(_ space: AddressSpaceEngine) {
        if !space.deferred.isEmpty { space.applyDeferred() }
        if space.needsCompaction { space.compact() }
        if aliasedPages > maxAliasedPages { enforceCap(current: space) }
    }

    /// Evicts pages until the host mappings are well under the cap: the
    /// running space's oldest first, then whole other spaces, largest first.
    private func enforceCap(current space: AddressSpaceEngine) {
        let target = maxAliasedPages * 3 / 4
        let others = spaces.compactMap { $0 }.filter { $0 !== space }
            .sorted { ($0.pages.count, $1.asid.raw) > ($1.pages.count, $0.asid.raw) }
        for other in others where aliasedPages > target { other.invalidateAll() }
        if aliasedPages > target { space.evictOldest(pages: aliasedPages - target) }
        machine.stats.capEvictions &+= 1
    }

    /// The address space for `asid`, created on first use.
    func space(for asid: ASID) -> AddressSpaceEngine {
        if let s = spaces[Int(asid.raw)] { return s }
        let s: AddressSpaceEngine
        do { s = try AddressSpaceEngine(asid: asid, owner: self) } catch {
            fatalError("cannot create a Unicorn engine: \(error)")
        }
        spaces[Int(asid.raw)] = s
        machine.stats.addressSpaces += 1
        return s
    }

    /// The trap a run's stop means, or nil when the run just stopped.
    static func trap(for stop: UnicornStop, space: AddressSpaceEngine,
                     executed: inout UInt64) -> Trap? {
        let engine = space.engine
        switch stop {
        case .budget, .requested, .other:
            return nil
        case .exception(QEMUException.supervisorCall):
            return .syscall
        case .exception(QEMUException.breakpoint):
            // brk #imm16 (DDI 0487 C6.2.38): imm16 is bits 20:5.
            executed &-= 1
            let word = engine.instruction(at: engine.pc) ?? 0
            return .breakpoint(immediate: UInt16(truncatingIfNeeded: word >> 5))
        case .exception(let n):
            executed &-= 1
            return trap(forException: n, pc: engine.pc)
        case .memoryRefused:
            guard let fault = space.machine.mmu.takeFault() else {
                preconditionFailure("Unicorn refused an access no hook refused")
            }
            if fault.access != .execute { executed &-= 1 }
            return .memoryFault(fault)
        case .trampoline:
            // Not the guest's page: the fault its own tables give.
            let pc = engine.pc
            _ = space.machine.mmu.translate(pc, .execute, root: space.root, resolve: true)
            let fault = space.machine.mmu.takeFault()
                ?? MemoryFault(address: VirtAddr(pc), access: .execute, status: .translation(level: 0))
            return .memoryFault(fault)
        case .invalidInstruction:
            executed &-= 1
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
}
