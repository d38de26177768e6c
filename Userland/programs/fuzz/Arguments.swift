// The fuzzer's argument pools: where adversarial syscall arguments come from
// (null, -1, small numbers, its own code, data and stack, kernel-half and
// unaligned addresses, huge lengths, real and made-up handles, task ids).
// No task lets the kernel write into memory it lives on except its scratch
// buffer (a corrupted counter would make it run forever). `careful` tasks
// (the roots) also keep protection changes off their image, heap and stack,
// so they survive to issue their whole budget; their forked children are
// reckless there and may end themselves that way.

/// splitmix64: small, fast, and the same sequence on every backend.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
    mutating func chance(_ n: UInt64) -> Bool { next() % n == 0 }
}

/// How a syscall argument is read by the kernel: what to aim at it.
enum ArgKind {
    case any
    /// A pointer the kernel reads from.
    case source
    /// A pointer the kernel writes to.
    case destination
    /// A byte count.
    case length
    case handle
    case taskID
    /// An address for a protection or mapping change.
    case address
    case prot
    case flags
    case small
    /// A timeout in ns (kept short: the fuzzer must not sleep for long).
    case timeout
}

/// Bytes of the scratch buffer: the one writable place of a task's
/// own memory the kernel may write into.
let scratchSize: UInt64 = 16 * 1024

/// What a fuzzing task knows about itself and what it has made.
struct Pools {
    var rng: SplitMix64
    var careful: Bool
    var scratch: UInt64 = 0
    var stack: UInt64 = 0
    var selfID: UInt64 = 0
    var parentID: UInt64 = 0
    /// Recent handle values that a call returned (ring).
    var handles: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    var handleNext = 0
    /// Recent addresses that mmap, shm_map, fb_map or image_map returned (ring).
    var mappings: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var mappingNext = 0
    /// Recent task ids (children, senders).
    var ids: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var idNext = 0

    mutating func remember(handle h: UInt64) {
        withUnsafeMutableBytes(of: &handles) { $0.storeBytes(of: h, toByteOffset: handleNext * 8, as: UInt64.self) }
        handleNext = (handleNext + 1) % 8
    }
    mutating func remember(mapping a: UInt64) {
        withUnsafeMutableBytes(of: &mappings) { $0.storeBytes(of: a, toByteOffset: mappingNext * 8, as: UInt64.self) }
        mappingNext = (mappingNext + 1) % 4
    }
    mutating func remember(id: UInt64) {
        withUnsafeMutableBytes(of: &ids) { $0.storeBytes(of: id, toByteOffset: idNext * 8, as: UInt64.self) }
        idNext = (idNext + 1) % 4
    }
    func recentHandle(_ i: Int) -> UInt64 { withUnsafeBytes(of: handles) { $0.load(fromByteOffset: (i % 8) * 8, as: UInt64.self) } }
    func recentMapping(_ i: Int) -> UInt64 { withUnsafeBytes(of: mappings) { $0.load(fromByteOffset: (i % 4) * 8, as: UInt64.self) } }
    func recentID(_ i: Int) -> UInt64 { withUnsafeBytes(of: ids) { $0.load(fromByteOffset: (i % 4) * 8, as: UInt64.self) } }

    /// Anything at all: the edges of every type and plain noise.
    mutating func wild() -> UInt64 {
        switch rng.below(12) {
        case 0: return 0
        case 1: return UInt64.max                      // -1
        case 2: return rng.below(64)
        case 3: return 1 << rng.below(64)
        case 4: return (1 << rng.below(64)) &- 1
        case 5: return 0xFFFF_0000_0000_0000 | (rng.next() & 0xFFFF_FFFF_FFF8)   // kernel half
        case 6: return 0xFFFF_FFFF_FFFF_F000 &+ rng.below(0x1000)
        case 7: return UInt64(Int64.max) &+ rng.below(3)
        case 8: return UserLayout.userLimit &- rng.below(0x2000)
        case 9: return UInt64(UInt32.max) &+ rng.below(3)
        default: return rng.next()
        }
    }

