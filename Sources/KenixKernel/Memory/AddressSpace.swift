// AddressSpace: one task's user (TTBR0) translation tables, 4 levels of 4 KB
// tables in the VMSAv8-64 format. It only edits descriptors; the caller
// invalidates the TLB (through the HAL) after changing or removing a valid
// one, because only the caller knows the ASID and when it is safe.
//
// Ownership rule: a leaf carries the software bit `ownedFrame` when the frame
// belongs to this address space (ELF pages, stack) and must be freed with it.
// Shared-memory frames belong to their object and are mapped without it.
// Teardown frees exactly what was mapped, at the level it was mapped.
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

    /// Gives the page at `va` new rights, keeping its frame and ownership.
    /// Returns false when nothing is mapped there. The caller invalidates.
    public func reprotect<M: PhysicalMemory>(_ va: VirtAddr, writable: Bool, executable: Bool,
                                             memory: M) -> Bool {
        guard let slot = existingLeafSlot(va, memory: memory) else { return false }
        let d = PageDescriptor(raw: slot.pointee)
        guard d.isValid else { return false }
        slot.pointee = PageDescriptor.userPage(d.outputAddress, writable: writable, executable: executable,
                                               accessed: d.accessed, software: d.softwareBits).raw
        return true
    }

    /// The leaf descriptor mapping `va`, if any.
    public func lookup<M: PhysicalMemory>(_ va: VirtAddr, memory: M) -> PageDescriptor? {
        guard let slot = existingLeafSlot(va, memory: memory) else { return nil }
        let d = PageDescriptor(raw: slot.pointee)
        return d.isValid ? d : nil
    }

    /// Frees every owned frame and every table, including the root.
    public func destroy<M: PhysicalMemory>(frames: inout FrameAllocator, memory: M) {
        freeTable(root, level: 0, frames: &frames, memory: memory)
    }

    private func freeTable<M: PhysicalMemory>(_ table: PhysAddr, level: Int,
                                               frames: inout FrameAllocator, memory: M) {
        let entries = memory.pointer(to: table).assumingMemoryBound(to: UInt64.self)
        for i in 0..<PageGeometry.entriesPerTable {
            let d = PageDescriptor(raw: entries[i])
            guard d.isValid else { continue }
            if level < 3 {
                // Kenix maps user memory only with pages, never blocks.
                freeTable(d.outputAddress, level: level + 1, frames: &frames, memory: memory)
            } else if d.softwareBits & Self.ownedFrame != 0 {
                frames.free(d.outputAddress)
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
