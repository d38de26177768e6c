// The pager: swapping to the platform's disk (HAL.swapDevice).
//
// Page replacement is a clock over virtual pages, with the access flag as
// the reference bit: the hand walks the tasks' page tables; a page it finds
// accessed loses its flag (second chance; the next touch raises an access
// flag fault the kernel answers by setting it again), a page found still
// unaccessed is written out. Candidates are the pages whose leaf owns its
// frame, and only the leaf the hand stands on changes, so no reverse map is
// needed: a frame a fork shares is read-only in every space (copy-on-write,
// or an ELF page), so one space's leaf may go out while the others keep the
// frame, and the last one out frees it. Pages of shared mappings stay in RAM.
//
// Everything is asynchronous. A page-out replaces the leaf with a SwapEntry
// and submits the write; the frame is freed when the disk reports it done
// (never before: the frame is the data until then). A fault on a swapped page
// submits the read into a fresh frame and blocks the task (`.paging`); the
// completion installs the page, and every task waiting for paging retries.
// A task that needs a frame when none is free waits the same way while the
// pager can make progress, and is killed for out of memory only when it
// cannot (RAM and swap exhausted, or nothing left to evict).
import HAL
import KenixABI

/// What became of a fault (or a syscall's touch) on a page that needs work.
enum PageResolution {
    /// The page is there now; retry the access.
    case resolved
    /// Not the task's memory, or not with these rights.
    case refused
    /// RAM and swap are exhausted.
    case outOfMemory
    /// The page or a frame comes from the disk; the task must block until a
    /// transfer completes, then retry.
    case mustWait
}

/// A frame for a user page, or why there is none yet.
enum UserFrame {
    case frame(PhysAddr)
    case mustWait
    case outOfMemory
}

extension Kernel {
    /// A frame for a user page (zeroed on request). When free frames run
    /// short, starts page-outs; the caller waits for them if any are in flight.
    mutating func allocateUserFrame(zeroed: Bool) -> UserFrame {
        if frames.freeCount > pager.reserve,
           let frame = zeroed ? frames.allocate(zeroing: hal.memory) : frames.allocate(count: 1) {
            // Page-outs start after this trap: a syscall may be holding
            // pages it has checked, which must stay until it is done.
            if frames.freeCount < pager.low && swap != nil { reclaimPending = true }
            return .frame(frame)
        }
        return reclaim() ? .mustWait : .outOfMemory
    }

    /// Starts page-outs until free frames plus frames being written reach the
    /// high watermark. Returns whether any transfer is in flight, i.e.
    /// whether a task short of a frame can expect one.
    @discardableResult
    mutating func reclaim() -> Bool {
        guard swap != nil else { return false }
        // Each frame looked at twice at most: the first look may only clear its flag.
        var budget = 2 * frames.frameCount
        while frames.freeCount + transfers.writesInFlight < pager.high, transfers.hasRoomForWrite, budget > 0 {
            guard let (slot, va, entry) = advanceClock(budget: &budget), pageOut(slot, va, entry) else { break }
        }
        return transfers.count > 0
    }

    /// Starts the page-outs an allocation asked for (see allocateUserFrame).
    mutating func reclaimIfPending() {
        reclaimPending = false
        reclaim()
    }

    /// Moves the clock hand to the next page to evict, giving accessed pages
    /// their second chance on the way. Each candidate looked at costs one of
    /// `budget` (other entries cost nothing: they are skipped in place). The
    /// hand reads a leaf table in place and only walks from the root to find
    /// the next table.
    private mutating func advanceClock(budget: inout Int) -> (Int, VirtAddr, UnsafeMutablePointer<UInt64>)? {
        let page = PageGeometry.pageSize
        // Two turns over the tasks at most: on the first the hand may only
        // clear access flags, which the second turn then finds still clear.
        // The slots above those ever used hold no task: the hand wraps below them.
        let turn = tasks.slotsEverUsed.upperBound
        guard !tasks.slotsEverUsed.isEmpty else { return nil }   // no task yet: no slot to read
        for _ in 0...(2 * turn) {
            let s = clockHand.slot
            let t = tasks[s]
            // A task whose swap share is used up keeps its pages in RAM.
            if t.pointee.isAlive, quotaRemaining(s, .swap) > 0, let space = t.pointee.space {
                while budget > 0, let table = space.nextLeafTable(from: clockHand.address, memory: hal.memory) {
                    var i = clockHand.address > table.base ? Int((clockHand.address - table.base) / page) : 0
                    while i < PageGeometry.entriesPerTable && budget > 0 {
                        let entry = table.entries + i
                        let va = table.base + UInt64(i) * page
                        i += 1
                        clockHand.address = va + page
                        guard isEvictable(PageDescriptor(raw: entry.pointee)) else { continue }
                        budget -= 1
                        pagesScanned &+= 1
                        if secondChance(entry, asid: space.asid, va: va) { continue }
                        return (s, VirtAddr(va), entry)
                    }
                }
                if budget == 0 { return nil }
            }
            clockHand = (s + 1 >= turn ? 1 : s + 1, 0)
        }
        return nil
    }

