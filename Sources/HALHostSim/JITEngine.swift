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
// an idle core from the pool (one holding its code first); a cold binding's
// core if giving it up costs less than waiting (an ended task's, or a live
// one's whose blocks translate again faster than the build under way ends:
// coldBinding); a live binding's core, shared, if waiting costs more (one
// of the same program first, whose translations serve both: `donor`); a new
// core, waiting for the pool's builder, up to `maxBoundCores`; and past
// that the least recently used binding anyway. Address spaces sharing a
// core take it over in turns (`takeOver`: the holder's TLB entries go and
// the translations are checked against the new holder's code, as for a
// core moving between machines), and a sharer takes a core of its own as
// soon as the pool has one. Sharing took the main thread's waits for
// cores in `run vm` (a tree of same-program children) from ~190 to ~95 ms.
// Which core serves which ASID never shows in a run: a fresh, forgotten or
// shared core behaves exactly like a warm one of its own.
//
// Memory: JITEngine+Host answers the cores' translation requests through the
// machine's SoftMMU; registers move through kd_context.
import CDynarmic
import HAL
import SimHost

/// One address space's core.
final class JITBinding {
    /// unowned(unsafe): the engine owns its bindings and outlives them.
    unowned(unsafe) let engine: JITEngine
    var core: OpaquePointer
    var asid: ASID
    var root: PhysAddr
    /// When it was last activated (LRU).
    var lastUse: UInt64 = 0
    /// TLBI ASIDE1 since its last activation: the ASID may hold another
    /// program now (a new task), or the same (a fork's parent).
    var invalidated = false

    /// The core's counters when it was bound here (statistics per machine).
    var statsAtBind = kd_stats()
    /// Who holds its core now, and how many bindings use it (shared by
    /// every binding on that core; set when the binding adopts the core).
    var use = CoreUse()

    /// The translated blocks its core holds.
    var blocks: Int { Int(kd_block_count(core)) }

    /// The binding as a kd_host (its context is unretained: the engine keeps it).
    var host: kd_host { kd_host(context: Unmanaged.passUnretained(self).toOpaque(), translate: jitTranslate) }

    init(engine: JITEngine, core: OpaquePointer, asid: ASID, root: PhysAddr) {
        self.engine = engine
        self.core = core
        self.asid = asid
        self.root = root
    }
}

/// A core's users in one machine: address spaces may share a core while
/// none is ready for them (JITEngine.donor). Every binding on the core
/// points here, so an activation checks it without hashing.
final class CoreUse {
    /// The binding the core is bound to now (nil: none).
    var holder: Unmanaged<JITBinding>?
    var users = 0
}

final class JITEngine: CPUEngine {
    var kind: SimCPUKind { .jit }
    /// Cores bound at once per machine (more address spaces share them, LRU).
    static let maxBoundCores = 24
    /// A binding not activated for this many activations may give up its core.
    static let coldAfter: UInt64 = 16
    /// Code pages compared when matching a core to an address space.
    static let matchSample: Int32 = 8

    let mmu: SoftMMU
    private var bindings: [UInt16: JITBinding] = [:]
    /// The active binding, and the one active before it: two tasks calling
    /// each other alternate between two address spaces, found here without
    /// hashing. Unretained (`bindings` holds every binding; a stolen one is
    /// cleared here): counting references cost a retain and a release each
    /// per activation, twice per IPC round trip.
    private var active: Unmanaged<JITBinding>?
    private var previous: Unmanaged<JITBinding>?
    /// `active`'s core, kept apart so that the per-trap calls (enter, run,
    /// leave) reach it without reference counting.
    private var activeCore: OpaquePointer?
    private var clock: UInt64 = 0
    /// Cores taken from another address space (statistics).
    private(set) var steals: UInt64 = 0
    /// Counters of cores no longer bound here.
    private var counted = kd_stats()

