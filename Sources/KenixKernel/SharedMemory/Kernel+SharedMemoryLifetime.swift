// How long a shared-memory object lives: while a handle to it, a mapping of
// it, or a disk request in flight on it (a pin) remains. `shm_info` tells a
// holder the object's size (how a server checks a buffer a client handed it).
import HAL
import KenixABI

extension Kernel {
    /// `shm_info(handle)`: the object's size in bytes.
    mutating func shmInfo(_ slot: Int, handle: UInt64) -> SyscallResult {
        switch resolve(slot, handle, .sharedMemory, 0) {
        case .failure(let e): return .failure(e)
        case .success(let entry):
            guard let i = shm.index(of: entry.object) else { return .failure(.badHandle) }
            return .success(UInt64(shm[i].pages) * PageGeometry.pageSize)
        }
    }

    /// A disk request on object `i` has completed.
    mutating func unpinSharedMemory(_ i: Int) {
        shm[i].pins -= 1
        freeSharedMemoryIfUnused(i)
    }

    /// Frees object `i` once no handle, mapping or request keeps it; the
    /// frames and the object go back to the task that paid for them.
    mutating func freeSharedMemoryIfUnused(_ i: Int) {
        guard shm[i].handles == 0, shm[i].mappings == 0, shm[i].pins == 0 else { return }
        frames.free(shm[i].base, count: shm[i].pages)
        refundFrames(shm[i].payer, shm[i].pages)
        refund(shm[i].payer, .objects, 1)
        shm.remove(i)
    }
}
