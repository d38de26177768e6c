// InitializedPrefix: how many leading units of a boot-sized kernel table are
// initialized, for tables whose units are initialized in order as they are
// first handed out.
//
// Why: the task and handle tables are sized from RAM (1,024 task slots and
// 65,536 handle entries with 128 MiB: ~1,560 frames) but a run uses the
// first few dozen slots. Zeroing and initializing all of them at boot wrote
// every byte of those frames, which was a large share of a simulated boot's
// host time, and made every scan over task slots walk the whole table. The
// count lives in the table's own storage, in a header before the elements
// (the layout is this type's: `storageBytes`, `elements`), so the tables'
// non-mutating methods (HandleTable.reset) can advance it.
struct InitializedPrefix {
    /// Bytes before a table's elements that hold the count (a multiple of
    /// every element's alignment).
    private static let headerBytes = 64

    /// Bytes of storage a table of `count` elements of type `T` needs.
    static func storageBytes<T>(for _: T.Type, count: Int) -> Int {
        headerBytes + count * MemoryLayout<T>.stride
    }

    /// The (uninitialized) elements of a table in `storage`.
    static func elements<T>(in storage: UnsafeMutableRawPointer, as _: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        precondition(MemoryLayout<T>.alignment <= headerBytes, "InitializedPrefix: element alignment above the header")
        return (storage + headerBytes).bindMemory(to: T.self, capacity: count)
    }

    private let count: UnsafeMutablePointer<Int>

    /// A prefix of length 0 kept in the header of `storage`.
    init(at storage: UnsafeMutableRawPointer) {
        count = storage.bindMemory(to: Int.self, capacity: 1)
        count.initialize(to: 0)
    }

    /// Units [0, length) are initialized.
    @inline(__always) var length: Int { count.pointee }

    /// Whether unit `unit` is initialized. The tables test this where they
    /// first hand a unit out (TaskTable.claim, HandleTable.reset) and only
    /// assert it in their accessors: a test on every access cost a QEMU IPC
    /// round trip ~140 of its ~1,090 instructions (a closure here, before
    /// that, a quarter of its time).
    @inline(__always) func covers(_ unit: Int) -> Bool { unit < count.pointee }

    /// Records that units [length, `newLength`) have been initialized.
    func extend(to newLength: Int) {
        if newLength > count.pointee { count.pointee = newLength }
    }
}
