// Supervision syscalls, part 1: creating, exec-ing, forking and resuming
// supervised tasks (docs/syscalls.md, "Supervision"; docs/linux.md). Only a
// task's supervisor may act on it. A supervised task's registers are read
// and written only while it is stopped, when they are stable.
import HAL
import KenixABI

extension Kernel {
    /// The slot of the live task `handle` names, if the handle has
    /// `supervise` and the caller supervises the task.
    mutating func supervised(_ caller: Int, _ handle: UInt64) -> Result<Int, SyscallError> {
        taskSlot(caller, handle, HandleRights.supervise).flatMap { s in
            tasks[s].pointee.supervisor == tasks[caller].pointee.id ? .success(s) : .failure(.notPermitted)
        }
    }

    /// The slot of task `id` if the caller supervises it and it is stopped.
    private mutating func stoppedTask(_ caller: Int, _ id: UInt64) -> Result<Int, SyscallError> {
        supervised(caller, id).flatMap { s in
            tasks[s].pointee.state == .blocked(.stopped(by: tasks[caller].pointee.id))
                ? .success(s) : .failure(.busy)
        }
    }

    /// The ELF image in the first `length` bytes of shared-memory object `id`
    /// (held by the caller), validated. Any ELF executable: the supervisor
    /// runs foreign programs.
    private mutating func image(_ caller: Int, shm handle: UInt64, length: UInt64)
        -> Result<(ELFFile, ByteReader), SyscallError> {
        let object: SharedMemoryObject
        switch mappableObject(caller, handle) {
        case .failure(let e): return .failure(e)
        case .success(let o): object = o
        }
        guard length > 0, length <= UInt64(object.pages) * PageGeometry.pageSize else {
            return .failure(.invalidArgument)
        }
        let reader = ByteReader(UnsafeRawBufferPointer(start: hal.memory.pointer(to: object.base), count: Int(length)))
        do { return .success((try ELFFile(reader), reader)) } catch { return .failure(.badExecutable) }
    }

    /// `task_create(shm, length, priority, name, nameLength)`: a new task,
    /// the caller's child and supervised by it, with the ELF's segments
    /// mapped and nothing else (no stack: the supervisor builds one), stopped
    /// with pc at the entry. x0 = a handle to it (every right), x1 = its id,
    /// x2 = the entry point. At most the caller's own priority.
    mutating func taskCreate(_ slot: Int, shm id: UInt64, length: UInt64, priority: UInt64, name: UInt64,
                             nameLength: UInt64) -> SyscallResult {
        guard priority <= Priority.highest, nameLength > 0, nameLength <= SyscallLimits.maxNameLength else {
            return .failure(.invalidArgument)
        }
        let prio = priority == Priority.inherit ? tasks[slot].pointee.priority : UInt8(priority)
        if case .failure(let e) = mayStart(slot, atPriority: prio, authority: 0) { return .failure(e) }
        guard handles.hasRoom(slot), quotaRemaining(slot, .tasks) >= 1 else {
            return .failure(.limitReached)
        }
        var nameBuffer = InlineArray<64, UInt8>(repeating: 0)
        let copied = withUnsafeMutableBytes(of: &nameBuffer) { raw in copyFromUser(slot, name, Int(nameLength), into: raw) }
        if case .failure(let e) = copied { return .failure(e) }
        let (file, reader): (ELFFile, ByteReader)
        switch image(slot, shm: id, length: length) {
        case .failure(let e): return .failure(e)
        case .success(let loaded): (file, reader) = loaded
        }
        guard let child = claimTask() else { return .failure(.limitReached) }
        let me = tasks[slot].pointee.id
        tasks[child].pointee.parent = me
        giveQuota(to: child, from: slot)
        let before = frames.freeCount
        let space: AddressSpace
        switch loadImage(file, bytes: reader, asid: ASID(UInt16(child)), stack: false) {
        case .failure(let e):
            returnQuota(of: child)
            releaseTaskCharge(of: child)
            tasks.release(child)
            return .failure(e == .outOfMemory ? .outOfMemory : .badExecutable)
        case .success(let loaded): space = loaded
        }
        guard chargeFrames(child, before - frames.freeCount) else {
            space.destroy(frames: &frames, memory: hal.memory)
            returnQuota(of: child)
            releaseTaskCharge(of: child)
            tasks.release(child)
            return .failure(.outOfMemory)
        }
        let c = tasks[child]
        installImage(child, file, space)
        c.pointee.priority = prio
        c.pointee.supervisor = me
        c.pointee.context = UserContext(entry: file.entry)
        withUnsafeBytes(of: nameBuffer) { raw in setName(child, UnsafeRawBufferPointer(rebasing: raw[0..<Int(nameLength)])) }
        hal.trace.record(TraceEvent(.taskSpawn, me.raw, c.pointee.id.raw))
        block(child, .stopped(by: me))
        switch grant(slot, HandleEntry(kind: .task, rights: HandleRights.all, object: c.pointee.id.raw)) {
        case .failure(let e): return .failure(e)      // cannot happen: room was checked
        case .success(let h): return .registers(SyscallReturn(x0: h, x1: c.pointee.id.raw, x2: file.entry))
        }
    }