    /// Entries to a block before its core translates it (SimConfig.hotThreshold).
    private let hotThreshold: UInt32
    /// The loop compiler's mode (SimConfig.loopCompiler).
    private let loopCompiler: SimLoopCompiler
    private let loopHot: UInt32

    /// Each core's users (CoreUse), for the next binding that adopts it.
    private var uses: [OpaquePointer: CoreUse] = [:]
    /// Cores shared so far (statistics).
    private(set) var shares: UInt64 = 0

    init(mmu: SoftMMU, hotThreshold: UInt32 = UInt32(KD_DEFAULT_HOT_THRESHOLD),
         loopCompiler: SimLoopCompiler = .background,
         loopHot: UInt32 = UInt32(KD_DEFAULT_LOOP_HOT)) throws(SimError) {
        precondition(Self.layoutsMatch, "HALHostSim: UserContext and kd_context differ in layout")
        self.mmu = mmu
        self.hotThreshold = hotThreshold
        self.loopCompiler = loopCompiler
        self.loopHot = loopHot
        // Fail now, not in the middle of a run, if no core can be built
        // (unless the pool has one or is building one: the run's first
        // activation takes it, and the kernel boots meanwhile).
        if !JITCorePool.shared.hasOrBuildsCores {
            guard let core = JITCorePool.shared.acquire() else { throw .jit("cannot build a JIT core") }
            JITCorePool.shared.release(core)
        }
    }

    deinit {
        for key in bindings.keys.sorted() { giveUp(bindings[key]!) }
    }

    /// Whether `b`'s core is bound to `b` now (not to another address space
    /// sharing it).
    private func holds(_ b: JITBinding) -> Bool {
        b.use.holder?.toOpaque() == Unmanaged.passUnretained(b).toOpaque()
    }

    /// `b` starts using `core` (not bound to it yet).
    private func adopt(_ core: OpaquePointer, for b: JITBinding) {
        b.core = core
        let use = uses[core] ?? CoreUse()
        uses[core] = use
        use.users += 1
        b.use = use
    }

    /// `b` stops using its core: the last user gives it back to the pool
    /// (unbound, its TLB empty).
    private func giveUp(_ b: JITBinding) {
        if holds(b) {
            unbind(b)
            kd_invalidate_all(b.core)
        }
        b.use.users -= 1
        guard b.use.users == 0 else { return }
        uses[b.core] = nil
        JITCorePool.shared.release(b.core)
    }

    /// Moves `b` to `core`, giving its old one up.
    private func move(_ b: JITBinding, to core: OpaquePointer) {
        giveUp(b)
        adopt(core, for: b)
        bind(b)
    }

    private func bind(_ b: JITBinding) {
        kd_get_stats(b.core, &b.statsAtBind)
        kd_set_hot_threshold(b.core, hotThreshold)
        kd_set_loop_compiler(b.core, loopCompiler.mode, loopHot)
        kd_bind(b.core, b.host)
        b.use.holder = Unmanaged.passUnretained(b)
    }

    /// Unbinds `b`'s core, keeping what it counted for this machine.
    private func unbind(_ b: JITBinding) {
        kd_bind(b.core, kd_host(context: nil, translate: nil))
        var now = kd_stats()
        kd_get_stats(b.core, &now)
        Self.add(now, minus: b.statsAtBind, to: &counted)
        if holds(b) { b.use.holder = nil }
    }

    /// Binds `b`'s core to `b` if another address space sharing it holds it:
    /// that one's TLB entries go, and the core's translations are checked
    /// against `b`'s code before they run (kd_invalidate_all).
    private func takeOver(_ b: JITBinding) {
        guard !holds(b) else { return }
        if let h = b.use.holder {
            h._withUnsafeGuaranteedRef { unbind($0) }
            kd_invalidate_all(b.core)
        }
        bind(b)
    }