    /// A task at its frame share pages out one of its own pages (a clock of
    /// its own, `ownClockAddress`), if its swap share allows: so a task may
    /// touch more than its frame share, as more than RAM, while everyone
    /// else's frames stay untouched. True when the task can expect a frame
    /// of its share back (a page-out of its own is under way). Starts up to
    /// `ownEvictionBatch` page-outs at once: one disk round trip per page
    /// would make a task at its ceiling crawl.
    mutating func evictOwnPage(_ slot: Int) -> Bool {
        var started = 0
        while started < Self.ownEvictionBatch, evictOneOwnPage(slot) { started += 1 }
        return started > 0 || transfers.count > 0
    }

    static var ownEvictionBatch: Int { 32 }

    private mutating func evictOneOwnPage(_ slot: Int) -> Bool {
        let t = tasks[slot]
        guard swap != nil, quotaRemaining(slot, .swap) > 0, let space = t.pointee.space else { return false }
        guard transfers.hasRoomForWrite else { return false }
        let page = PageGeometry.pageSize
        // Three turns at most: the first may only clear access flags.
        var wraps = 0
        while wraps < 3 {
            guard let table = space.nextLeafTable(from: t.pointee.ownClockAddress, memory: hal.memory) else {
                t.pointee.ownClockAddress = 0
                wraps += 1
                continue
            }
            let from = t.pointee.ownClockAddress
            var i = from > table.base ? Int((from - table.base) / page) : 0
            while i < PageGeometry.entriesPerTable {
                let entry = table.entries + i
                let va = table.base + UInt64(i) * page
                i += 1
                t.pointee.ownClockAddress = va + page
                guard isEvictable(PageDescriptor(raw: entry.pointee)) else { continue }
                if secondChance(entry, asid: space.asid, va: va) { continue }
                return pageOut(slot, VirtAddr(va), entry)
            }
            t.pointee.ownClockAddress = table.base + UInt64(PageGeometry.entriesPerTable) * page
        }
        return false
    }

    /// A page the pager may write out: the task's own frame (not shared
    /// memory, not a shared mapping). A frame with several owners
    /// (copy-on-write after a fork) goes out only from a read-only leaf:
    /// nobody can change it while the disk reads it, and each owner's
    /// page-out drops its own reference, the last one freeing the frame.
    @inline(__always)
    private mutating func isEvictable(_ d: PageDescriptor) -> Bool {
        d.isValid && d.softwareBits & (AddressSpace.ownedFrame | AddressSpace.sharedMapping) == AddressSpace.ownedFrame
            && (d.isReadOnly || frames.referenceCount(d.outputAddress) == 1)
    }

    /// True when the page was accessed since the hand last passed: its flag
    /// is cleared (and its TLB entry dropped) and it stays for now.
    @inline(__always)
    private mutating func secondChance(_ entry: UnsafeMutablePointer<UInt64>, asid: ASID, va: UInt64) -> Bool {
        let d = PageDescriptor(raw: entry.pointee)
        guard d.accessed else { return false }
        entry.pointee = d.raw & ~PageDescriptor.accessFlag
        hal.mmu.invalidate(asid: asid, page: VirtAddr(va))
        return true
    }

    /// Writes the page at `va` of task `slot` to a fresh swap slot. False
    /// when swap is full or the disk refuses the request.
    private mutating func pageOut(_ slot: Int, _ va: VirtAddr, _ entry: UnsafeMutablePointer<UInt64>) -> Bool {
        guard let disk = hal.swapDevice, let swapSlot = swap!.allocate() else { return false }
        let d = PageDescriptor(raw: entry.pointee)
        let owner = tasks[slot].pointee.id
        guard let tag = transfers.insert(PageTransfer(operation: .write, frame: d.outputAddress, slot: swapSlot,
                                                      owner: owner, page: va.raw)) else {
            swap!.release(swapSlot)
            return false
        }
        let request = BlockRequest(.write, sector: swap!.sector(of: swapSlot), count: swap!.sectorsPerSlot,
                                   memory: d.outputAddress, tag: UInt64(tag))
        guard disk.submit(request) else {
            _ = transfers.take(UInt64(tag))
            swap!.release(swapSlot)
            return false
        }
        swap!.retain(swapSlot)      // one reference for the leaf, one for the transfer
        entry.pointee = SwapEntry(paging: d, to: swapSlot).raw
        hal.mmu.invalidate(asid: tasks[slot].pointee.space!.asid, page: va)
        hal.trace.record(TraceEvent(.pageOut, owner.raw, va.raw, swapSlot))
        return true
    }

