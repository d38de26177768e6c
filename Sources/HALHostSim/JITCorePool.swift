// JITCorePool: the process's JIT cores (CDynarmic's kd_core: a dynarmic Jit
// with its page table), kept for reuse. Building one costs tens of
// milliseconds and several MiB, so a machine never builds one per task: it
// borrows cores here, binds each to an address space (JITEngine), and gives
// them back when it is done. Many machines in a row (kenix-sim swarm, the
// tests) share the same few cores.
//
// A core comes back here unbound and with an empty TLB; it keeps its
// translated code, which it checks byte for byte against the next address
// space's code pages before running anything (kd_invalidate_all), so the
// next machine booting the same programs does not translate them again.
// `prewarm(_:)` builds cores on a background thread (the command-line tools
// call it at start-up, so a boot does not wait for most of them). Which core
// serves a machine never shows in a run, so host timing cannot reach one.
// Thread safety: the pool is locked; a core belongs to one machine at a time.
// Exit: a process stops the builder first (`stopBuilding`, also registered
// with atexit): exit() while a core is being built crashed in the JIT
// library's static destructors.
import CDynarmic
import KenixABI
import SimHost
#if canImport(Glibc)
import Glibc
#endif

final class JITCorePool: @unchecked Sendable {
    static let shared = JITCorePool()

    /// Idle cores kept for the next machine; more are destroyed.
    static let maxIdle = 48

    private var idle: [OpaquePointer] = []
    private var lock = pthread_mutex_t()
    /// Signalled when the background thread has added a core or stopped.
    private var changed = pthread_cond_t()
    /// Cores built so far (statistics).
    private(set) var built = 0
    /// Cores the background thread is still to build, and is building now.
    private var toBuild = 0
    private var building = 0
    private var builder: pthread_t?
    /// When the core being built now was started (host monotonic ns; 0:
    /// none is), and how long the last build took: what a machine weighs
    /// against taking another address space's core (expectedWait). Host time
    /// only chooses cores, which never shows in a run.
    private var buildStarted: UInt64 = 0
    private var lastBuild: UInt64 = 60_000_000
    private var stopsAtExit = false
    /// The decoder warm-up thread: started with the first prewarm, once
    /// (kd_warm_decoder), and running while `warming`.
    private var decoderStarted = false
    private var warming = false

    private init() {
        pthread_mutex_init(&lock, nil)
        pthread_cond_init(&changed, nil)
    }

    /// How many cores the process means to have: below this, a machine that
    /// finds no idle core holding its code builds one rather than reusing
    /// one that holds other code (prewarm raises it).
    private(set) var target = 4

