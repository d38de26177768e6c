// mmap, munmap, mprotect and brk: they edit the task's regions; pages come
// later, on first touch (Kernel+DemandPaging). Arguments are validated before
// anything changes, and W^X holds for mmap and mprotect as for ELF segments.
import HAL
import KenixABI

extension Kernel {
    private static var page: UInt64 { PageGeometry.pageSize }

    private mutating func roundUp(_ x: UInt64) -> UInt64? {
        let (sum, overflow) = x.addingReportingOverflow(Self.page - 1)
        return overflow ? nil : sum & ~(Self.page - 1)
    }

    /// Page-aligned [address, address + length) inside [low, high), or nil.
    private mutating func range(_ address: UInt64, _ length: UInt64, in low: UInt64, _ high: UInt64) -> (UInt64, UInt64)? {
        guard address & (Self.page - 1) == 0, length > 0, let size = roundUp(length) else { return nil }
        let (end, overflow) = address.addingReportingOverflow(size)
        guard !overflow, address >= low, end <= high else { return nil }
        return (address, end)
    }

    /// Where a task's own `mmap` and `munmap` may act.
    static var mmapArea: (low: UInt64, high: UInt64) { (UserLayout.mmapBase, UserLayout.mmapLimit) }

    /// `mmap` for task `slot` inside `area` (the mmap area, or the whole
    /// user half for a supervisor's `task_map`). Without a usable hint the
    /// region goes after the task's mmap cursor.
    mutating func mmap(_ slot: Int, hint: UInt64, length: UInt64, prot: UInt64,
                       flags: UInt64, area: (low: UInt64, high: UInt64) = mmapArea) -> SyscallResult {
        guard let rights = Rights(prot: prot), !(rights.write && rights.execute),
              flags & ~(MapFlags.shared | MapFlags.fixed) == 0,
              length > 0, let size = roundUp(length), size <= area.high - area.low else {
            return .failure(.invalidArgument)
        }
        let t = tasks[slot]
        var address: UInt64
        if hint != 0, let (start, end) = range(hint, size, in: area.low, area.high),
           !t.pointee.regions.overlaps(start, end) {
            address = start
        } else if flags & MapFlags.fixed != 0 {
            return .failure(hint == 0 || range(hint, size, in: area.low, area.high) == nil
                            ? .invalidArgument : .busy)
        } else {
            address = max(t.pointee.mmapNextAddress, UserLayout.mmapBase)
            var moved = true
            while moved {
                moved = false
                for i in 0..<t.pointee.regions.count {
                    let r = t.pointee.regions[i]
                    if r.start < address + size && address < r.end { address = r.end; moved = true }
                }
            }
            guard address <= UserLayout.mmapLimit - size else { return .failure(.outOfMemory) }
            t.pointee.mmapNextAddress = address + size
        }
        let region = MemoryRegion(start: address, end: address + size, rights: rights,
                                  shared: flags & MapFlags.shared != 0, kind: .anonymous)
        guard t.pointee.regions.insertMerging(region) else { return .failure(.limitReached) }
        return .success(address)
    }

    mutating func munmap(_ slot: Int, address: UInt64, length: UInt64,
                         area: (low: UInt64, high: UInt64) = mmapArea) -> SyscallResult {
        guard let (start, end) = range(address, length, in: area.low, area.high) else {
            return .failure(.invalidArgument)
        }
        let t = tasks[slot]
        guard t.pointee.regions.countAfterSplitting(start, end) <= RegionList.capacity else {
            return .failure(.limitReached)
        }
        t.pointee.regions.split(at: start, end)
        releasePages(slot, from: start, to: end)
        t.pointee.regions.remove(start, end)
        return .success(0)
    }