    private static func add(_ a: kd_stats, minus b: kd_stats, to t: inout kd_stats) {
        t.runs &+= a.runs &- b.runs; t.steps &+= a.steps &- b.steps
        t.blocks_translated &+= a.blocks_translated &- b.blocks_translated
        t.instructions_translated &+= a.instructions_translated &- b.instructions_translated
        t.block_splits &+= a.block_splits &- b.block_splits
        t.page_fills &+= a.page_fills &- b.page_fills; t.tlb_flushes &+= a.tlb_flushes &- b.tlb_flushes
        t.unsupported &+= a.unsupported &- b.unsupported
        t.pages_retranslated &+= a.pages_retranslated &- b.pages_retranslated
        t.instructions_interpreted &+= a.instructions_interpreted &- b.instructions_interpreted
        t.cold_stubs &+= a.cold_stubs &- b.cold_stubs
        t.loop_regions &+= a.loop_regions &- b.loop_regions
        t.loop_instructions &+= a.loop_instructions &- b.loop_instructions
    }

    func activate(root: PhysAddr, asid: ASID) {
        clock &+= 1
        if let p = previous, p._withUnsafeGuaranteedRef({ $0.asid == asid }) {
            previous = active
            active = p
            p._withUnsafeGuaranteedRef { reactivate($0, root: root) }
            return
        }
        previous = active
        if let b = bindings[asid.raw] {
            active = Unmanaged.passUnretained(b)
            reactivate(b, root: root)
            return
        }
        bindNew(asid: asid, root: root)
    }

    /// Makes `b`, bound before, the active binding.
    private func reactivate(_ b: JITBinding, root: PhysAddr) {
        b.root = root
        b.lastUse = clock
        if b.invalidated {
            // Maybe a new program in this ASID (a task ended, another
            // took its ASID): find the core that suits it best.
            b.invalidated = false
            // giveUp empties the old core's TLB: emptied when the ASID was
            // invalidated, it may have run since (a fork's parent goes on
            // without activating its ASID again), and its entries name this
            // space's frames.
            if let other = chooseCore(for: b, keeping: b.core) { move(b, to: other) }
        } else if b.use.users > 1, let own = JITCorePool.shared.acquireIdle(for: b.host, scoringAbove: -1) {
            move(b, to: own)   // a shared core was a stopgap while none was ready
        }
        takeOver(b)
        activeCore = b.core
    }

    /// Binds a core to an address space seen for the first time (or again
    /// after its binding was stolen), and makes it the active binding.
    private func bindNew(asid: ASID, root: PhysAddr) {
        let b = JITBinding(engine: self, core: OpaquePointer(bitPattern: 1)!, asid: asid, root: root)
        let wait = JITCorePool.shared.expectedWait
        let core: OpaquePointer
        if let idle = chooseCore(for: b, keeping: nil) {
            core = idle
        } else if let victim = coldBinding(for: b, wait: wait) {
            // A cold binding gives up its core: an ended task's costs
            // nothing; a live one's, what it would translate again.
            bindings[victim.asid.raw] = nil
            let gone = Unmanaged.passUnretained(victim).toOpaque()
            if previous?.toOpaque() == gone { previous = nil }
            if active?.toOpaque() == gone { active = nil }
            steals &+= 1
            adopt(victim.core, for: b)   // first: the victim is not its last user
            giveUp(victim)
            return attach(b)
        } else if let donor = donor(for: b, wait: wait) {
            core = donor.core
            shares &+= 1
        } else {
            guard let new = JITCorePool.shared.acquire() else {
                HostFailure.outOfMemory("cannot build a JIT core (tens of MiB each)")
            }
            core = new
        }
        adopt(core, for: b)
        attach(b)
    }

    /// Makes `b`, which has adopted its core, a binding and the active one.
    private func attach(_ b: JITBinding) {
        b.lastUse = clock
        mmu.machine.stats.addressSpaces += 1
        takeOver(b)
        bindings[b.asid.raw] = b
        active = Unmanaged.passUnretained(b)
        activeCore = b.core
    }

