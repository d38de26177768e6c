// The kernel as a FaultResolver (HAL): the faults a CPU may resolve on the
// spot, from inside `enterUser`, without a trap. It is the trap path's own
// paging code (Kernel+DemandPaging, Kernel+Fork), restricted to what needs no
// waiting and touches nothing but the running task's tables and frames:
//   - an access-flag fault: set the flag (the pager cleared it);
//   - a translation fault in one of the task's regions: a zeroed frame
//     (demand-zero, the heap, stack growth), unless the page is in swap;
//   - a write to a copy-on-write page: the copy, or the page itself when no
//     one else shares it.
// Anything else, and these too when frames are down to the kernel's reserve
// or the task is at its frame ceiling (taking one could mean starting
// page-outs: Kernel+Pager's evictOwnPage would unmap pages, the running
// code's too, in the middle of the CPU's run), is declined: the CPU reports
// the fault as a trap and `handle(_:from:)` deals with it as always. A fast
// path in the sense of the house style: declining is always correct, and
// `KernelConfig.resolveFaultsInPlace = false` turns it off.
//
// Exclusivity: the CPU holds the running task's context (borrowed from the
// task table) while it calls this; nothing here touches any task's context,
// only its address space, regions and frames, and the frame allocator.
import HAL
import KenixABI

extension Kernel: FaultResolver {
    public mutating func resolveUserFault(_ fault: MemoryFault) -> Bool {
        guard config.resolveFaultsInPlace, let slot = current,
              tasks[slot].pointee.state == .running, let space = tasks[slot].pointee.space else { return false }
        let address = fault.address.raw
        switch fault.status {
        case .accessFlag:
            guard let entry = space.entry(at: VirtAddr(address & ~(PageGeometry.pageSize - 1)), memory: hal.memory),
                  PageDescriptor(raw: entry.pointee).isValid else { return false }
            markAccessed(slot, address)
            return true
        case .permission where fault.access == .write:
            guard frames.freeCount > pager.reserve, quotaRemaining(slot, .frames) >= 1 else { return false }
            return breakCopyOnWrite(slot, address) == .resolved
        case .translation:
            guard frames.freeCount > pager.reserve, quotaRemaining(slot, .frames) >= 1 + 3 else { return false }
            let page = VirtAddr(address & ~(PageGeometry.pageSize - 1))
            if let entry = space.entry(at: page, memory: hal.memory), SwapEntry(raw: entry.pointee) != nil {
                return false   // its contents are on the disk: that waits
            }
            let access: MemoryAccessKind
            switch fault.access {
            case .read: access = .read
            case .write: access = .write
            case .execute: access = .execute
            }
            return pageIn(slot, address, access) == .resolved
        default:
            return false
        }
    }
}
