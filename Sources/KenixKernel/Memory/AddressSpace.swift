// AddressSpace: one task's user (TTBR0) translation tables, 4 levels of 4 KB
// tables in the VMSAv8-64 format. It only edits descriptors; the caller
// invalidates the TLB (through the HAL) after changing or removing a valid
// one, because only the caller knows the ASID and when it is safe.
//
// Ownership rule: a leaf carries the software bit `ownedFrame` when the frame
// belongs to this address space (ELF pages, stack, anonymous memory) and is
// released with it; after a fork two spaces own the same frame, which the
// frame allocator reference-counts. Shared-memory frames belong to their
// object and are mapped without the bit. Teardown releases exactly what was
// mapped, at the level it was mapped.
//
// Swapping: a page the pager wrote out leaves a SwapEntry (an invalid leaf
// naming its swap slot) in place of its descriptor; `forEachEntry` and
// `destroy` see those too.
//
// Copy-on-write: every private page shared by a fork is mapped read-only
// with the software bit `copyOnWrite`, whatever its rights were; the first
// write the task's region allows faults and the kernel copies the page (or,
// if it is the last reference, just makes it writable again). So a frame
// with two owners is never writable through either, even after mprotect.
import HAL

public enum MapError: Error, Equatable {
    case outOfMemory
    case alreadyMapped
    /// The VA is outside the 48-bit TTBR0 range.
    case invalidAddress
}

public struct AddressSpace {
    /// Software bit in a leaf: the frame is owned by this address space.
    public static let ownedFrame: UInt64 = 1
    /// Software bit in a leaf: writable, but shared after a fork until the
    /// first write copies it.
    public static let copyOnWrite: UInt64 = 2
    // Software bit 4 marks a swapped-out page's entry (SwapEntry.swapped).
    /// Software bit in a leaf: a page of a shared mapping (mmap with
    /// MapFlags.shared). Other address spaces may map its frame with no
    /// mark on the frame itself, so the pager must never move it.
    public static let sharedMapping: UInt64 = 8

    public let root: PhysAddr
    public let asid: ASID

    /// A new, empty address space, or nil when no frame is left for its root.
    public static func create<M: PhysicalMemory>(asid: ASID, frames: inout FrameAllocator,
                                                 memory: M) -> AddressSpace? {
        guard let root = frames.allocate(zeroing: memory) else { return nil }
        return AddressSpace(root: root, asid: asid)
    }

    /// Maps the page at `va` to `frame`. Allocates intermediate tables as
    /// needed; a table allocated for a failed mapping stays (it is empty and
    /// freed at teardown).
    public func map<M: PhysicalMemory>(_ va: VirtAddr, to frame: PhysAddr, writable: Bool,
                                       executable: Bool, owned: Bool,
                                       frames: inout FrameAllocator, memory: M) -> Result<Void, MapError> {
        guard va.raw >> PageGeometry.virtualAddressBits == 0 else { return .failure(.invalidAddress) }
        guard let slot = leafSlot(va, create: true, frames: &frames, memory: memory) else {
            return .failure(.outOfMemory)
        }
        if PageDescriptor(raw: slot.pointee).isValid { return .failure(.alreadyMapped) }
        slot.pointee = PageDescriptor.userPage(frame, writable: writable, executable: executable,
                                               software: owned ? Self.ownedFrame : 0).raw
        return .success(())
    }

    /// Removes the mapping of `va` and returns its descriptor (nil if none).
    /// The caller frees an owned frame and invalidates the TLB.
    public func unmap<M: PhysicalMemory>(_ va: VirtAddr, memory: M) -> PageDescriptor? {
        guard let slot = existingLeafSlot(va, memory: memory) else { return nil }
        let d = PageDescriptor(raw: slot.pointee)
        guard d.isValid else { return nil }
        slot.pointee = 0
        return d
    }

    /// `d` with new rights, keeping its frame, access flag and software bits.
    /// A copy-on-write page stays read-only until its first write copies it,
    /// whatever the new rights say: its frame may have other owners.
    public static func reprotected(_ d: PageDescriptor, readable: Bool, writable: Bool,
                                   executable: Bool) -> PageDescriptor {
        let cow = d.softwareBits & copyOnWrite != 0
        return PageDescriptor.userPage(d.outputAddress, readable: readable, writable: writable && !cow,
                                       executable: executable, accessed: d.accessed, software: d.softwareBits)
    }

    /// Replaces the leaf of a mapped page; false when nothing is mapped there.
    /// The caller invalidates.
    public func replaceLeaf<M: PhysicalMemory>(_ va: VirtAddr, with d: PageDescriptor, memory: M) -> Bool {
        guard let slot = existingLeafSlot(va, memory: memory), PageDescriptor(raw: slot.pointee).isValid else {
            return false
        }
        slot.pointee = d.raw
        return true
    }

