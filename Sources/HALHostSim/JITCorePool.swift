// JITCorePool: the process's JIT cores (CDynarmic's kd_core: a dynarmic Jit
// with its page table), kept for reuse. Building one costs tens of
// milliseconds and several MiB, so a machine never builds one per task: it
// borrows cores here, binds each to an address space (JITEngine), and gives
// them back when it is done. Many machines in a row (kenix-sim swarm, the
// tests) share the same few cores.
//
// A core comes back here forgotten (kd_invalidate_all: no TLB entries, no
// translated code) and unbound; whoever takes it next sees a fresh CPU.
// `prewarm(_:)` builds cores on a background thread (the command-line tools
// call it at start-up, so a boot does not wait for most of them). Which core
// serves a machine never shows in a run, so host timing cannot reach one.
// Thread safety: the pool is locked; a core belongs to one machine at a time.
import CDynarmic
import KenixABI
#if canImport(Glibc)
import Glibc
#endif

final class JITCorePool: @unchecked Sendable {
    static let shared = JITCorePool()

    /// Idle cores kept for the next machine; more are destroyed.
    static let maxIdle = 48

    private var idle: [OpaquePointer] = []
    private var lock = pthread_mutex_t()
    /// Cores built so far (statistics).
    private(set) var built = 0
    /// Cores the background thread is still to build.
    private var toBuild = 0
    private var builder: pthread_t?

    private init() { pthread_mutex_init(&lock, nil) }

    /// Builds `count` cores in the background (at most one builder thread).
    func prewarm(_ count: Int) {
        pthread_mutex_lock(&lock)
        toBuild = max(toBuild, count - idle.count)
        let start = builder == nil && toBuild > 0
        pthread_mutex_unlock(&lock)
        guard start else { return }
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { _ in
            JITCorePool.shared.buildInBackground()
            return nil
        }, nil)
        if made == 0 {
            pthread_mutex_lock(&lock)
            builder = thread
            pthread_mutex_unlock(&lock)
            pthread_detach(thread)
        }
    }

    private func buildInBackground() {
        while true {
            pthread_mutex_lock(&lock)
            guard toBuild > 0 else {
                builder = nil
                pthread_mutex_unlock(&lock)
                return
            }
            toBuild -= 1
            built += 1
            pthread_mutex_unlock(&lock)
            guard let core = kd_create(Self.model) else { continue }
            release(core)
        }
    }

    /// The CPU model every core presents (KenixABI.CPUBaseline).
    static let model = kd_cpu_model(ctr_el0: UInt32(CPUBaseline.ctr), dczid_el0: UInt32(CPUBaseline.dczid))

    /// An idle core, or a new one; nil only if the host cannot build one.
    func acquire() -> OpaquePointer? {
        pthread_mutex_lock(&lock)
        if let core = idle.popLast() {
            pthread_mutex_unlock(&lock)
            return core
        }
        built += 1
        // One fewer for the builder: this thread builds it instead.
        if toBuild > 0 { toBuild -= 1 }
        pthread_mutex_unlock(&lock)
        return kd_create(Self.model)
    }

    /// An idle core, if one is ready (never builds one).
    func acquireIdle() -> OpaquePointer? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return idle.popLast()
    }

    /// Takes a core back; it must be unbound and forgotten already.
    func release(_ core: OpaquePointer) {
        pthread_mutex_lock(&lock)
        if idle.count < Self.maxIdle {
            idle.append(core)
            pthread_mutex_unlock(&lock)
            return
        }
        pthread_mutex_unlock(&lock)
        kd_destroy(core)
    }
}
