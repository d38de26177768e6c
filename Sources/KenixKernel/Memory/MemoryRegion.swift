// MemoryRegion and RegionList: the parts of a task's address space it may
// touch: the program's segments, and what may be touched without being
// mapped yet (anonymous mmap, the heap, the stack's growth area). A translation fault inside a region, with an access its
// rights allow, is demand paging: the kernel maps a zeroed frame and the task
// retries. A fault anywhere else, or against the rights, kills the task.
//
// The list is a small sorted array of non-overlapping regions, fixed per
// task; munmap and mprotect split regions at their boundaries.

struct Rights: Equatable {
    var read: Bool
    var write: Bool
    var execute: Bool

    /// From the ABI's prot bits: 1 read, 2 write, 4 execute. AArch64 cannot
    /// give EL0 write or execute access without read access, so write and
    /// execute each imply read (docs/syscalls.md); 0 is no access at all.
    init?(prot: UInt64) {
        guard prot & ~7 == 0 else { return nil }
        read = prot != 0
        write = prot & 2 != 0
        execute = prot & 4 != 0
    }

    init(read: Bool, write: Bool, execute: Bool) {
        self.read = read; self.write = write; self.execute = execute
    }

    static let readWrite = Rights(read: true, write: true, execute: false)

    func allows(_ access: MemoryAccessKind) -> Bool {
        switch access {
        case .read: return read
        case .write: return write
        case .execute: return execute
        }
    }
}

/// The access kinds a region's rights judge (mirrors HAL.MemoryAccess).
enum MemoryAccessKind { case read, write, execute }

/// `image`: a program segment (mapped at load; a region so that mprotect and
/// munmap treat it like any other memory, as glibc's RELRO needs).
enum RegionKind: Equatable { case anonymous, heap, stack, image }

struct MemoryRegion: Equatable {
    var start: UInt64
    var end: UInt64
    var rights: Rights
    /// A shared mapping stays shared across fork; a private one is copied.
    var shared: Bool
    var kind: RegionKind

    static let none = MemoryRegion(start: 0, end: 0, rights: Rights(read: false, write: false, execute: false),
                                   shared: false, kind: .anonymous)
}

struct RegionList {
    static let capacity = KernelCapacity.regionsPerTask
    private var items = RegionStorage(repeating: .none)
    private(set) var count = 0

    subscript(i: Int) -> MemoryRegion { items[i] }

    /// The region holding `address`.
    func find(_ address: UInt64) -> Int? {
        for i in 0..<count where items[i].start <= address && address < items[i].end { return i }
        return nil
    }

    /// The region holding `address`, read where the list lies: a method
    /// called through a task pointer copied the whole list (~1.5 KB) to the
    /// stack first, on every page fault (the list is `inout` only to be
    /// passed by address; nothing changes).
    static func region(containing address: UInt64, in list: inout RegionList) -> MemoryRegion? {
        list.find(address).map { list.items[$0] }
    }

    func overlaps(_ start: UInt64, _ end: UInt64) -> Bool {
        for i in 0..<count where items[i].start < end && start < items[i].end { return true }
        return false
    }

    /// Adds a region that overlaps none, joined with a neighbour that ends
    /// or starts where it does and is alike in everything else (so a heap
    /// growing by many `brk` steps stays one region); false when full.
    mutating func insertMerging(_ region: MemoryRegion) -> Bool {
        var merged = region
        for i in 0..<count where items[i].end == merged.start && items[i].isLike(merged) {
            merged.start = items[i].start
        }
        for i in 0..<count where items[i].start == merged.end && items[i].isLike(merged) {
            merged.end = items[i].end
        }
        let before = count
        remove(merged.start, merged.end)
        guard insert(merged) else {
            // Removing one or two neighbours always leaves room, so only a
            // region that merged with nothing can fail here.
            precondition(count == before, "RegionList: a merge lost regions")
            return false
        }
        return true
    }

    /// Adds a region that overlaps none; false when the list is full.
    mutating func insert(_ region: MemoryRegion) -> Bool {
        guard count < Self.capacity else { return false }
        var i = count
        while i > 0 && items[i - 1].start > region.start { items[i] = items[i - 1]; i -= 1 }
        items[i] = region
        count += 1
        return true
    }

    /// Regions that would exist after cutting at `start` and `end`.
    func countAfterSplitting(_ start: UInt64, _ end: UInt64) -> Int {
        var n = count
        for i in 0..<count {
            if items[i].start < start && start < items[i].end { n += 1 }
            if items[i].start < end && end < items[i].end { n += 1 }
        }
        return n
    }

    /// Splits regions so that `start` and `end` fall on region boundaries.
    /// The caller checks `countAfterSplitting` first.
    mutating func split(at start: UInt64, _ end: UInt64) {
        for cut in [start, end] {
            guard let i = find(cut), items[i].start < cut else { continue }
            var upper = items[i]
            upper.start = cut
            items[i].end = cut
            _ = insert(upper)
        }
    }

    /// Removes every region inside [start, end) (after `split`).
    mutating func remove(_ start: UInt64, _ end: UInt64) {
        var kept = 0
        for i in 0..<count where !(start <= items[i].start && items[i].end <= end) {
            items[kept] = items[i]
            kept += 1
        }
        count = kept
    }

    /// Sets the rights of every region inside [start, end) (after `split`).
    mutating func setRights(_ rights: Rights, _ start: UInt64, _ end: UInt64) {
        for i in 0..<count where start <= items[i].start && items[i].end <= end { items[i].rights = rights }
    }

    /// Whether [start, end) is fully covered by regions.
    func covers(_ start: UInt64, _ end: UInt64) -> Bool {
        var cursor = start
        while cursor < end {
            guard let i = find(cursor) else { return false }
            cursor = items[i].end
        }
        return true
    }

}

extension MemoryRegion {
    /// Same rights, sharing and kind: two such neighbours can be one region.
    func isLike(_ other: MemoryRegion) -> Bool {
        rights == other.rights && shared == other.shared && kind == other.kind
    }
}
