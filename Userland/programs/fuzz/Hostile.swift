// A hostile task: issues `budget` random syscalls with adversarial arguments
// (Calls.swift, Arguments.swift), forks children that do the same (a few
// generations, a few at a time), reaps them all, and exits with the number
// of syscalls its whole subtree issued (children that were killed count 0).

/// Start argument of a hostile task: bits 0–31 seed, 32–47 budget in
/// units of 64 syscalls, 48–51 generation, bit 52 set.
enum HostileArg {
    static let flag: UInt64 = 1 << 52
    static func make(seed: UInt64, budget: UInt64, generation: UInt64) -> UInt64 {
        flag | (seed & 0xFFFF_FFFF) | min(budget / 64, 0xFFFF) << 32 | (generation & 0xF) << 48
    }
}

/// A careful task's exit status when its own state changed under it.
let isolationBroken: Int64 = -0x150

/// Generations below the roots (a root is 0).
let maxGeneration: UInt64 = 3
/// Children one task has at once.
let maxChildren = 3
/// How long a careful task waits for a child before killing it (ns).
let reapPatience: UInt64 = 200_000_000

struct Hostile {
    var pools: Pools
    var generation: UInt64
    var budget: UInt64
    var issued: UInt64 = 0
    /// Syscalls the children issued (from their exit statuses).
    var reaped: UInt64 = 0
    var children: (UInt64, UInt64, UInt64) = (0, 0, 0)

    init(arg: UInt64) {
        generation = (arg >> 48) & 0xF
        budget = ((arg >> 32) & 0xFFFF) * 64
        pools = Pools(rng: SplitMix64(state: (arg & 0xFFFF_FFFF) ^ 0x5EED_F022), careful: generation == 0)
        pools.scratch = UInt64(UInt(bitPattern: UnsafeMutableRawPointer.allocate(byteCount: Int(scratchSize), alignment: 16)))
        pools.selfID = UInt64(bitPattern: RawSyscall.invoke(.getpid))
        var marker: UInt64 = 0
        pools.stack = withUnsafeMutablePointer(to: &marker) { UInt64(UInt(bitPattern: $0)) }
        let me = RawSyscall.invokeWithRegisters(.taskSelf)
        if me.x0 > 0 { pools.remember(handle: UInt64(me.x0)) }
        let parent = RawSyscall.invokeWithRegisters(.handleInfo, StartupHandle.parent)
        if parent.x0 >= 0 { pools.parentID = parent.x2 }
    }

    func child(_ i: Int) -> UInt64 { withUnsafeBytes(of: children) { $0.load(fromByteOffset: i * 8, as: UInt64.self) } }
    mutating func setChild(_ i: Int, _ h: UInt64) {
        withUnsafeMutableBytes(of: &children) { $0.storeBytes(of: h, toByteOffset: i * 8, as: UInt64.self) }
    }
    func freeChildSlot() -> Int? {
        for i in 0..<maxChildren where child(i) == 0 { return i }
        return nil
    }

    /// Runs the budget, reaps the children, returns the subtree's count, or
    /// `isolationBroken` when a careful task finds its own state changed
    /// by something other than the step it took (it never aims a kernel
    /// write or a mapping change at its own memory, so only a breach of
    /// isolation can do that: another task, or a stale translation, writing
    /// into its frames).
    mutating func run() -> Int64 {
        while issued < budget {
            let (i, b, g) = (issued, budget, generation)
            step()
            if pools.careful && (budget != b || generation != g || issued < i || issued > i + 1) {
                return isolationBroken
            }
        }
        for i in 0..<maxChildren where child(i) != 0 { reap(i) }
        return Int64(issued + reaped)
    }

    mutating func step() {
        let n = pickNumber()
        guard let call = Syscall(rawValue: n) else {
            issue(n, (pools.wild(), pools.wild(), pools.wild(), pools.wild(), pools.wild(), pools.wild()))
            return
        }
        switch call {
        case .exit: return                                  // would end the fuzzer
        case .fork: fork(); return
        case .wait:
            // Reap one of ours now and then, else wait on anything.
            if pools.rng.chance(2), let i = busyChildSlot() { reap(i); issued += 1; return }
        case .spawn: spawn(); return
        default: break
        }
        let a = pools.arguments(for: call)
        let r = issue(n, a, x6: call == .callTimeout ? pools.value(.timeout) : 0)
        learn(call, r)
    }

    /// A known syscall nine times in ten, else an unknown number.
    mutating func pickNumber() -> UInt64 {
        if pools.rng.chance(10) {
            switch pools.rng.below(4) {
            case 0: return pools.wild()
            case 1: return 116 + pools.rng.below(200)
            default:
                let n = pools.rng.below(116)
                return Syscall(rawValue: n) == nil ? n : 22   // 22: a hole in the table
            }
        }
        while true {
            let n = pools.rng.below(116)
            if Syscall(rawValue: n) != nil { return n }
        }
    }

