// JITEngine: the default CPU engine: Kenix user code runs in dynarmic JIT
// cores (CDynarmic), each with a flat software TLB the translated code reads
// directly.
//
// Address spaces: a core is bound to one ASID at a time. Its TLB entries and
// its translated code are that address space's, so one task's translation
// never runs for another's code (every program is linked at the same
// addresses). Switching address spaces switches cores, and entries stay
// alive across switches, as ASID-tagged TLB entries do. TLBI VAE1 drops one
// page (and any code translated from it: exec, munmap), TLBI ASIDE1 the whole
// core (ASID reuse).
//
// Cores cost tens of milliseconds to build, translations tens of
// microseconds per block, so an ASID without a core takes, in this order:
// an idle core from the pool; the least recently used binding, if it has
// not run for a while (`coldAfter` activations: typically a task that has
// exited); a new core, up to `maxBoundCores`; and past that the least
// recently used binding anyway. Which core serves which ASID never shows in a
// run: a fresh or forgotten core behaves exactly like a warm one.
//
// Memory: JITEngine+Host answers the cores' translation requests through the
// machine's SoftMMU; registers move through kd_context.
import CDynarmic
import HAL

/// One address space's core.
final class JITBinding {
    let engine: JITEngine
    let core: OpaquePointer
    var asid: ASID
    var root: PhysAddr
    /// When it was last activated (LRU).
    var lastUse: UInt64 = 0

    init(engine: JITEngine, core: OpaquePointer, asid: ASID, root: PhysAddr) {
        self.engine = engine
        self.core = core
        self.asid = asid
        self.root = root
    }
}

final class JITEngine: CPUEngine {
    var kind: SimCPUKind { .jit }
    /// Cores bound at once per machine (more address spaces share them, LRU).
    static let maxBoundCores = 24
    /// A binding not activated for this many activations may give up its core.
    static let coldAfter: UInt64 = 16

    let mmu: SoftMMU
    private var bindings: [UInt16: JITBinding] = [:]
    private var active: JITBinding?
    private var clock: UInt64 = 0
    /// Cores taken from another address space (statistics).
    private(set) var steals: UInt64 = 0

    init(mmu: SoftMMU) throws(SimError) {
        self.mmu = mmu
        // Fail now, not in the middle of a run, if no core can be built.
        guard let core = JITCorePool.shared.acquire() else { throw .jit("cannot build a JIT core") }
        JITCorePool.shared.release(core)
    }

    deinit {
        for key in bindings.keys.sorted() {
            let b = bindings[key]!
            kd_invalidate_all(b.core)
            kd_bind(b.core, kd_host(context: nil, translate: nil))
            JITCorePool.shared.release(b.core)
        }
    }

    func activate(root: PhysAddr, asid: ASID) {
        clock &+= 1
        if let b = bindings[asid.raw] {
            b.root = root
            b.lastUse = clock
            active = b
            return
        }
        let b: JITBinding
        let lru = bindings.values.min { ($0.lastUse, $0.asid.raw) < ($1.lastUse, $1.asid.raw) }
        if let core = JITCorePool.shared.acquireIdle() {
            b = JITBinding(engine: self, core: core, asid: asid, root: root)
        } else if let victim = lru, clock - victim.lastUse > Self.coldAfter || bindings.count >= Self.maxBoundCores {
            bindings[victim.asid.raw] = nil
            kd_invalidate_all(victim.core)
            steals &+= 1
            b = victim
            b.asid = asid
            b.root = root
        } else {
            guard let core = JITCorePool.shared.acquire() else {
                fatalError("HALHostSim: cannot build a JIT core (host out of memory)")
            }
            b = JITBinding(engine: self, core: core, asid: asid, root: root)
        }
        b.lastUse = clock
        kd_bind(b.core, kd_host(context: Unmanaged.passUnretained(b).toOpaque(), translate: jitTranslate))
        bindings[asid.raw] = b
        active = b
    }

    func invalidate(asid: ASID, page: UInt64) {
        if let b = bindings[asid.raw] { kd_invalidate_page(b.core, page) }
    }

    func invalidateAll(asid: ASID) {
        if let b = bindings[asid.raw] { kd_invalidate_all(b.core) }
    }

    func enter(_ context: inout UserContext) {
        guard let b = active else { preconditionFailure("enterUser before MMU.activate") }
        var k = kd_context()
        Self.copy(context, to: &k)
        kd_set_context(b.core, &k)
        kd_clear_exclusive(b.core)
    }

    func leave(_ context: inout UserContext) {
        var k = kd_context()
        kd_get_context(active!.core, &k)
        Self.copy(k, to: &context)
    }

    func run(budget: UInt64) -> EngineRun {
        var r = kd_result()
        kd_run(active!.core, budget, &r)
        let trap: Trap?
        switch Int(r.stop) {
        case KD_STOP_BUDGET: trap = nil
        case KD_STOP_SVC: trap = .syscall
        case KD_STOP_DATA_FAULT, KD_STOP_FETCH_FAULT:
            guard let fault = mmu.takeFault() else { fatalError("HALHostSim: JIT core faulted with no fault recorded") }
            trap = .memoryFault(fault)
        case KD_STOP_PC_ALIGNMENT:
            trap = .memoryFault(MemoryFault(address: VirtAddr(r.address), access: .execute, status: .alignment))
        case KD_STOP_BREAKPOINT: trap = .breakpoint(immediate: UInt16(truncatingIfNeeded: r.info))
        default: trap = .undefinedInstruction
        }
        return EngineRun(retired: r.retired, trap: trap)
    }

    /// Summed statistics of the bound cores.
    var stats: kd_stats {
        var total = kd_stats()
        for b in bindings.values {
            var s = kd_stats()
            kd_get_stats(b.core, &s)
            total.runs &+= s.runs; total.steps &+= s.steps
            total.blocks_translated &+= s.blocks_translated; total.block_splits &+= s.block_splits
            total.page_fills &+= s.page_fills; total.tlb_flushes &+= s.tlb_flushes
            total.unsupported &+= s.unsupported
        }
        return total
    }
}
