// fork: a new task with a copy-on-write clone of the caller's address space.
// Private writable pages become read-only and shared (frames are reference
// counted); the first write by either side copies the page. Shared mappings
// (mmap with MapFlags.shared, and shared-memory objects) stay shared. A page
// in swap is shared by naming the same slot; fork waits while the disk is
// moving one of the caller's pages. The child returns 0, the parent the
// child's id.
import HAL
import KenixABI

extension Kernel {
    /// Frames of room a fork makes first, for the clone's page tables.
    static var forkTableRoom: Int { 64 }

    /// `fork`: the caller's clone, ready, returning 0; the parent gets x0 =
    /// a handle to it, x1 = its id. The clone holds copies of the caller's
    /// handles (it is the same program, with the same authority).
    mutating func fork(_ slot: Int) -> SyscallResult {
        guard handles.hasRoom(slot) else { return .failure(.limitReached) }
        switch clone(slot, for: slot) {
        case .failure(let e): return .failure(e)
        case .success(let child):
            copyHandles(from: slot, to: child)
            giveParentHandle(to: child, parent: slot)
            tasks[child].pointee.context.x[0] = 0
            makeReady(child)
            return childHandle(slot, child)
        }
    }

    /// Gives `child` a copy of every live handle of `parent`.
    private mutating func copyHandles(from parent: Int, to child: Int) {
        for i in 0..<handles.perTask {
            let e = handles[parent, i]
            guard e.kind != nil, e.epoch == currentEpoch(of: e) else { continue }
            handles[child, i] = e
            retainObject(e)
        }
    }

    /// A new task, child of `caller`, with a copy-on-write clone of task
    /// `source`'s address space and its registers; not yet scheduled.
    /// `source` is the caller itself (fork) or a task it supervises (task_fork).
    mutating func clone(_ source: Int, for caller: Int) -> Result<Int, SyscallError> {
        let parent = tasks[source]
        let parentSpace = parent.pointee.space!
        // A page-out still on the disk may fail and put the page back in the
        // parent's RAM alone: the child must not name that slot until the
        // disk is done with it. The caller waits, then starts again.
        if transfers.hasWrite(owner: parent.pointee.id) {
            block(caller, .paging)
            tasks[caller].pointee.restartSyscall = true
            return .failure(.wouldBlock)
        }
        // A task at its frame ceiling first pages out a few of its own pages
        // (when its swap ceiling allows) to make room for the clone's tables.
        let room = quotaRemaining(caller, .frames)
        if room < Self.forkTableRoom {
            if evictOwnPage(caller) {
                block(caller, .paging)
                tasks[caller].pointee.restartSyscall = true
                return .failure(.wouldBlock)
            }
        }
        guard quotaRemaining(caller, .tasks) >= 1, let child = claimTask() else {
            return .failure(.limitReached)
        }
        tasks[child].pointee.parent = tasks[caller].pointee.id
        giveQuota(to: child, from: caller)
        let before = frames.freeCount
        guard let space = AddressSpace.create(asid: ASID(UInt16(child)), frames: &frames, memory: hal.memory) else {
            returnQuota(of: child)
            releaseTaskCharge(of: child)
            tasks.release(child)
            return .failure(.outOfMemory)
        }
        var failed = false
        var sharedPages = 0, sharedSlots = 0
        parentSpace.forEachEntry(memory: hal.memory) { va, entry in
            guard !failed else { return }
            // A swapped-out page: the child's leaf names the same slot; a
            // page-in by either side reads it into a frame of its own.
            if let swapped = SwapEntry(raw: entry.pointee) {
                sharedSlots += 1
                swap!.retain(swapped.slot)
                if case .failure = space.install(va, PageDescriptor(raw: swapped.raw), frames: &frames,
                                                 memory: hal.memory) {
                    swap!.release(swapped.slot)
                    failed = true
                }
                return
            }
            var d = PageDescriptor(raw: entry.pointee)
            let owned = d.softwareBits & AddressSpace.ownedFrame != 0
            let shared = d.softwareBits & AddressSpace.sharedMapping != 0
            // Every private frame gets two owners: neither may write it
            // until a write copies it, read-only pages included (mprotect
            // could make them writable later).
            if owned && !shared {
                d = PageDescriptor(raw: d.raw | AddressSpace.copyOnWrite << PageDescriptor.softwareShift)
                d = AddressSpace.reprotected(d, readable: d.isUserAccessible, writable: false,
                                             executable: d.isUserExecutable)
                entry.pointee = d.raw
            }
            if owned {
                frames.retain(d.outputAddress)
                sharedPages += 1
            }
            if case .failure = space.install(va, d, frames: &frames, memory: hal.memory) {
                if owned { frames.release(d.outputAddress) }
                failed = true
            }
        }
        // The parent's writable pages just became read-only.
        hal.mmu.invalidateAll(asid: parentSpace.asid)
        // The clone is charged for its tables (within its ceilings) and for
        // every page it now owns with its parent, as if it were a copy (each
        // may come to need one). The shared pages take no RAM yet, so they
        // may take the count past a ceiling; then the subtree's next copy
        // must first make room (breakCopyOnWrite), and a fork of a large
        // task still succeeds.
        if failed || !chargeFrames(child, before - frames.freeCount) {
            space.destroy(frames: &frames, swap: &swap, memory: hal.memory)
            returnQuota(of: child)
            releaseTaskCharge(of: child)
            tasks.release(child)
            return .failure(.outOfMemory)
        }
        account(child, .swap, sharedSlots)
        account(child, .frames, sharedPages)
        let c = tasks[child]
        c.pointee.space = space
        c.pointee.priority = parent.pointee.priority
        c.pointee.parent = tasks[caller].pointee.id
        c.pointee.context = parent.pointee.context
        c.pointee.name = parent.pointee.name
        c.pointee.nameLength = parent.pointee.nameLength
        c.pointee.regions = parent.pointee.regions
        c.pointee.heapStart = parent.pointee.heapStart
        c.pointee.heapEnd = parent.pointee.heapEnd
        c.pointee.mmapNextAddress = parent.pointee.mmapNextAddress
        c.pointee.shmNextAddress = parent.pointee.shmNextAddress
        c.pointee.framebufferAddress = parent.pointee.framebufferAddress
        c.pointee.imageAddress = parent.pointee.imageAddress
        c.pointee.shmMappings = parent.pointee.shmMappings
        for m in 0..<c.pointee.shmMappings.count {
            if let i = shm.index(of: c.pointee.shmMappings[m].object) { shm[i].mappings += 1 }
        }
        hal.trace.record(TraceEvent(.taskSpawn, parent.pointee.id.raw, c.pointee.id.raw))
        traceName(child)
        return .success(child)
    }