    @discardableResult
    mutating func issue(_ n: UInt64, _ a: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64), x6: UInt64 = 0) -> SyscallRegisters {
        issued += 1
        var r = SyscallRegisters()
        r.x0 = kx_syscall_msg7(a.0, a.1, a.2, a.3, a.4, a.5, x6, n, &r)
        return r
    }

    /// Keeps what a successful call returned for later arguments.
    mutating func learn(_ call: Syscall, _ r: SyscallRegisters) {
        guard r.x0 > 0 else { return }
        let x0 = UInt64(r.x0)
        switch call {
        case .shmCreate, .notifyCreate, .taskSelf, .handleDuplicate, .uartClaim, .keyboardClaim:
            pools.remember(handle: x0)
        case .serviceLookup, .taskCreate:
            pools.remember(handle: x0); pools.remember(id: r.x1)
        case .mmap, .shmMap, .fbMap, .imageMap, .taskMap:
            pools.remember(mapping: x0)
        case .recvTimeout, .recvNonBlocking:
            pools.remember(id: x0)
        default: break
        }
    }

    func busyChildSlot() -> Int? {
        for i in 0..<maxChildren where child(i) != 0 { return i }
        return nil
    }

    /// Reaps child `i`. A careful task gives it `reapPatience` ns of
    /// simulated time and then kills it: a reckless child may have
    /// scribbled on its own counters and run on past its budget.
    mutating func reap(_ i: Int) {
        if pools.careful {
            let deadline = UInt64(bitPattern: RawSyscall.invoke(.clock)) &+ reapPatience
            while RawSyscall.invoke(.taskStatus, child(i)) > 0 && RawSyscall.invoke(.taskStatus, child(i)) != 4 {
                if UInt64(bitPattern: RawSyscall.invoke(.clock)) > deadline {
                    _ = RawSyscall.invoke(.kill, child(i))
                    break
                }
                _ = RawSyscall.invoke(.sleep, 1_000_000)
            }
        }
        let r = RawSyscall.invokeWithRegisters(.wait, child(i))
        if r.x0 == 0 && r.x2 == 0 && Int64(bitPattern: r.x1) > 0 { reaped += r.x1 }
        _ = RawSyscall.invoke(.handleClose, child(i))
        setChild(i, 0)
    }

    mutating func fork() {
        guard generation < maxGeneration, let slot = freeChildSlot() else { return }
        issued += 1
        let r = RawSyscall.invokeWithRegisters(.fork)
        if r.x0 == 0 {
            // The child: a reckless task of the next generation, with a
            // smaller budget and a seed of its own.
            generation += 1
            budget = max(budget / 8, 256)
            issued = 0
            reaped = 0
            children = (0, 0, 0)
            pools.careful = false
            pools.rng = SplitMix64(state: pools.rng.state ^ 0xC41D_0000_0000 ^ generation)
            pools.selfID = UInt64(bitPattern: RawSyscall.invoke(.getpid))
            var marker: UInt64 = 0
            pools.stack = withUnsafeMutablePointer(to: &marker) { UInt64(UInt(bitPattern: $0)) }
            return
        }
        if r.x0 > 0 { setChild(slot, UInt64(r.x0)); pools.remember(handle: UInt64(r.x0)); pools.remember(id: r.x1) }
    }

    /// `spawn` of this program (a hostile child of the next generation), a
    /// program that ends at once, one that is not an executable, one that
    /// does not exist, or a name from the pools.
    mutating func spawn() {
        guard let slot = freeChildSlot() else { return }
        var a = pools.arguments(for: .spawn)
        let names: (StaticString, StaticString, StaticString, StaticString) = ("fuzz", "errors", "badelf", "no-such-program")
        let pick = pools.rng.below(5)
        let name: StaticString
        switch pick {
        case 0 where generation < maxGeneration: name = names.0
        case 0, 1: name = names.1
        case 2: name = names.2
        case 3: name = names.3
        default: name = ""
        }
        if name.utf8CodeUnitCount > 0 {
            a.0 = UInt64(UInt(bitPattern: name.utf8Start))
            if !pools.rng.chance(8) { a.1 = UInt64(name.utf8CodeUnitCount) }
            // errors with argument 1 ends at once; a fuzz child gets a small budget.
            a.2 = pick == 0 && generation < maxGeneration
                ? HostileArg.make(seed: pools.rng.next(), budget: max(budget / 16, 256), generation: generation + 1) : 1
        }
        let r = issue(Syscall.spawn.rawValue, a)
        if r.x0 > 0 { setChild(slot, UInt64(r.x0)); pools.remember(id: r.x1) }
    }
}