    /// Activates the new address space `asid` on `donor`'s core, as
    /// activation does when `donor(for:wait:)` names one (tests: the pool's
    /// idle cores would serve first).
    func activate(root: PhysAddr, asid: ASID, sharingCoreOf donor: JITBinding) {
        precondition(bindings[asid.raw] == nil, "HALHostSim: the address space has a binding")
        clock &+= 1
        previous = active
        shares &+= 1
        let b = JITBinding(engine: self, core: donor.core, asid: asid, root: root)
        adopt(donor.core, for: b)
        attach(b)
    }

    /// Makes every block of the active core cold again (tests that count
    /// what the interpreter runs: a pooled core keeps its counts).
    func resetActiveCoreHeat() {
        if let core = activeCore { kd_reset_heat(core) }
    }

    /// How many of this machine's address spaces use `b`'s core.
    func sharers(of b: JITBinding) -> Int { b.use.users }

    /// The binding whose core `b` should take rather than wait `wait` host
    /// nanoseconds for a new one, if any. Among bindings not activated for
    /// `coldAfter` activations: an ended task's (invalidated since it last
    /// ran), the one holding most of `b`'s code (a program run again), then
    /// the least recently used; else a live one whose blocks cost less to
    /// translate again than the wait (`stealCosts`), the one holding most of
    /// `b`'s code, then the fewest blocks. With `maxBoundCores` bound, the
    /// least recently used whatever its age.
    /// Giving a waiting server's core away used to cost more than it saved:
    /// the boot's VFS server, cold after 19 activations while the
    /// self-tests ran, translated 1,400 blocks again when they reached it.
    func coldBinding(for b: JITBinding, wait: UInt64) -> JITBinding? {
        let byAge = bindings.values.sorted { ($0.lastUse, $0.asid.raw) < ($1.lastUse, $1.asid.raw) }
        let cold = byAge.filter { clock - $0.lastUse > Self.coldAfter }
        let ended = cold.filter { $0.invalidated }
        if let victim = bestMatch(for: b, among: ended) { return victim }
        let cheap = cold.filter { Self.stealCosts($0) < wait }
            .sorted { ($0.blocks, $0.lastUse) < ($1.blocks, $1.lastUse) }
        if let victim = bestMatch(for: b, among: cheap) { return victim }
        return bindings.count >= Self.maxBoundCores ? byAge.first : nil
    }

    /// The binding whose core `b` should share rather than wait `wait` host
    /// nanoseconds for a new one, if any: one of the same program (its core
    /// holds `b`'s code: every sampled page the same bytes, so its
    /// translations serve both), the one holding most of it; else the one
    /// whose blocks cost least to translate again, if that is less than the
    /// wait. Sharing lasts until a core is ready (`reactivate`): two busy
    /// programs taking one core in turns would translate their code again
    /// and again.
    func donor(for b: JITBinding, wait: UInt64) -> JITBinding? {
        guard wait > 0 else { return nil }
        let candidates = bindings.values.sorted { $0.asid.raw < $1.asid.raw }
        var best: JITBinding?, bestScore: Int32 = 0
        for candidate in candidates {
            let pages = min(Self.matchSample, kd_code_pages(candidate.core))
            let score = kd_match_score(candidate.core, b.host, Self.matchSample)
            if pages > 0 && score == pages && score > bestScore { best = candidate; bestScore = score }
        }
        if let best { return best }
        return candidates.filter { Self.stealCosts($0) < wait }.min { $0.blocks < $1.blocks }
    }

    /// Of `candidates` (in order of preference), the first whose core holds
    /// most of `b`'s code.
    private func bestMatch(for b: JITBinding, among candidates: [JITBinding]) -> JITBinding? {
        guard var best = candidates.first else { return nil }
        var bestScore = kd_match_score(best.core, b.host, Self.matchSample)
        for candidate in candidates.dropFirst() where bestScore < Self.matchSample {
            let score = kd_match_score(candidate.core, b.host, Self.matchSample)
            if score > bestScore { best = candidate; bestScore = score }
        }
        return best
    }