    mutating func value(_ kind: ArgKind) -> UInt64 {
        // Now and then anything goes, except for a pointer the kernel writes to.
        // (A timeout stays short: the fuzzer never blocks for long.)
        if rng.chance(10), kind != .timeout, kind != .destination { return wild() }
        switch kind {
        case .any: return rng.chance(2) ? rng.below(256) : wild()
        case .small: return rng.below(70)
        case .prot: return rng.chance(8) ? rng.next() : rng.below(8)
        case .flags: return rng.chance(8) ? rng.next() : rng.below(4)
        case .timeout: return rng.chance(16) ? 0 : 1 + rng.below(200_000)
        case .length: return length()
        case .handle: return handle()
        case .taskID: return taskID()
        case .source: return pointer(writable: false)
        case .destination: return pointer(writable: true)
        case .address: return address()
        }
    }

    mutating func length() -> UInt64 {
        switch rng.below(8) {
        case 0: return 0
        case 1: return UInt64.max &- rng.below(4)
        case 2: return 1 << rng.below(48)
        case 3: return 4096 &* rng.below(300) &+ (rng.chance(2) ? rng.below(4096) : 0)
        default: return rng.below(5000)
        }
    }

    mutating func handle() -> UInt64 {
        switch rng.below(10) {
        case 0, 1, 2: return recentHandle(Int(rng.below(8)))
        case 3: return 1                                     // the parent
        case 4: return 2 + rng.below(39)                     // init's handles, not ours
        case 5: return (1 + rng.below(64)) | rng.below(4) << 16   // any entry, a guessed generation
        case 6: return recentHandle(Int(rng.below(8))) &+ 0x1_0000   // stale generation
        case 7: return 1 + rng.below(8)
        default: return wild()
        }
    }

    mutating func taskID() -> UInt64 {
        switch rng.below(6) {
        case 0: return selfID
        case 1: return parentID
        case 2: return recentID(Int(rng.below(4)))
        case 3: return 1 + rng.below(40)
        case 4: return (1 + rng.below(40)) | rng.below(4) << 16
        default: return wild()
        }
    }

    /// A pointer the kernel reads through (`writable` false) or writes to.
    mutating func pointer(writable: Bool) -> UInt64 {
        switch rng.below(10) {
        case 0: return 0
        case 1:
            // Our code and data; the kernel may be asked to write only at the first page (text).
            return UserLayout.imageBase &+ rng.below(writable ? 0x1000 : 0x8000)
        case 2: return scratch &+ rng.below(scratchSize / 2)
        case 3: return scratch &+ rng.below(scratchSize / 2) | 1           // unaligned
        case 4: return recentMapping(Int(rng.below(4))) &+ rng.below(0x2000)
        case 5:
            // Our own stack: only for the kernel to read.
            if writable { return scratch }
            return stack &- rng.below(0x800)
        case 6: return 0xFFFF_0000_0000_0000 &+ rng.below(1 << 40)
        case 7: return UserLayout.stackTop &- rng.below(UserLayout.stackLimit + 0x2000)   // edge of the stack
            .careful(writable, else: scratch)
        case 8: return UserLayout.shmBase &+ 4096 &* rng.below(64)
        default: return rng.chance(2) ? UserLayout.mmapBase &+ 4096 &* rng.below(4096) : wild()
        }
    }

    /// A page address for munmap, mprotect, mmap hints and brk.
    mutating func address() -> UInt64 {
        switch rng.below(9) {
        case 0: return 0
        case 1: return recentMapping(Int(rng.below(4)))
        case 2: return recentMapping(Int(rng.below(4))) &+ 4096 &* rng.below(4)
        case 3: return UserLayout.mmapBase &+ 4096 &* rng.below(1 << 20)
        case 4: return UserLayout.shmBase &+ 4096 &* rng.below(1024)
        case 5: return UserLayout.mmapLimit &- 4096 &* rng.below(4)
        case 6:
            // Our own code, data, heap and stack: only a reckless task aims there.
            if careful { return UserLayout.mmapBase &+ 4096 &* rng.below(64) }
            return rng.chance(2) ? UserLayout.imageBase &+ 4096 &* rng.below(16) : (stack & ~0xFFF) &- 4096 &* rng.below(4)
        case 7: return (recentMapping(Int(rng.below(4))) &+ 1 + rng.below(4095))    // unaligned
        default: return wild()
        }
    }
}

extension UInt64 {
    /// `replacement` when `condition` holds: keeps kernel writes off the stack.
    fileprivate func careful(_ condition: Bool, else replacement: UInt64) -> UInt64 { condition ? replacement : self }
}