    mutating func mprotect(_ slot: Int, address: UInt64, length: UInt64, prot: UInt64) -> SyscallResult {
        guard let rights = Rights(prot: prot), !(rights.write && rights.execute),
              let (start, end) = range(address, length, in: UserLayout.imageBase, UserLayout.userLimit) else {
            return .failure(.invalidArgument)
        }
        let t = tasks[slot]
        guard t.pointee.regions.covers(start, end) else { return .failure(.invalidArgument) }
        guard t.pointee.regions.countAfterSplitting(start, end) <= RegionList.capacity else {
            return .failure(.limitReached)
        }
        t.pointee.regions.split(at: start, end)
        t.pointee.regions.setRights(rights, start, end)
        // Pages already present take the new rights at once, TLB included.
        // Swapped-out pages take them too, and keep them when they come back.
        let space = t.pointee.space!
        let mmu = hal.mmu
        space.forEachEntry(from: start, to: end, memory: hal.memory) { va, slot in
            if let swapped = SwapEntry(raw: slot.pointee) {
                slot.pointee = swapped.reprotected(readable: rights.read, writable: rights.write,
                                                   executable: rights.execute).raw
                return
            }
            slot.pointee = AddressSpace.reprotected(PageDescriptor(raw: slot.pointee), readable: rights.read,
                                                    writable: rights.write, executable: rights.execute).raw
            mmu.invalidate(asid: space.asid, page: va)
        }
        return .success(0)
    }

    /// `brk(0)` returns the current break; `brk(x)` moves it to `x` (within
    /// the heap area above the program image) and returns the new break.
    /// Growth adds a read-write heap piece above the old top (joined with the
    /// top piece when that one is still plain read-write heap); shrinking
    /// cuts whatever lies above the new top. Pieces mprotect made of the heap
    /// keep their own rights either way.
    mutating func brk(_ slot: Int, to newBreak: UInt64) -> SyscallResult {
        let t = tasks[slot]
        guard newBreak != 0 else { return .success(t.pointee.heapEnd) }
        guard newBreak >= t.pointee.heapStart, newBreak <= UserLayout.imageLimit,
              let newTop = roundUp(newBreak), let oldTop = roundUp(t.pointee.heapEnd) else {
            return .failure(.invalidArgument)
        }
        if newTop > oldTop {
            if t.pointee.regions.overlaps(oldTop, newTop) { return .failure(.outOfMemory) }
            let piece = MemoryRegion(start: oldTop, end: newTop, rights: .readWrite, shared: false, kind: .heap)
            guard t.pointee.regions.insertMerging(piece) else { return .failure(.limitReached) }
        } else if newTop < oldTop {
            guard t.pointee.regions.countAfterSplitting(newTop, oldTop) <= RegionList.capacity else {
                return .failure(.limitReached)
            }
            t.pointee.regions.split(at: newTop, oldTop)
            releasePages(slot, from: newTop, to: oldTop)
            t.pointee.regions.remove(newTop, oldTop)
        }
        t.pointee.heapEnd = newBreak
        return .success(newBreak)
    }

    /// Unmaps every page in [start, end) (the caller keeps the range to the
    /// task's regions), releasing the frames and swap slots the task owns.
    private mutating func releasePages(_ slot: Int, from start: UInt64, to end: UInt64) {
        let space = tasks[slot].pointee.space!
        let mmu = hal.mmu
        space.forEachEntry(from: start, to: end, memory: hal.memory) { va, slot in
            let d = PageDescriptor(raw: slot.pointee)
            slot.pointee = PageDescriptor.invalid.raw
            if let swapped = SwapEntry(raw: d.raw) { return releaseSwapSlot(swapped.slot) }
            if d.softwareBits & AddressSpace.ownedFrame != 0 { frames.release(d.outputAddress) }
            mmu.invalidate(asid: space.asid, page: va)
        }
        // Tables that map nothing any more go too: unmapping must give back
        // everything mapping took, or map/unmap cycles would drain RAM.
        if space.pruneEmptyTables(from: start, to: end, frames: &frames, memory: hal.memory) {
            mmu.invalidateAll(asid: space.asid)
        }
    }
}
