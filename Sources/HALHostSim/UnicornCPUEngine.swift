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
import CUnicorn
import HAL
import SimHost

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
    /// Address spaces that have a Unicorn engine at once, by default. Each
    /// engine keeps ~3 MiB of host memory and reserves 1 GiB of host address
    /// space for its translations, and a machine may run thousands of tasks;
    /// Unicorn exits the process when it cannot get that reservation.
    static let defaultMaxLiveSpaces = 64
    /// The cap in force (tests lower it). Past it, the space activated
    /// longest ago (never the running one) closes its engine, which is made
    /// again at its next activation: like after a TLBI ASIDE1, invisible to
    /// the run (an engine keeps no guest state between entries).
    var maxLiveSpaces = UnicornCPUEngine.defaultMaxLiveSpaces
    /// Address spaces with an engine now, and engines closed for the cap.
    private(set) var liveSpaces = 0
    private(set) var closedForCap = 0
    private var activations: UInt64 = 0
    private var pc: UInt64 = 0
    private var clearExclusive = false

    /// Fails with the reason when the Unicorn library cannot be loaded.
    init(machine: SimMachine) throws(SimError) {
        if let why = kenix_unicorn_load_failure() { throw .unicornUnavailable(String(cString: why)) }
        self.machine = machine
    }

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
        activations &+= 1
        space.lastActivation = activations
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
        while liveSpaces >= max(maxLiveSpaces, 1), closeLeastRecentlyActivated() {}
        let s: AddressSpaceEngine
        do { s = try AddressSpaceEngine(asid: asid, owner: self) } catch {
            // Within the cap this is the host out of memory: nothing the run can do.
            HostFailure.outOfMemory("cannot create a Unicorn engine (\(error))")
        }
        spaces[Int(asid.raw)] = s
        liveSpaces += 1
        machine.stats.addressSpaces += 1
        return s
    }

    /// Closes the engine of the space activated longest ago, other than the
    /// running one; false if there is none.
    private func closeLeastRecentlyActivated() -> Bool {
        var oldest: Int?
        for i in spaces.indices {
            guard let s = spaces[i], s !== current else { continue }
            if oldest == nil || s.lastActivation < spaces[oldest!]!.lastActivation { oldest = i }
        }
        guard let i = oldest else { return false }
        spaces[i]!.invalidateAll()
        spaces[i] = nil
        liveSpaces -= 1
        closedForCap += 1
        return true
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
