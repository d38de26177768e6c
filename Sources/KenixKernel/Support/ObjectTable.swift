// ObjectTable: a fixed table of kernel objects named by generation-checked
// ids (id = index + capacity × generation; index 0 is never used, so no id
// is 0). Freeing an entry bumps its generation, so an old id is rejected
// instead of reaching the entry's next occupant. Shared-memory objects and
// notifications live in one each. The entries are allocated once, at boot,
// outside the Kernel value: the table itself is a pointer, so passing it to
// a method copies eight bytes, not the table (the Embedded build copied a
// 1.5 KB inline table on every lookup).

protocol TableEntry {
    /// Entries in a table of this kind (KernelCapacity).
    static var capacity: Int { get }
    /// 0 marks a free entry.
    var id: UInt64 { get set }
    var generation: UInt64 { get set }
    init()
}

struct ObjectTable<Entry: TableEntry> {
    static var capacity: Int { Entry.capacity }
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: Self.capacity)
        entries.initialize(repeating: Entry(), count: Self.capacity)
    }

    /// The index of live object `id`, or nil for a stale or unknown id.
    func index(of id: UInt64) -> Int? {
        let i = Int(id % UInt64(Self.capacity))
        guard i != 0, entries[i].id != 0, entries[i].id == id else { return nil }
        return i
    }

    subscript(i: Int) -> Entry {
        get { entries[i] }
        nonmutating set { entries[i] = newValue }
    }

    /// Stores `entry` in a free slot under a fresh id; nil when the table is full.
    mutating func insert(_ entry: Entry) -> UInt64? {
        for i in 1..<Self.capacity where entries[i].id == 0 {
            var e = entry
            e.generation = entries[i].generation
            e.id = UInt64(i) + UInt64(Self.capacity) * e.generation
            entries[i] = e
            return e.id
        }
        return nil
    }

    /// Frees entry `i`; its id becomes stale.
    mutating func remove(_ i: Int) {
        var e = Entry()
        e.generation = entries[i].generation + 1
        entries[i] = e
    }
}