    /// Whether fewer than `target` cores exist.
    var belowTarget: Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return built < target
    }

    /// Builds `count` cores in the background (at most one builder thread).
    func prewarm(_ count: Int) {
        pthread_mutex_lock(&lock)
        target = max(target, count)
        toBuild = max(toBuild, count - idle.count)
        startBuilderLocked()
        startDecoderWarmUpLocked()
        pthread_mutex_unlock(&lock)
    }

    /// Builds dynarmic's decoder tables on a second thread while the builder
    /// builds the first cores, which do not need them: only a translation
    /// does (the first run's waits for them if they are not ready yet).
    /// Cores used to make a translation of their own first, so the builder
    /// sat waiting for the tables; without that, a boot waited ~190 -> ~60 ms
    /// for cores in all, and took ~9% less host time, on this machine kind.
    private func startDecoderWarmUpLocked() {
        guard !decoderStarted && toBuild > 0 else { return }
        decoderStarted = true
        var thread = pthread_t()
        warming = pthread_create(&thread, nil, { _ in
            kd_warm_decoder()
            let pool = JITCorePool.shared
            pthread_mutex_lock(&pool.lock)
            pool.warming = false
            pthread_cond_broadcast(&pool.changed)
            pthread_mutex_unlock(&pool.lock)
            return nil
        }, nil) == 0
        if warming { pthread_detach(thread) }
    }

    /// Waits until the background threads have built every core asked for
    /// and dynarmic's decoder tables.
    func waitUntilBuilt() {
        pthread_mutex_lock(&lock)
        while toBuild > 0 || building > 0 || warming { pthread_cond_wait(&changed, &lock) }
        pthread_mutex_unlock(&lock)
    }

    /// Stops the background thread building cores, waiting for the core it
    /// is building now. The process must call this before it exits: exit()
    /// runs the C++ static destructors (dynarmic's, LLVM's) while a core
    /// being built still uses them, which crashed short runs (an error found
    /// at start-up) with SIGSEGV.
    func stopBuilding() {
        pthread_mutex_lock(&lock)
        toBuild = 0
        while building > 0 || warming { pthread_cond_wait(&changed, &lock) }
        pthread_mutex_unlock(&lock)
    }

    /// Starts the builder thread if there is work and none runs (lock held).
    private func startBuilderLocked() {
        guard builder == nil && toBuild > 0 else { return }
        if !stopsAtExit {
            // A safety net for processes that exit without stopBuilding()
            // (test runners, tools): it runs before the destructors of
            // everything loaded before the first builder started.
            stopsAtExit = true
            atexit { JITCorePool.shared.stopBuilding() }
        }
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { _ in
            JITCorePool.shared.buildInBackground()
            return nil
        }, nil)
        if made == 0 {
            builder = thread
            pthread_detach(thread)
        } else {
            toBuild = 0  // nobody would build them: acquire() must not wait
            pthread_cond_broadcast(&changed)
        }
    }

    private func buildInBackground() {
        while true {
            pthread_mutex_lock(&lock)
            guard toBuild > 0 else {
                builder = nil
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&lock)
                return
            }
            toBuild -= 1
            built += 1
            building += 1
            buildStarted = HostClock.monotonicNanoseconds()
            pthread_mutex_unlock(&lock)
            let core = kd_create(Self.model)
            pthread_mutex_lock(&lock)
            lastBuild = HostClock.monotonicNanoseconds() &- buildStarted
            buildStarted = 0
            building -= 1
            if let core, idle.count < Self.maxIdle {
                idle.append(core)
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&lock)
            } else {
                if core == nil { toBuild = 0 }  // out of memory: stop
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&lock)
                if let core { kd_destroy(core) }
            }
        }
    }

    /// How long `acquire()` would wait now, in host nanoseconds: nothing
    /// with an idle core; what is left of the build under way; a whole
    /// build if none is (the builder has not started, or acquire builds).
    var expectedWait: UInt64 {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if !idle.isEmpty { return 0 }
        return remainingBuildLocked()
    }

    /// What is left of the build under way (lock held); a whole build if none is.
    private func remainingBuildLocked() -> UInt64 {
        guard buildStarted != 0 else { return lastBuild }
        let elapsed = HostClock.monotonicNanoseconds() &- buildStarted
        return elapsed < lastBuild ? lastBuild - elapsed : 0
    }

    /// The CPU model every core presents (KenixABI.CPUBaseline).
    static let model = kd_cpu_model(ctr_el0: UInt32(CPUBaseline.ctr), dczid_el0: UInt32(CPUBaseline.dczid))

    /// An idle core, or a new one; nil only if the host cannot build one.
    /// While the background thread is building cores, this waits for its
    /// next one if that is more than half done; otherwise it builds one
    /// itself, alongside: the caller would only sit idle (its machine's
    /// cold code runs in the interpreter, so what a boot waits for now is
    /// mostly cores; building one here took a boot from ~0.45 to ~0.41 s).
    /// Not while the decoder tables are being built: then the first core
    /// would wait for three threads sharing two processors. A machine that
    /// needs a new core now often needs another soon (a task tree growing),
    /// so taking the last idle one starts building a spare in the background.
    func acquire() -> OpaquePointer? {
        pthread_mutex_lock(&lock)
        if idle.isEmpty && !warming && building > 0 && remainingBuildLocked() > lastBuild / 2 {
            built += 1
            pthread_mutex_unlock(&lock)
            return kd_create(Self.model)
        }
        while idle.isEmpty && toBuild + building > 0 {
            pthread_cond_wait(&changed, &lock)
        }
        if let core = idle.popLast() {
            buildSpareLocked()
            pthread_mutex_unlock(&lock)
            return core
        }
        built += 1
        buildSpareLocked()
        pthread_mutex_unlock(&lock)
        return kd_create(Self.model)
    }

    /// An idle core (any code) if one is ready now, else nil, never waiting:
    /// a machine that has a cold binding to take over does that rather than
    /// wait tens of milliseconds for the builder (JITEngine.activate). Either
    /// way the builder is asked for a spare.
    func acquireIfReady() -> OpaquePointer? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let core = idle.popLast()
        buildSpareLocked()
        return core
    }

    /// Whether a core exists or is being built: a machine need not build one
    /// at once to know the host can (JITEngine.init).
    var hasOrBuildsCores: Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return !idle.isEmpty || building + toBuild > 0
    }

    /// With no idle core left and none coming, starts building one (lock held).
    private func buildSpareLocked() {
        guard idle.isEmpty && toBuild + building == 0 else { return }
        toBuild = 1
        startBuilderLocked()
    }

    /// An idle core, if one is ready (never builds one): the one whose
    /// translated code best matches the code `host` maps (the same program
    /// booted again, a fork child), so that its translations survive.
    /// Only a core scoring above `minimum` (code pages of the sample that
    /// match) is taken.
    func acquireIdle(for host: kd_host, scoringAbove minimum: Int32) -> OpaquePointer? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        // Score ties go to the core holding the least code (cheapest to
        // reprogram, and it keeps other programs' translations alive).
        var best: Int?, bestScore = minimum, bestSize = Int32.max
        for (i, core) in idle.enumerated().reversed() {
            let score = kd_match_score(core, host, JITEngine.matchSample)
            let size = kd_code_pages(core)
            if score > bestScore || (score == bestScore && best != nil && size < bestSize) {
                best = i; bestScore = score; bestSize = size
            }
        }
        guard let best else { return nil }
        let core = idle.remove(at: best)
        buildSpareLocked()
        return core
    }

    /// Takes a core back; it must be unbound and forgotten already.
    func release(_ core: OpaquePointer) {
        pthread_mutex_lock(&lock)
        // Two machines would run on it at once (a core shared by address
        // spaces goes back once, by its last user).
        precondition(!idle.contains(core), "HALHostSim: a JIT core given back twice")
        if idle.count < Self.maxIdle {
            idle.append(core)
            pthread_mutex_unlock(&lock)
            return
        }
        pthread_mutex_unlock(&lock)
        kd_destroy(core)
    }
}