    /// `task_exec(task, shm, length)`: replaces the stopped task's address
    /// space with the ELF's segments (no stack), clears its registers and
    /// puts its pc at the entry, which x0 returns. Its memory is its own
    /// again: a failure leaves the old space in place.
    mutating func taskExec(_ slot: Int, task: UInt64, shm id: UInt64, length: UInt64) -> SyscallResult {
        let target: Int
        switch stoppedTask(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let s): target = s
        }
        let (file, reader): (ELFFile, ByteReader)
        switch image(slot, shm: id, length: length) {
        case .failure(let e): return .failure(e)
        case .success(let loaded): (file, reader) = loaded
        }
        // A page-out of the old space may still be on the disk: wait for it,
        // so the disk never writes a frame the new space has taken over.
        if transfers.hasWrite(owner: tasks[target].pointee.id) {
            block(slot, .paging)
            tasks[slot].pointee.restartSyscall = true
            return .failure(.wouldBlock)
        }
        let t = tasks[target]
        let asid = t.pointee.space!.asid
        let before = frames.freeCount
        let space: AddressSpace
        switch loadImage(file, bytes: reader, asid: asid, stack: false) {
        case .failure(let e): return .failure(e == .outOfMemory ? .outOfMemory : .badExecutable)
        case .success(let loaded): space = loaded
        }
        // The new image replaces the old one in the task's share.
        let imageFrames = before - frames.freeCount
        // The old image's frames and swap slots leave the task's count (and
        // its ancestors'); its children's stay.
        var childFrames = 0, childSwap = 0
        for c in tasks.slotsEverUsed where tasks[c].pointee.isAlive && tasks[c].pointee.parent == t.pointee.id {
            childFrames += tasks[c].pointee.quota.frames.used
            childSwap += tasks[c].pointee.quota.swap.used
        }
        let oldFrames = t.pointee.quota.frames.used - childFrames
        let oldSwap = t.pointee.quota.swap.used - childSwap
        guard imageFrames <= quotaRemaining(target, .frames) + oldFrames else {
            space.destroy(frames: &frames, memory: hal.memory)
            return .failure(.outOfMemory)
        }
        let oldSpace = t.pointee.space!
        oldSpace.destroy(frames: &frames, swap: &swap, memory: hal.memory)
        releaseSharedMemoryMappings(of: target)
        hal.mmu.invalidateAll(asid: asid)
        if activeASID == asid { activeASID = nil }   // same ASID, new tables: activate again
        installImage(target, file, space)
        account(target, .frames, imageFrames - oldFrames)
        account(target, .swap, -oldSwap)
        t.pointee.framebufferAddress = 0
        t.pointee.imageAddress = 0
        t.pointee.context = UserContext(entry: file.entry)
        return .success(file.entry)
    }

    /// `task_fork(task)`: a copy-on-write clone of the stopped task, with its
    /// registers, supervised by the caller and stopped. x0 = a handle to the
    /// clone, x1 = its id.
    mutating func taskFork(_ slot: Int, task: UInt64) -> SyscallResult {
        let source: Int
        switch stoppedTask(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let s): source = s
        }
        guard handles.hasRoom(slot) else { return .failure(.limitReached) }
        switch clone(source, for: slot) {
        case .failure(let e): return .failure(e)
        case .success(let child):
            let me = tasks[slot].pointee.id
            tasks[child].pointee.supervisor = me
            block(child, .stopped(by: me))
            return childHandle(slot, child, rights: HandleRights.all)
        }
    }

    /// `task_resume(task, value, mode)`: the stopped task runs on, with x0 =
    /// `value` (a syscall's result) or with its registers as they are.
    mutating func taskResume(_ slot: Int, task: UInt64, value: UInt64, mode: UInt64) -> SyscallResult {
        guard let mode = ResumeMode(rawValue: mode) else { return .failure(.invalidArgument) }
        switch stoppedTask(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let target):
            if mode == .setResult { write(.success(value), to: target) }
            makeReady(target)
            return .success(0)
        }
    }

    /// `task_interrupt(task)`: a supervised task that is ready to run (it
    /// runs whenever the supervisor does not: one CPU) stops where it is and
    /// its supervisor gets an `interrupted` event, as if it had trapped, so
    /// the supervisor can act on a task that makes no syscalls (a signal
    /// for a program in a loop). A task already stopped, with an event on
    /// its way, or waiting for the pager is `busy`: it will reach the
    /// supervisor by itself.
    mutating func taskInterrupt(_ slot: Int, task: UInt64) -> SyscallResult {
        let target: Int
        switch supervised(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let s): target = s
        }
        guard tasks[target].pointee.state == .ready else { return .failure(.busy) }
        ready.remove(target, tasks)
        let pc = tasks[target].pointee.context.pc
        stop(target, SupervisorMessage(tag: SupervisorEventTag.marker | SupervisorEvent.interrupted.rawValue, w0: pc))
        return .success(0)
    }

    /// `task_get_registers(task, buffer)`: the stopped task's register file
    /// (SupervisedRegisters) into the caller's buffer.
    mutating func taskGetRegisters(_ slot: Int, task: UInt64, buffer: UInt64) -> SyscallResult {
        let target: Int
        switch stoppedTask(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let s): target = s
        }
        var file = RegisterFile(tasks[target].pointee.context)
        var offset = 0
        let result = withUserBytes(slot, buffer, UInt64(SupervisedRegisters.size), access: .write) { chunk in
            withUnsafeBytes(of: &file.bytes) { raw in
                chunk.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + chunk.count)]))
            }
            offset += chunk.count
        }
        return SyscallResult(result.map { 0 })
    }

    /// `task_set_registers(task, buffer)`: the stopped task's register file
    /// from the caller's buffer. Only EL0 state exists in it: nothing a
    /// supervisor writes can raise the task's privilege.
    mutating func taskSetRegisters(_ slot: Int, task: UInt64, buffer: UInt64) -> SyscallResult {
        let target: Int
        switch stoppedTask(slot, task) {
        case .failure(let e): return .failure(e)
        case .success(let s): target = s
        }
        var file = RegisterFile()
        let copied = withUnsafeMutableBytes(of: &file.bytes) { raw in
            copyFromUser(slot, buffer, SupervisedRegisters.size, into: raw)
        }
        if case .failure(let e) = copied { return .failure(e) }
        file.store(into: &tasks[target].pointee.context)
        return .success(0)
    }
}
