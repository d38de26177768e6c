// Starting a task from the boot image: `spawn` and the loader's bookkeeping
// (address space, stack region, heap start, name). init is started the same
// way, by the kernel itself.
import HAL
import KenixABI

extension Kernel {
    /// Creates a ready task running program `name` from the initrd.
    mutating func spawnTask(named name: UnsafeRawBufferPointer, arg: UInt64, priority: UInt8,
                            parent: Int?, share: UInt64 = QuotaShare.whole) -> Result<Int, SpawnError> {
        guard let image = initrd.file(named: name) else { return .failure(.notFound) }
        return spawnTask(image: image, name: name, arg: arg, priority: priority, parent: parent, share: share)
    }

    /// Creates a ready task running the ELF executable `image`, named `name`
    /// (for diagnostics), child of task `parent` (nil: init, the first task).
    /// The image is read, never kept: the task's pages are its own copies,
    /// charged to the child and its ancestors (Kernel+Quota; ceilings `share`
    /// 256ths of the parent's ceilings).
    mutating func spawnTask(image: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, arg: UInt64,
                            priority: UInt8, parent parentSlot: Int?,
                            share: UInt64 = QuotaShare.whole) -> Result<Int, SpawnError> {
        let parent = parentSlot.map { tasks[$0].pointee.id } ?? TaskID(raw: 0)
        if let p = parentSlot, quotaRemaining(p, .tasks) < 1 { return .failure(.tableFull) }
        let reader = ByteReader(image)
        let file: ELFFile
        do { file = try ELFFile(reader) } catch { return .failure(.badExecutable(error)) }
        // A foreign (Linux) program would misread every syscall it makes: it
        // runs only under its personality server (task_create).
        guard file.isKenixProgram else { return .failure(.badExecutable(.notAKenixProgram)) }
        guard let slot = claimTask() else { return .failure(.tableFull) }
        tasks[slot].pointee.parent = parent
        giveQuota(to: slot, from: parentSlot, share: share)
        // The ASID is the slot: unique among live tasks, flushed on reuse.
        let before = frames.freeCount
        let loaded = loadImage(file, bytes: reader, asid: ASID(UInt16(slot)))
        if case .success(let space) = loaded, !chargeFrames(slot, before - frames.freeCount) {
            space.destroy(frames: &frames, memory: hal.memory)      // more than the child's share
            returnQuota(of: slot)
            releaseTaskCharge(of: slot)
            tasks.release(slot)
            return .failure(.outOfMemory)
        }
        switch loaded {
        case .failure(let e):
            returnQuota(of: slot)
            releaseTaskCharge(of: slot)
            tasks.release(slot)
            return .failure(e)
        case .success(let space):
            let t = tasks[slot]
            installImage(slot, file, space)
            t.pointee.priority = priority
            t.pointee.parent = parent
            t.pointee.context = UserContext(entry: file.entry, stackTop: UserLayout.stackTop)
            t.pointee.context.x[0] = arg
            t.pointee.context.x[1] = parent.raw
            // The stack's region: the mapped initial stack, and below it the
            // room it grows into on demand, to its limit.
            _ = t.pointee.regions.insert(MemoryRegion(
                start: UserLayout.stackTop - UserLayout.stackLimit, end: UserLayout.stackTop,
                rights: .readWrite, shared: false, kind: .stack))
            setName(slot, name)
            if let parentSlot { giveParentHandle(to: slot, parent: parentSlot) }
            hal.trace.record(TraceEvent(.taskSpawn, parent.raw, t.pointee.id.raw))
            makeReady(slot)
            return .success(slot)
        }
    }

    /// `spawn(name, length, arg, priority, authority, share)`: a child
    /// running boot-image program `name`, at `priority` (0 = the caller's),
    /// with `share` 256ths of the caller's ceilings (0 = all of it: the same ceilings).
    mutating func spawn(_ slot: Int, name: UInt64, length: UInt64, arg: UInt64,
                        priority: UInt64, authority: UInt64, share: UInt64 = 0) -> SyscallResult {
        guard share <= QuotaShare.whole else { return .failure(.invalidArgument) }
        let fraction = share == 0 ? QuotaShare.whole : share
        return withSpawnRequest(slot, name: name, length: length, priority: priority, authority: authority) {
            kernel, name, priority in
            kernel.spawnTask(named: name, arg: arg, priority: priority, parent: slot, share: fraction)
        }
    }