    /// Installs `d` as the leaf for `va`, building tables as needed.
    public func install<M: PhysicalMemory>(_ va: VirtAddr, _ d: PageDescriptor,
                                           frames: inout FrameAllocator, memory: M) -> Result<Void, MapError> {
        guard va.raw >> PageGeometry.virtualAddressBits == 0 else { return .failure(.invalidAddress) }
        guard let slot = leafSlot(va, create: true, frames: &frames, memory: memory) else { return .failure(.outOfMemory) }
        if PageDescriptor(raw: slot.pointee).isValid { return .failure(.alreadyMapped) }
        slot.pointee = d.raw
        return .success(())
    }

    /// Calls `body` with the address and slot of every valid leaf in
    /// [from, to). Missing tables are skipped whole, so the cost follows what
    /// is mapped, not the size of the range.
    public func forEachLeaf<M: PhysicalMemory>(from: UInt64 = 0, to: UInt64 = 1 << 48, memory: M,
                                               _ body: (VirtAddr, UnsafeMutablePointer<UInt64>) -> Void) {
        visit(root, level: 0, base: 0, from: from, to: to, swapped: false, memory: memory, body)
    }

    /// As `forEachLeaf`, and also every swapped-out page's entry (any
    /// non-zero leaf): what must follow a page wherever it lives.
    func forEachEntry<M: PhysicalMemory>(from: UInt64 = 0, to: UInt64 = 1 << 48, memory: M,
                                         _ body: (VirtAddr, UnsafeMutablePointer<UInt64>) -> Void) {
        visit(root, level: 0, base: 0, from: from, to: to, swapped: true, memory: memory, body)
    }

    private func visit<M: PhysicalMemory>(_ table: PhysAddr, level: Int, base: UInt64, from: UInt64, to: UInt64,
                                          swapped: Bool, memory: M,
                                          _ body: (VirtAddr, UnsafeMutablePointer<UInt64>) -> Void) {
        let entries = memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
        let span: UInt64 = 1 << (39 - 9 * UInt64(level))
        for i in 0..<PageGeometry.entriesPerTable {
            let va = base | UInt64(i) * span
            guard va < to, va + span > from else { continue }
            let d = PageDescriptor(raw: entries[i])
            if level < 3 {
                if d.isValid {
                    visit(d.outputAddress, level: level + 1, base: va, from: from, to: to, swapped: swapped,
                          memory: memory, body)
                }
            } else if d.isValid || (swapped && d.raw != 0) {
                body(VirtAddr(va), entries + i)
            }
        }
    }

    /// The first level-3 table that maps addresses at or above `from`: the
    /// address its first entry maps, and its entries. The pager's clock hand
    /// moves through a space table by table with this.
    func nextLeafTable<M: PhysicalMemory>(from: UInt64, memory: M) -> (base: UInt64, entries: UnsafeMutablePointer<UInt64>)? {
        guard from >> PageGeometry.virtualAddressBits == 0 else { return nil }
        return searchTable(root, level: 0, base: 0, from: from, memory: memory)
    }

    private func searchTable<M: PhysicalMemory>(_ table: PhysAddr, level: Int, base: UInt64, from: UInt64,
                                                memory: M) -> (base: UInt64, entries: UnsafeMutablePointer<UInt64>)? {
        let entries = memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
        if level == 3 { return (base, entries) }
        let span: UInt64 = 1 << (39 - 9 * UInt64(level))
        let first = from > base ? Int((from - base) / span) : 0
        for i in first..<PageGeometry.entriesPerTable {
            let d = PageDescriptor(raw: entries[i])
            guard d.isValid else { continue }
            if let found = searchTable(d.outputAddress, level: level + 1, base: base | UInt64(i) * span,
                                       from: from, memory: memory) {
                return found
            }
        }
        return nil
    }

    /// The level-3 slot for `va` when its tables exist, whatever it holds
    /// (empty, a page, or a swapped-out page).
    func entry<M: PhysicalMemory>(at va: VirtAddr, memory: M) -> UnsafeMutablePointer<UInt64>? {
        existingLeafSlot(va, memory: memory)
    }

    /// The leaf descriptor mapping `va`, if any.
    public func lookup<M: PhysicalMemory>(_ va: VirtAddr, memory: M) -> PageDescriptor? {
        guard let slot = existingLeafSlot(va, memory: memory) else { return nil }
        let d = PageDescriptor(raw: slot.pointee)
        return d.isValid ? d : nil
    }