    /// Starts reading swapped-out page `va` of task `slot` back. The task
    /// always waits: for this read, or for a transfer already on the slot.
    mutating func swapIn(_ slot: Int, _ va: UInt64, _ swapped: SwapEntry) -> PageResolution {
        guard let disk = hal.swapDevice else { return .refused }
        // A page-out of this slot may still be under way; read after it.
        if transfers.isBusy(slot: swapped.slot) || transfers.isFull { return .mustWait }
        guard quotaRemaining(slot, .frames) >= 1 else { return evictOwnPage(slot) ? .mustWait : .outOfMemory }
        let frame: PhysAddr
        switch allocateUserFrame(zeroed: false) {
        case .frame(let f): frame = f
        case .mustWait: return .mustWait
        case .outOfMemory: return .outOfMemory
        }
        let owner = tasks[slot].pointee.id
        guard let tag = transfers.insert(PageTransfer(operation: .read, frame: frame, slot: swapped.slot,
                                                      owner: owner, page: va)) else {
            frames.free(frame)
            return .mustWait
        }
        let request = BlockRequest(.read, sector: swap!.sector(of: swapped.slot), count: swap!.sectorsPerSlot,
                                   memory: frame, tag: UInt64(tag))
        guard disk.submit(request) else {
            _ = transfers.take(UInt64(tag))
            frames.free(frame)
            return transfers.count > 0 ? .mustWait : .outOfMemory
        }
        swap!.retain(swapped.slot)
        hal.trace.record(TraceEvent(.pageIn, owner.raw, va, swapped.slot))
        return .mustWait
    }

    /// The disk's completion interrupt: finishes every completed transfer,
    /// wakes the tasks waiting for paging, and keeps page-outs going.
    mutating func diskInterrupt() {
        guard let disk = hal.swapDevice else { return }
        while let done = disk.takeCompletion() {
            guard let t = transfers.take(done.tag) else { continue }
            finish(t, succeeded: done.succeeded)
            swap!.release(t.slot)   // the transfer's reference
        }
        for s in tasks.slotsEverUsed where tasks[s].pointee.state == .blocked(.paging) { makeReady(s) }
        if frames.freeCount < pager.low { reclaim() }
    }

    private mutating func finish(_ t: PageTransfer, succeeded: Bool) {
        // The owner's leaf, if it still names this slot.
        var leaf: UnsafeMutablePointer<UInt64>? = nil
        if let s = tasks.liveSlot(of: t.owner), let space = tasks[s].pointee.space,
           let entry = space.entry(at: VirtAddr(t.page), memory: hal.memory),
           let swapped = SwapEntry(raw: entry.pointee), swapped.slot == t.slot {
            leaf = entry
        }
        // The page moves between the owner's frame and swap shares.
        let owner = tasks.liveSlot(of: t.owner)
        switch t.operation {
        case .write where succeeded:
            frames.release(t.frame)
            pagesOut &+= 1
            if let owner, leaf != nil {
                account(owner, .frames, -1)
                account(owner, .swap, 1)
            }
        case .write:
            // The frame still holds the data: put the page back.
            log.put("kenix: swap write failed; the page stays in RAM\n")
            if let leaf { restore(leaf, frame: t.frame) } else { frames.release(t.frame) }
        case .read where succeeded:
            guard let leaf else { return frames.release(t.frame) }
            let d = restore(leaf, frame: t.frame)
            if let owner {
                account(owner, .frames, 1)
                account(owner, .swap, -1)
            }
            if d.isUserExecutable { hal.memory.synchronizeInstructions(at: t.frame, length: Int(PageGeometry.pageSize)) }
            pagesIn &+= 1
        case .read:
            frames.release(t.frame)
            if let s = tasks.liveSlot(of: t.owner), leaf != nil {
                log.put("kenix: swap read failed\n")
                kill(s, reason: .memoryFault, fault: MemoryFault(address: VirtAddr(t.page), access: .read,
                                                                 status: .other(esr: 0)))
            }
        case .flush:
            break   // the pager never flushes: swap need not survive a power cut
        }
    }

    /// Maps the swapped-out page at `leaf` to `frame` again and drops the
    /// leaf's reference on its slot.
    @discardableResult
    private mutating func restore(_ leaf: UnsafeMutablePointer<UInt64>, frame: PhysAddr) -> PageDescriptor {
        let swapped = SwapEntry(raw: leaf.pointee)!
        let d = swapped.descriptor(in: frame)
        leaf.pointee = d.raw
        swap!.release(swapped.slot)
        return d
    }

    /// A swap slot named by a leaf that is going away.
    mutating func releaseSwapSlot(_ slot: UInt64) { swap?.release(slot) }
}
