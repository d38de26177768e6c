// Shared-memory syscalls: create, map, unmap, info. An object is reached
// through a handle (`map` to map it, `write` to map it writable); it is
// handed to other tasks in IPC messages. Decode and validate everything
// first; only then take frames or edit page tables.
import HAL
import KenixABI

extension Kernel {
    /// `shm_create(size)`: a new object; x0 = a handle with every right.
    mutating func shmCreate(_ slot: Int, size: UInt64) -> SyscallResult {
        guard size > 0, size <= SyscallLimits.maxSharedMemorySize else { return .failure(.invalidArgument) }
        let pages = Int((size + PageGeometry.pageSize - 1) / PageGeometry.pageSize)
        let me = tasks[slot].pointee.id
        guard charge(slot, .objects, 1) else { return .failure(.limitReached) }
        guard chargeFrames(slot, pages) else {
            refund(me, .objects, 1)
            return .failure(.outOfMemory)
        }
        guard let base = allocateContiguousUserFrames(pages) else {
            refundFrames(me, pages)
            refund(me, .objects, 1)
            return .failure(.outOfMemory)
        }
        guard let id = shm.insert(SharedMemoryObject(base: base, pages: pages, payer: me)) else {
            frames.free(base, count: pages)
            refundFrames(me, pages)
            refund(me, .objects, 1)
            return .failure(.limitReached)
        }
        hal.memory.pointer(to: base).initializeMemory(as: UInt8.self, repeating: 0,
                                                      count: pages * Int(PageGeometry.pageSize))
        let handle = grant(slot, HandleEntry(kind: .sharedMemory, rights: HandleRights.all, object: id))
        if case .failure = handle, let i = shm.index(of: id) { freeSharedMemoryIfUnused(i) }
        return SyscallResult(handle)
    }

    /// `shm_map(handle, hint)`: maps the object, writable if the handle has
    /// `write`; the same object once per task.
    mutating func shmMap(_ slot: Int, handle: UInt64, hint: UInt64) -> SyscallResult {
        let entry: HandleEntry
        switch resolve(slot, handle, .sharedMemory, HandleRights.map) {
        case .failure(let e): return .failure(e)
        case .success(let found): entry = found
        }
        guard let i = shm.index(of: entry.object) else { return .failure(.badHandle) }
        let object = shm[i]
        let t = tasks[slot]
        var free = -1
        for m in 0..<t.pointee.shmMappings.count {
            if t.pointee.shmMappings[m].object == object.id { return .failure(.busy) }
            if free < 0 && t.pointee.shmMappings[m].object == 0 { free = m }
        }
        guard free >= 0 else { return .failure(.limitReached) }
        let length = UInt64(object.pages) * PageGeometry.pageSize
        let address = hint != 0 ? hint : freeShmAddress(slot, length: length)
        guard address & (PageGeometry.pageSize - 1) == 0, address >= UserLayout.shmBase,
              address <= UserLayout.shmLimit, length <= UserLayout.shmLimit - address else {
            return .failure(.invalidArgument)
        }
        let writable = entry.rights & HandleRights.write != 0
        let mapped = chargingTables(slot) { kernel in
            kernel.mapPhysical(slot, at: address, base: object.base, pages: object.pages, writable: writable)
        }
        if case .failure(let e) = mapped { return .failure(e) }
        shm[i].mappings += 1
        t.pointee.shmMappings[free] = ShmMapping(object: object.id, address: address)
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

    /// `shm_unmap(handle)`: removes the caller's mapping of the object.
    mutating func shmUnmap(_ slot: Int, handle: UInt64) -> SyscallResult {
        switch resolve(slot, handle, .sharedMemory, 0) {
        case .failure(let e): return .failure(e)
        case .success(let entry):
            return unmapSharedMemory(slot, id: entry.object) ? .success(0) : .failure(.invalidArgument)
        }
    }

    /// Removes `slot`'s mapping of object `id`, if it has one.
    mutating func unmapSharedMemory(_ slot: Int, id: UInt64) -> Bool {
        let t = tasks[slot]
        for m in 0..<t.pointee.shmMappings.count where t.pointee.shmMappings[m].object == id {
            let address = t.pointee.shmMappings[m].address
            t.pointee.shmMappings[m] = ShmMapping()
            guard let i = shm.index(of: id) else { return true }
            unmapPages(slot, address: address, pages: shm[i].pages)
            shm[i].mappings -= 1
            freeSharedMemoryIfUnused(i)
            return true
        }
        return false
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
        let tables = space.pruneEmptyTables(from: address, to: end, frames: &frames, memory: hal.memory)
        if tables > 0 { hal.mmu.invalidateAll(asid: space.asid) }
        account(slot, .frames, -tables)
    }

    /// `slot`'s address space is going away: its mappings no longer keep
    /// their objects (its handles are closed separately).
    mutating func releaseSharedMemoryMappings(of slot: Int) {
        let t = tasks[slot]
        for m in 0..<t.pointee.shmMappings.count where t.pointee.shmMappings[m].object != 0 {
            let id = t.pointee.shmMappings[m].object
            t.pointee.shmMappings[m] = ShmMapping()
            if let i = shm.index(of: id) {
                shm[i].mappings -= 1
                freeSharedMemoryIfUnused(i)
            }
        }
    }
}
