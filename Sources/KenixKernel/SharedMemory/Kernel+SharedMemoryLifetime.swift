// How long a shared-memory object lives: `shm_info` (may both I and task T
// use this object, and how big is it: how a server checks a buffer a client
// hands it), `shm_release` (a holder lets go before it ends: how a server
// drops a dead client's buffer), and the pins of disk requests in flight,
// which keep the frames until the device is done with them.
import HAL
import KenixABI

extension Kernel {
    /// `shm_info(id, task)`: the object's size in bytes, if the caller holds
    /// it and so does `task` (0: only the caller is asked about).
    func shmInfo(_ slot: Int, id: UInt64, task: UInt64) -> SyscallResult {
        guard let i = shm.index(of: id) else { return .failure(.invalidArgument) }
        guard shm[i].holders & (1 << UInt64(slot)) != 0 else { return .failure(.notPermitted) }
        if task != 0 {
            guard let other = tasks.liveSlot(of: TaskID(raw: task)) else { return .failure(.noSuchTask) }
            guard shm[i].holders & (1 << UInt64(other)) != 0 else { return .failure(.notPermitted) }
        }
        return .success(UInt64(shm[i].pages) * PageGeometry.pageSize)
    }

    /// `shm_release(id)`: the caller unmaps the object (if mapped) and no
    /// longer holds it; the frames go when nobody holds it and no disk
    /// request is using them.
    mutating func shmRelease(_ slot: Int, id: UInt64) -> SyscallResult {
        guard let i = shm.index(of: id) else { return .failure(.invalidArgument) }
        let bit: UInt64 = 1 << UInt64(slot)
        guard shm[i].holders & bit != 0 else { return .failure(.notPermitted) }
        let t = tasks[slot]
        for m in 0..<t.pointee.shmMappings.count where t.pointee.shmMappings[m].object == id {
            unmapPages(slot, address: t.pointee.shmMappings[m].address, pages: shm[i].pages)
            t.pointee.shmMappings[m] = ShmMapping()
        }
        shm[i].holders &= ~bit
        freeSharedMemoryIfUnused(i)
        return .success(0)
    }

    /// A disk request on object `i` has completed.
    mutating func unpinSharedMemory(_ i: Int) {
        shm[i].pins -= 1
        freeSharedMemoryIfUnused(i)
    }

    /// Frees object `i` once nobody holds it and no request pins it.
    mutating func freeSharedMemoryIfUnused(_ i: Int) {
        guard shm[i].holders == 0, shm[i].pins == 0 else { return }
        frames.free(shm[i].base, count: shm[i].pages)
        shm.remove(i)
    }
}
