// Demand paging: a translation fault inside one of the task's regions, with
// an access the region's rights allow, maps a zeroed frame owned by the
// task, and the task retries the instruction. The kernel does the same when
// a syscall is handed a pointer into such a page. A fault outside every
// region, or against its rights, is the task's error and kills it.
import HAL
import KenixABI

enum PageInResult {
    case mapped
    /// Not the task's memory, or not with these rights.
    case refused
    case outOfMemory
}

extension Kernel {
    /// Handles a fault of task `slot` if it is demand paging; returns false
    /// when the task must be killed for it.
    mutating func resolveFault(_ slot: Int, _ fault: MemoryFault) -> Bool {
        if case .permission = fault.status, fault.access == .write {
            var outOfMemory = false
            if breakCopyOnWrite(slot, fault.address.raw, outOfMemory: &outOfMemory) { return true }
            if outOfMemory {
                kill(slot, reason: .outOfMemory, fault: fault)
                return true
            }
            return false
        }
        guard case .translation = fault.status else { return false }
        switch pageIn(slot, fault.address.raw, kind(of: fault.access)) {
        case .mapped: return true
        case .refused: return false
        case .outOfMemory:
            kill(slot, reason: .outOfMemory, fault: fault)
            return true
        }
    }

    /// Maps a zeroed frame at the page of `address` if a region allows `access`.
    mutating func pageIn(_ slot: Int, _ address: UInt64, _ access: MemoryAccessKind) -> PageInResult {
        let t = tasks[slot]
        guard let space = t.pointee.space, let r = t.pointee.regions.find(address) else { return .refused }
        let region = t.pointee.regions[r]
        guard region.rights.allows(access) else { return .refused }
        let page = address & ~(PageGeometry.pageSize - 1)
        guard let frame = frames.allocate(zeroing: hal.memory) else { return .outOfMemory }
        switch space.map(VirtAddr(page), to: frame, writable: region.rights.write,
                         executable: region.rights.execute, owned: true, frames: &frames, memory: hal.memory) {
        case .success: return .mapped
        case .failure:
            frames.free(frame)
            return .outOfMemory
        }
    }

    private mutating func kind(of access: MemoryAccess) -> MemoryAccessKind {
        switch access {
        case .read: return .read
        case .write: return .write
        case .execute: return .execute
        }
    }
}
