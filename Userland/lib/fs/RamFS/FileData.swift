// FileData: a RAM file's bytes. The file is the first `count` bytes of
// `storage`; the rest of `storage` is spare capacity, kept zero, so that a
// file grows (a write past its end, a resize) by moving `count`, and its
// storage only when it runs out, then at least doubling.
//
// Why not a plain [UInt8] grown with append: the Embedded build of the file
// server grows arrays through generic element-by-element paths
// (append(contentsOf:) of repeatElement at ~20 guest instructions a byte,
// even of a contiguous buffer at ~8, and reallocation through
// moveInitialize at ~5). Writing a 300 KB file cost the VFS server ~9 M
// instructions, a third of a whole boot with its self-tests. Here every
// bulk move is copyMemory (the runtime's word-at-a-time memmove) and every
// zero-fill memsetZero (BlockCache.swift).

struct FileData {
    private var storage: [UInt8] = []
    private(set) var count = 0

    init() {}

    init(_ bytes: [UInt8]) {
        storage = bytes
        count = bytes.count
    }

    /// The file's bytes as an array of their own.
    var bytes: [UInt8] { count == storage.count ? storage : Self.copy(of: storage, keeping: count, capacity: count) }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        let count = count
        return storage.withUnsafeMutableBytes { body(UnsafeMutableRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// Grows the file to `newCount` bytes, the new ones zero.
    mutating func grow(to newCount: Int) {
        guard newCount > count else { return }
        if newCount > storage.count {
            storage = Self.copy(of: storage, keeping: storage.count, capacity: Swift.max(newCount, storage.count * 2, 64))
        }
        count = newCount
    }

    /// Shrinks the file to `newCount` bytes; the bytes cut off become zero
    /// spare capacity. A file that shrinks to a quarter of its storage or
    /// less gives the rest back.
    mutating func truncate(to newCount: Int) {
        guard newCount < count else { return }
        if newCount <= storage.count / 4 {
            storage = Self.copy(of: storage, keeping: newCount, capacity: newCount)
        } else {
            let old = count
            storage.withUnsafeMutableBytes { memsetZero(UnsafeMutableRawBufferPointer(rebasing: $0[newCount..<old]), old - newCount) }
        }
        count = newCount
    }

    /// A new storage array of `capacity` bytes: the first `kept` bytes of
    /// `old`, then zeros.
    private static func copy(of old: [UInt8], keeping kept: Int, capacity: Int) -> [UInt8] {
        guard capacity > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            if kept > 0 { old.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: kept) } }
            memsetZero(UnsafeMutableRawBufferPointer(start: base + kept, count: capacity - kept), capacity - kept)
            initialized = capacity
        }
    }
}