    /// Host nanoseconds to translate one block (dynarmic 6.4.5 on this
    /// project's machine kind: ~55 us; BENCHMARKS.md).
    static let translationCost: UInt64 = 55_000

    /// What giving up `b`'s core costs if its task runs again: its blocks.
    static func stealCosts(_ b: JITBinding) -> UInt64 {
        UInt64(b.blocks) &* translationCost
    }

    /// The core `b`'s address space should run on, other than `current`
    /// (nil: keep `current`, or, without one, steal or build). Translations
    /// are expensive and survive only on a core that holds the same code
    /// bytes, so: an idle core holding more of this code than `current`; else
    /// `current`, if it holds some; else a new core while the process has
    /// fewer than it means to (JITCorePool.target); else the idle core
    /// holding the least code; else `current`. A core set aside goes back to
    /// the pool with its translations, for the next task of its program.
    private func chooseCore(for b: JITBinding, keeping current: OpaquePointer?) -> OpaquePointer? {
        let pool = JITCorePool.shared
        let mine = current.map { kd_match_score($0, b.host, Self.matchSample) } ?? 0
        if let better = pool.acquireIdle(for: b.host, scoringAbove: mine) { return better }
        if current != nil && mine > 0 { return nil }
        // Below the target, a new core rather than one holding other code,
        // but only one ready now: nil lets `activate` take a cold binding's
        // core, or wait for the builder if there is none.
        if pool.belowTarget { return pool.acquireIfReady() }
        return pool.acquireIdle(for: b.host, scoringAbove: -1)
    }

    /// The binding of `asid`, if it has a core (tests).
    func binding(of asid: ASID) -> JITBinding? { bindings[asid.raw] }

    // A binding whose shared core another address space holds now has
    // nothing in it to invalidate: taking the core over empties its TLB and
    // checks every translation against this space's code.
    func invalidate(asid: ASID, page: UInt64) {
        if let b = bindings[asid.raw], holds(b) { kd_invalidate_page(b.core, page) }
    }

    func invalidateAll(asid: ASID) {
        guard let b = bindings[asid.raw] else { return }
        if holds(b) { kd_invalidate_all(b.core) }
        b.invalidated = true
    }

    /// Forgets every binding's translated code too (tests, benchmarks of
    /// cold starts).
    func forgetTranslations() {
        for key in bindings.keys.sorted() { kd_forget(bindings[key]!.core) }
    }

    func enter(_ context: inout UserContext) {
        guard let core = activeCore else { preconditionFailure("enterUser before MMU.activate") }
        Self.asKernelContext(&context) { kd_set_context(core, $0) }
        kd_clear_exclusive(core)
    }

    func reload(_ context: inout UserContext) {
        let core = activeCore!
        Self.asKernelContext(&context) { kd_set_context(core, $0) }
    }

    func leave(_ context: inout UserContext) {
        let core = activeCore!
        Self.asKernelContext(&context) { kd_get_context(core, $0) }
    }

    func run(budget: UInt64) -> EngineRun {
        var r = kd_result()
        kd_run(activeCore!, budget, &r)
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

    /// Whether the active core moves registers in place in the Jit's state
    /// (CDynarmic's KenixJIT+Registers.cpp) rather than through dynarmic's
    /// accessors; `direct` switches it (tests of both ways; call it before
    /// `enter`: finding the state zeroes the registers).
    func activeCoreMovesRegistersInPlace(switchingTo direct: Bool? = nil) -> Bool {
        guard let core = activeCore else { return false }
        if let direct { return kd_set_direct_registers(core, direct ? 1 : 0) != 0 }
        return kd_direct_registers(core) != 0
    }

    /// What the cores counted while bound to this machine's address spaces.
    var stats: kd_stats {
        var total = counted
        for b in bindings.values where holds(b) {
            var now = kd_stats()
            kd_get_stats(b.core, &now)
            Self.add(now, minus: b.statsAtBind, to: &total)
        }
        return total
    }
}
