// Shared memory (docs/syscalls.md, "Shared memory"): create, map, unmap,
// size and release (close) through handles, plus `SharedWords`, volatile
// 64-bit access to a mapped object so that loops watching another task's
// writes are not optimized away. An object reaches another task in an IPC
// message (`Message(…, carrying:)`).

import _Volatile

public enum SharedMemory {
    /// Creates a zeroed object of `size` bytes (1 B – 16 MiB, rounded up to
    /// pages); returns a handle with every right.
    public static func create(size: UInt64) throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(.shmCreate, size))
    }

    /// Maps the object (read-write if the handle has `write`, never
    /// executable); `hint` 0 = anywhere.
    public static func map(_ handle: Handle, hint: UInt64 = 0) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.shmMap, handle, hint))
    }

    public static func unmap(_ handle: Handle) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.shmUnmap, handle))
    }

    /// The object's size in bytes: how a server checks a buffer a client
    /// handed it.
    public static func size(_ handle: Handle) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.shmInfo, handle))
    }

    /// Unmaps the object (if mapped) and closes the handle; the memory is
    /// freed once no handle, mapping or disk request keeps it.
    public static func release(_ handle: Handle) {
        _ = RawSyscall.invoke(.shmUnmap, handle)
        Handles.close(handle)
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
