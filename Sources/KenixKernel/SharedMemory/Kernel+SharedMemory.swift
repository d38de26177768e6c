// Shared-memory syscalls: create, map, grant, unmap. Decode and validate
// everything first; only then take frames or edit page tables.
import HAL
import KenixABI

extension Kernel {
    mutating func shmCreate(_ slot: Int, size: UInt64) -> SyscallResult {
        guard size > 0, size <= SyscallLimits.maxSharedMemorySize else { return .failure(.invalidArgument) }
        let pages = Int((size + PageGeometry.pageSize - 1) / PageGeometry.pageSize)
        guard let base = frames.allocate(count: pages) else { return .failure(.outOfMemory) }
        guard let id = shm.insert(SharedMemoryObject(base: base, pages: pages, holders: 1 << UInt64(slot))) else {
            frames.free(base, count: pages)
            return .failure(.limitReached)
        }
        hal.memory.pointer(to: base).initializeMemory(as: UInt8.self, repeating: 0,
                                                      count: pages * Int(PageGeometry.pageSize))
        return .success(id)
    }

    mutating func shmMap(_ slot: Int, id: UInt64, hint: UInt64) -> SyscallResult {
        guard let i = shm.index(of: id) else { return .failure(.invalidArgument) }
        let object = shm[i]
        guard object.holders & (1 << UInt64(slot)) != 0 else { return .failure(.notPermitted) }
        let t = tasks[slot]
        var free = -1
        for m in 0..<t.pointee.shmMappings.count {
            if t.pointee.shmMappings[m].object == id { return .failure(.busy) }
            if free < 0 && t.pointee.shmMappings[m].object == 0 { free = m }
        }
        guard free >= 0 else { return .failure(.limitReached) }
        let length = UInt64(object.pages) * PageGeometry.pageSize
        let address = hint != 0 ? hint : freeShmAddress(slot, length: length)
        guard address & (PageGeometry.pageSize - 1) == 0, address >= UserLayout.shmBase,
              address <= UserLayout.shmLimit, length <= UserLayout.shmLimit - address else {
            return .failure(.invalidArgument)
        }
        if case .failure(let e) = mapPhysical(slot, at: address, base: object.base, pages: object.pages) {
            return .failure(e)
        }
        t.pointee.shmMappings[free] = ShmMapping(object: id, address: address)
        if hint == 0 { t.pointee.shmNextAddress = address + length }
        return .success(address)
    }

    /// The first address from the task's placement cursor where `length`
    /// bytes overlap none of its shared-memory mappings (hinted ones too).
    mutating func freeShmAddress(_ slot: Int, length: UInt64) -> UInt64 {
        let t = tasks[slot]
        var candidate = t.pointee.shmNextAddress
        var moved = true
        while moved {
            moved = false
            for m in 0..<t.pointee.shmMappings.count where t.pointee.shmMappings[m].object != 0 {
                let mapping = t.pointee.shmMappings[m]
                guard let i = shm.index(of: mapping.object) else { continue }
                let end = mapping.address + UInt64(shm[i].pages) * PageGeometry.pageSize
                if candidate < end && mapping.address < candidate &+ length {
                    candidate = end
                    moved = true
                }
            }
        }
        return candidate
    }

    mutating func shmGrant(_ slot: Int, id: UInt64, to task: UInt64) -> SyscallResult {
        guard let i = shm.index(of: id) else { return .failure(.invalidArgument) }
        guard shm[i].holders & (1 << UInt64(slot)) != 0 else { return .failure(.notPermitted) }
        guard let other = tasks.liveSlot(of: TaskID(raw: task)) else { return .failure(.noSuchTask) }
        shm[i].holders |= 1 << UInt64(other)
        return .success(0)
    }

    mutating func shmUnmap(_ slot: Int, id: UInt64) -> SyscallResult {
        let t = tasks[slot]
        for m in 0..<t.pointee.shmMappings.count where t.pointee.shmMappings[m].object == id {
            guard let i = shm.index(of: id) else { break }
            unmapPages(slot, address: t.pointee.shmMappings[m].address, pages: shm[i].pages)
            t.pointee.shmMappings[m] = ShmMapping()
            return .success(0)
        }
        return .failure(.invalidArgument)
    }

    /// Maps `pages` frames from `base` (memory no task owns: a shared-memory
    /// object, the display, the boot image) at `address`, read-write or
    /// read-only, all or nothing: `busy` if a page there is taken,
    /// `outOfMemory` if a table cannot be built.
    mutating func mapPhysical(_ slot: Int, at address: UInt64, base: PhysAddr, pages: Int,
                              writable: Bool = true) -> Result<Void, SyscallError> {
        let space = tasks[slot].pointee.space!
        for p in 0..<pages where space.lookup(VirtAddr(address + UInt64(p) * PageGeometry.pageSize),
                                              memory: hal.memory) != nil {
            return .failure(.busy)
        }
        for p in 0..<pages {
            let va = VirtAddr(address + UInt64(p) * PageGeometry.pageSize)
            if case .failure = space.map(va, to: base.adding(UInt64(p) * PageGeometry.pageSize), writable: writable,
                                         executable: false, owned: false, frames: &frames, memory: hal.memory) {
                unmapPages(slot, address: address, pages: p)
                return .failure(.outOfMemory)
            }
        }
        return .success(())
    }

    /// Removes `pages` mappings from `address` and flushes them from the TLB.
    mutating func unmapPages(_ slot: Int, address: UInt64, pages: Int) {
        guard let space = tasks[slot].pointee.space else { return }
        for p in 0..<pages {
            let va = VirtAddr(address + UInt64(p) * PageGeometry.pageSize)
            if space.unmap(va, memory: hal.memory) != nil { hal.mmu.invalidate(asid: space.asid, page: va) }
        }
        let end = address + UInt64(pages) * PageGeometry.pageSize
        if space.pruneEmptyTables(from: address, to: end, frames: &frames, memory: hal.memory) {
            hal.mmu.invalidateAll(asid: space.asid)
        }
    }

    /// Drops `slot`'s access to every object, freeing those nobody holds.
    /// Its mappings vanish with its address space.
    mutating func releaseSharedMemory(of slot: Int) {
        let bit: UInt64 = 1 << UInt64(slot)
        for i in 1..<SharedMemoryTable.capacity where shm[i].id != 0 && shm[i].holders & bit != 0 {
            shm[i].holders &= ~bit
            freeSharedMemoryIfUnused(i)
        }
        let t = tasks[slot]
        for m in 0..<t.pointee.shmMappings.count { t.pointee.shmMappings[m] = ShmMapping() }
    }
}