    /// `spawn_image(shm, length, arg, priority, name, nameLength)`: a child
    /// running the ELF executable held in the first `length` bytes of
    /// shared-memory object `shm`, which the caller holds. How a program is
    /// started from a file: the caller reads the file into the object (the
    /// kernel never calls a file server) and hands the kernel the image.
    mutating func spawnImage(_ slot: Int, shm handle: UInt64, length: UInt64, arg: UInt64, priority: UInt64,
                             name: UInt64, nameLength: UInt64) -> SyscallResult {
        let object: SharedMemoryObject
        switch mappableObject(slot, handle) {
        case .failure(let e): return .failure(e)
        case .success(let o): object = o
        }
        guard length > 0, length <= UInt64(object.pages) * PageGeometry.pageSize else {
            return .failure(.invalidArgument)
        }
        let image = UnsafeRawBufferPointer(start: hal.memory.pointer(to: object.base), count: Int(length))
        return withSpawnRequest(slot, name: name, length: nameLength, priority: priority, authority: 0) {
            kernel, name, priority in
            kernel.spawnTask(image: image, name: name, arg: arg, priority: priority, parent: slot)
        }
    }

    /// Decodes what every spawn takes: the child's name (1–64 bytes of the
    /// caller's memory) and priority (0 = the caller's; above the caller's
    /// only with a spawn authority whose ceiling allows it); then starts the
    /// child with `start` and returns x0 = a handle to it, x1 = its id.
    private mutating func withSpawnRequest(
        _ slot: Int, name: UInt64, length: UInt64, priority: UInt64, authority: UInt64,
        _ start: (inout Kernel, UnsafeRawBufferPointer, UInt8) -> Result<Int, SpawnError>
    ) -> SyscallResult {
        guard length > 0, length <= SyscallLimits.maxNameLength else { return .failure(.invalidArgument) }
        guard priority <= Priority.highest else { return .failure(.invalidArgument) }
        let prio = priority == Priority.inherit ? tasks[slot].pointee.priority : UInt8(priority)
        if case .failure(let e) = mayStart(slot, atPriority: prio, authority: authority) { return .failure(e) }
        guard handles.hasRoom(slot) else { return .failure(.limitReached) }
        var buffer = InlineArray<64, UInt8>(repeating: 0)
        let copied = withUnsafeMutableBytes(of: &buffer) { raw in
            copyFromUser(slot, name, Int(length), into: raw)
        }
        if case .failure(let e) = copied { return .failure(e) }
        let result = withUnsafeBytes(of: buffer) { raw in
            start(&self, UnsafeRawBufferPointer(rebasing: raw[0..<Int(length)]), prio)
        }
        switch result {
        case .success(let child): return childHandle(slot, child)
        case .failure(.notFound): return .failure(.notFound)
        case .failure(.badExecutable): return .failure(.badExecutable)
        case .failure(.outOfMemory): return .failure(.outOfMemory)
        case .failure(.tableFull): return .failure(.limitReached)
        }
    }

    /// Gives task `slot` the address space `space` just loaded from `file`:
    /// a region per segment (their pages are mapped), the heap starting above
    /// the image, the mmap and shared-memory cursors at their bases.
    mutating func installImage(_ slot: Int, _ file: ELFFile, _ space: AddressSpace) {
        let t = tasks[slot]
        t.pointee.space = space
        t.pointee.regions = RegionList()
        for i in 0..<file.segmentCount {
            let seg = file.segment(i)
            // ELFFile proved the segments disjoint page-wise and W^X, and there
            // are fewer of them than regions: the insert cannot fail.
            _ = t.pointee.regions.insert(MemoryRegion(
                start: seg.firstPage, end: seg.pageEnd,
                rights: Rights(read: true, write: seg.writable, execute: seg.executable), shared: false, kind: .image))
        }
        t.pointee.shmNextAddress = UserLayout.shmBase
        t.pointee.mmapNextAddress = UserLayout.mmapBase
        t.pointee.heapStart = imageEnd(file)
        t.pointee.heapEnd = t.pointee.heapStart
    }

    /// Keeps the first bytes of `name` as task `slot`'s name (diagnostics).
    mutating func setName(_ slot: Int, _ name: UnsafeRawBufferPointer) {
        let t = tasks[slot]
        let n = min(name.count, KernelCapacity.taskNameBytes)
        for i in 0..<n { t.pointee.name[i] = name[i] }
        t.pointee.nameLength = n
        traceName(slot)
    }

    /// Records task `slot`'s name (the trace's thread names).
    @inline(__always)
    func traceName(_ slot: Int) {
        let t = tasks[slot]
        var lo: UInt64 = 0, hi: UInt64 = 0
        for i in 0..<t.pointee.nameLength {
            let b = UInt64(t.pointee.name[i])
            if i < 8 { lo |= b << UInt64(8 * i) } else { hi |= b << UInt64(8 * (i - 8)) }
        }
        hal.trace.record(TraceEvent(.taskName, t.pointee.id.raw, lo, hi))
    }

    /// The first page above the program image: where the heap starts.
    private mutating func imageEnd(_ file: ELFFile) -> UInt64 {
        var end = UserLayout.imageBase
        for i in 0..<file.segmentCount { end = max(end, file.segment(i).pageEnd) }
        return end
    }
}
