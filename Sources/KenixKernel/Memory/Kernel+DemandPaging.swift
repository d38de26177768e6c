// Demand paging: a translation fault inside one of the task's regions, with
// an access the region's rights allow, maps a zeroed frame owned by the
// task, and the task retries the instruction. A fault on a page the pager
// swapped out reads it back (Kernel+Pager) while the task waits. An access
// flag fault is the pager's clock having cleared the flag: the kernel sets
// it again. The kernel does the same when a syscall is handed a pointer into
// such a page. A fault outside every region, or against its rights, is the
// task's error and kills it.
import HAL
import KenixABI

extension Kernel {
    /// Records a page fault the kernel handles (not access-flag updates).
    @inline(__always)
    func tracePageFault(_ slot: Int, _ fault: MemoryFault, copyOnWrite: Bool) {
        let access: UInt64 = switch fault.access { case .read: 0; case .write: 1; case .execute: 2 }
        hal.trace.record(TraceEvent(.pageFault, tasks[slot].pointee.id.raw, fault.address.raw,
                                    access | (copyOnWrite ? 4 : 0)))
    }

    /// Handles a fault of task `slot` if it is paging; returns false when
    /// the task must be killed for it.
    mutating func resolveFault(_ slot: Int, _ fault: MemoryFault) -> Bool {
        let resolution: PageResolution
        switch fault.status {
        case .accessFlag:
            markAccessed(slot, fault.address.raw)
            return true
        case .permission where fault.access == .write:
            tracePageFault(slot, fault, copyOnWrite: true)
            resolution = breakCopyOnWrite(slot, fault.address.raw)
        case .translation:
            tracePageFault(slot, fault, copyOnWrite: false)
            resolution = pageIn(slot, fault.address.raw, kind(of: fault.access))
        default:
            return false
        }
        switch resolution {
        case .resolved: return true
        case .refused: return false
        case .mustWait:
            block(slot, .paging)     // it retries the instruction when woken
            return true
        case .outOfMemory:
            kill(slot, reason: .outOfMemory, fault: fault)
            return true
        }
    }

    /// Makes the page at `address` present: a zeroed frame if a region
    /// allows `access`, or the page read back from swap.
    mutating func pageIn(_ slot: Int, _ address: UInt64, _ access: MemoryAccessKind) -> PageResolution {
        let t = tasks[slot]
        guard let space = t.pointee.space else { return .refused }
        let page = address & ~(PageGeometry.pageSize - 1)
        if let entry = space.entry(at: VirtAddr(page), memory: hal.memory),
           let swapped = SwapEntry(raw: entry.pointee) {
            return swapIn(slot, page, swapped)
        }
        guard let region = RegionList.region(containing: address, in: &t.pointee.regions) else { return .refused }
        guard region.rights.allows(access) else { return .refused }
        // The page, and up to three tables to reach it, come out of the task's
        // share; past it, the task is out of memory whatever RAM has left.
        guard quotaRemaining(slot, .frames) >= 1 + 3 else { return evictOwnPage(slot) ? .mustWait : .outOfMemory }
        let frame: PhysAddr
        switch allocateUserFrame(zeroed: true) {
        case .frame(let f): frame = f
        case .mustWait: return .mustWait
        case .outOfMemory: return .outOfMemory
        }
        let d = PageDescriptor.userPage(frame, readable: region.rights.read, writable: region.rights.write,
                                        executable: region.rights.execute,
                                        software: AddressSpace.ownedFrame
                                            | (region.shared ? AddressSpace.sharedMapping : 0))
        let installed = chargingTables(slot) { kernel in
            space.install(VirtAddr(page), d, frames: &kernel.frames, memory: kernel.hal.memory)
        }
        switch installed {
        case .success:
            account(slot, .frames, 1)
            return .resolved
        case .failure:
            frames.free(frame)
            return .outOfMemory
        }
    }

    /// Sets the access flag of the page at `address` (the pager cleared it;
    /// the hardware would set it itself with FEAT_HAFDBS, which QEMU's
    /// Cortex-A53 and the simulator do not have). No TLB entry holds a
    /// faulting descriptor, so none needs invalidating.
    mutating func markAccessed(_ slot: Int, _ address: UInt64) {
        guard let space = tasks[slot].pointee.space,
              let entry = space.entry(at: VirtAddr(address & ~(PageGeometry.pageSize - 1)), memory: hal.memory),
              PageDescriptor(raw: entry.pointee).isValid else { return }
        entry.pointee |= PageDescriptor.accessFlag
    }

    private mutating func kind(of access: MemoryAccess) -> MemoryAccessKind {
        switch access {
        case .read: return .read
        case .write: return .write
        case .execute: return .execute
        }
    }
}