    /// Frees the tables under [from, to) that map nothing any more (every
    /// entry zero: no page, no swapped-out page), bottom up, and clears the
    /// entries that pointed at them; the root stays. Returns whether a table
    /// went, so the caller can drop cached walks (TLBI by ASID).
    @discardableResult
    func pruneEmptyTables<M: PhysicalMemory>(from: UInt64, to: UInt64, frames: inout FrameAllocator,
                                             memory: M) -> Bool {
        prune(root, level: 0, base: 0, from: from, to: to, frames: &frames, memory: memory)
    }

    private func prune<M: PhysicalMemory>(_ table: PhysAddr, level: Int, base: UInt64, from: UInt64, to: UInt64,
                                          frames: inout FrameAllocator, memory: M) -> Bool {
        let entries = memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
        let span: UInt64 = 1 << (39 - 9 * UInt64(level))
        var freed = false
        for i in 0..<PageGeometry.entriesPerTable {
            let va = base | UInt64(i) * span
            guard va < to, va + span > from else { continue }
            let d = PageDescriptor(raw: entries[i])
            guard level < 3, d.isValid else { continue }
            let next = d.outputAddress
            if prune(next, level: level + 1, base: va, from: from, to: to, frames: &frames, memory: memory) {
                freed = true
            }
            if Self.isEmpty(next, memory: memory) {
                entries[i] = 0
                frames.free(next)
                freed = true
            }
        }
        return freed
    }

    private static func isEmpty<M: PhysicalMemory>(_ table: PhysAddr, memory: M) -> Bool {
        let entries = memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
        for i in 0..<PageGeometry.entriesPerTable where entries[i] != 0 { return false }
        return true
    }

    /// Frees every owned frame and every table, including the root.
    public func destroy<M: PhysicalMemory>(frames: inout FrameAllocator, memory: M) {
        var noSwap: SwapSpace? = nil
        destroy(frames: &frames, swap: &noSwap, memory: memory)
    }

    /// As `destroy(frames:memory:)`, and drops each swapped-out page's
    /// reference on its swap slot.
    func destroy<M: PhysicalMemory>(frames: inout FrameAllocator, swap: inout SwapSpace?, memory: M) {
        freeTable(root, level: 0, frames: &frames, swap: &swap, memory: memory)
    }

    private func freeTable<M: PhysicalMemory>(_ table: PhysAddr, level: Int, frames: inout FrameAllocator,
                                               swap: inout SwapSpace?, memory: M) {
        let entries = memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
        for i in 0..<PageGeometry.entriesPerTable {
            let d = PageDescriptor(raw: entries[i])
            if !d.isValid {
                if level == 3, let swapped = SwapEntry(raw: d.raw) { swap?.release(swapped.slot) }
            } else if level < 3 {
                // Kenix maps user memory only with pages, never blocks.
                freeTable(d.outputAddress, level: level + 1, frames: &frames, swap: &swap, memory: memory)
            } else if d.softwareBits & Self.ownedFrame != 0 {
                frames.release(d.outputAddress)
            }
        }
        frames.free(table)
    }

    /// The level-3 slot for `va`, walking (and with `create`, building) the tables.
    private func leafSlot<M: PhysicalMemory>(_ va: VirtAddr, create: Bool,
                                             frames: inout FrameAllocator,
                                             memory: M) -> UnsafeMutablePointer<UInt64>? {
        var table = root
        for level in 0..<3 {
            let entry = slotPointer(table, TranslationWalk.index(of: va, level: level), memory)
            var d = PageDescriptor(raw: entry.pointee)
            if !d.isValid {
                guard create, let next = frames.allocate(zeroing: memory) else { return nil }
                d = .table(next)
                entry.pointee = d.raw
            }
            table = d.outputAddress
        }
        return slotPointer(table, TranslationWalk.index(of: va, level: 3), memory)
    }

    private func existingLeafSlot<M: PhysicalMemory>(_ va: VirtAddr,
                                                     memory: M) -> UnsafeMutablePointer<UInt64>? {
        guard va.raw >> PageGeometry.virtualAddressBits == 0 else { return nil }
        var table = root
        for level in 0..<3 {
            let d = PageDescriptor(raw: slotPointer(table, TranslationWalk.index(of: va, level: level), memory).pointee)
            guard d.isValid, d.isTable else { return nil }
            table = d.outputAddress
        }
        return slotPointer(table, TranslationWalk.index(of: va, level: 3), memory)
    }

    @inline(__always)
    private func slotPointer<M: PhysicalMemory>(_ table: PhysAddr, _ index: Int,
                                                _ memory: M) -> UnsafeMutablePointer<UInt64> {
        memory.pointer(to: table).assumingMemoryBound(to: UInt64.self).advanced(by: index)
    }
}
