// HostMemory: host virtual memory for the simulator (bottom layer).
//
// Interface:
//   - `HostRAM`: the simulated physical RAM, mapped once (the kernel's window
//     onto RAM); a shared-memory object when the CPU engine aliases frames;
//   - `HostWindow`: a reserved stretch of host address space in which single
//     RAM frames are mapped again (aliased) at chosen offsets.
//
// Why aliasing: Unicorn 2.0.1 cannot take many memory regions (each map costs
// time linear in the number of regions, and more than ~1000 sections abort
// the process), so the simulator maps runs of contiguous guest pages as one
// region. Guest-contiguous pages live in scattered frames; mapping each frame
// at the right offset of a window makes the run contiguous on the host too,
// and writes through either mapping hit the same memory.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct HostMemoryError: Error, Equatable {
    public var operation: StaticString
    public var errno: Int32
    public static func == (a: Self, b: Self) -> Bool { a.errno == b.errno }
}

/// Simulated RAM: a shared-memory object, so frames can be aliased (the
/// Unicorn engine), or private memory (the JIT engine, which needs no
/// aliases). Owned by `SimMachine`; `release()` unmaps it.
public struct HostRAM {
    public let base: UnsafeMutableRawPointer
    public let size: UInt64
    /// The shared-memory object; frames are mapped again from it.
    public let descriptor: Int32

    /// RAM of `size` bytes, zeroed but for `image` at byte `offset` (a
    /// multiple of the page size; the boot image). Only `aliasable` RAM (the
    /// Unicorn engine's) is a shared-memory object whose frames can be mapped
    /// again; otherwise it is private anonymous memory, whose first touch of
    /// a page costs the host less (descriptor -1), or an ended machine's,
    /// recycled.
    public static func allocate(size: UInt64, aliasable: Bool, image: UnsafeRawBufferPointer = .init(start: nil, count: 0),
                                at offset: Int = 0) throws(HostMemoryError) -> HostRAM {
        precondition(offset % 4096 == 0 && offset + image.count <= Int(size), "HostRAM: image outside RAM")
        if !aliasable {
            if let p = RecycledRAM.shared.take(size: size, image: image, at: offset) {
                return HostRAM(base: p, size: size, descriptor: -1)
            }
            let p = mmap(nil, Int(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard let p, p != MAP_FAILED else { throw HostMemoryError(operation: "mmap ram", errno: errno) }
            return HostRAM(base: p, size: size, descriptor: -1).loading(image, at: offset)
        }
        // A name unlinked at once: only the descriptor keeps the object alive,
        // and the name is free again for the next machine.
        var fd: Int32 = -1
        for attempt in 0..<64 {
            let name = "/kenix-sim-\(getpid())-\(attempt)"
            fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 { shm_unlink(name); break }
        }
        guard fd >= 0 else { throw HostMemoryError(operation: "shm_open", errno: errno) }
        guard ftruncate(fd, off_t(size)) == 0 else {
            let e = errno; close(fd)
            throw HostMemoryError(operation: "ftruncate", errno: e)
        }
        let p = mmap(nil, Int(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else {
            let e = errno; close(fd)
            throw HostMemoryError(operation: "mmap ram", errno: e)
        }
        return HostRAM(base: p, size: size, descriptor: fd).loading(image, at: offset)
    }

    /// Copies `image` to byte `offset` of fresh (all-zero) RAM.
    private func loading(_ image: UnsafeRawBufferPointer, at offset: Int) -> HostRAM {
        if let src = image.baseAddress, image.count > 0 { (base + offset).copyMemory(from: src, byteCount: image.count) }
        return self
    }

    /// Gives the RAM back: private RAM is kept for the next machine of its
    /// size (RecycledRAM), shared RAM is unmapped.
    public func release() {
        if descriptor < 0 { return RecycledRAM.shared.keep(base, size: size) }
        munmap(base, Int(size))
        close(descriptor)
    }
}

/// A reservation of host address space (no memory behind it until frames are
/// aliased into it). Owned by one address space; `release()` frees it.
public struct HostWindow {
    public let base: UnsafeMutableRawPointer
    public let size: UInt64

    public static func reserve(size: UInt64) throws(HostMemoryError) -> HostWindow {
        let p = mmap(nil, Int(size), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let p, p != MAP_FAILED else { throw HostMemoryError(operation: "mmap window", errno: errno) }
        return HostWindow(base: p, size: size)
    }

    /// Maps the RAM frame at `frameOffset` (bytes from RAM start) at `offset`.
    public func alias(at offset: UInt64, ram: HostRAM, frameOffset: UInt64) throws(HostMemoryError) {
        let p = mmap(base + Int(offset), 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                     ram.descriptor, off_t(frameOffset))
        guard p == base + Int(offset) else { throw HostMemoryError(operation: "mmap alias", errno: errno) }
    }

    /// Replaces `[offset, offset + length)` by an empty reservation again.
    public func unalias(at offset: UInt64, length: UInt64) {
        _ = mmap(base + Int(offset), Int(length), PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0)
    }

    public func pointer(at offset: UInt64) -> UnsafeMutableRawPointer { base + Int(offset) }

    public func release() { munmap(base, Int(size)) }
}
