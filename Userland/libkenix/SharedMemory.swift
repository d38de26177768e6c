// Shared memory (docs/syscalls.md, "Shared memory"): create, map, grant,
// unmap, size and release, plus `SharedWords`, volatile 64-bit access to a mapped object so
// that loops watching another task's writes are not optimized away.

import _Volatile

public enum SharedMemory {
    /// Creates a zeroed object of `size` bytes (1 B – 16 MiB, rounded up to pages).
    public static func create(size: UInt64) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.shmCreate, size))
    }

    /// Maps object `id` read-write (never executable); `hint` 0 = anywhere.
    public static func map(_ id: UInt64, hint: UInt64 = 0) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.shmMap, id, hint))
    }

    /// Lets `task` map object `id`.
    public static func grant(_ id: UInt64, to task: TaskID) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.shmGrant, id, task))
    }

    public static func unmap(_ id: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.shmUnmap, id))
    }

    /// The object's size in bytes, if the caller holds it and so does
    /// `task` (0: only the caller): how a server checks a client's buffer.
    public static func size(_ id: UInt64, heldBy task: TaskID = 0) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.shmInfo, id, task))
    }

    /// Unmaps the object (if mapped) and lets go of it; its memory is freed
    /// once nobody holds it and no disk request uses it.
    public static func release(_ id: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.shmRelease, id))
    }
}

/// 64-bit words at a mapped address, read and written with volatile accesses
/// (another task may change them at any time slice).
public struct SharedWords {
    public let base: UInt64

    public init(address: UInt64) { base = address }

    @inline(__always)
    func register(_ index: Int) -> VolatileMappedRegister<UInt64> {
        VolatileMappedRegister<UInt64>(unsafeBitPattern: UInt(base) &+ UInt(index) &* 8)
    }

    public subscript(index: Int) -> UInt64 {
        @inline(__always) get { register(index).load() }
        @inline(__always) nonmutating set { register(index).store(newValue) }
    }
}

/// Anonymous memory (docs/syscalls.md, "Virtual memory"): reserved by
/// `map`, paged in zero-filled on first touch.
public enum Memory {
    public static func map(length: UInt64, prot: UInt64 = MemoryProtection.read | MemoryProtection.write,
                           flags: UInt64 = 0, hint: UInt64 = 0) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.mmap, hint, length, prot, flags))
    }

    public static func unmap(_ address: UInt64, length: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.munmap, address, length))
    }

    public static func protect(_ address: UInt64, length: UInt64, prot: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.mprotect, address, length, prot))
    }

    /// Moves the heap's end to `newBreak` (0 asks for the current one).
    public static func setBreak(_ newBreak: UInt64) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.brk, newBreak))
    }
}