    /// A write to a copy-on-write page: copy it, or take it back when this
    /// space holds the last reference. Refused when `va` is not such a page.
    mutating func breakCopyOnWrite(_ slot: Int, _ va: UInt64) -> PageResolution {
        guard let space = tasks[slot].pointee.space else { return .refused }
        let page = VirtAddr(va & ~(PageGeometry.pageSize - 1))
        guard let d = space.lookup(page, memory: hal.memory),
              d.softwareBits & AddressSpace.copyOnWrite != 0 else { return .refused }
        // The page keeps its copy-on-write mark through mprotect; the region
        // says whether writing is allowed at all now (every owned page lies
        // in a region: segments, heap, stack, mmap).
        guard let region = RegionList.region(containing: va, in: &tasks[slot].pointee.regions),
              region.rights.write else { return .refused }
        var frame = d.outputAddress
        if frames.referenceCount(frame) > 1 {
            // Charged at the fork already; but a subtree whose count went past
            // its ceiling there makes room before it takes RAM for the copy.
            if quotaRemaining(slot, .frames) == 0 { return evictOwnPage(slot) ? .mustWait : .outOfMemory }
            switch allocateUserFrame(zeroed: false) {
            case .frame(let copy):
                hal.memory.pointer(to: copy).copyMemory(from: hal.memory.pointer(to: frame),
                                                        byteCount: Int(PageGeometry.pageSize))
                frames.release(frame)
                frame = copy
            case .mustWait: return .mustWait
            case .outOfMemory: return .outOfMemory
            }
        }
        let writable = PageDescriptor.userPage(frame, writable: true, executable: region.rights.execute,
                                               software: d.softwareBits & ~AddressSpace.copyOnWrite)
        _ = space.replaceLeaf(page, with: writable, memory: hal.memory)
        hal.mmu.invalidate(asid: space.asid, page: page)
        return .resolved
    }
}
