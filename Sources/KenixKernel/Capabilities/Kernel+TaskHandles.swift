// Task handles and scheduling authority. A task gets a handle to each child
// it starts (all rights but `supervise`, unless it supervises the child);
// `task_self` gives a task a handle to itself, to hand to a server that must
// watch it. Starting a task above the caller's own priority needs a spawn
// authority (init starts with one, ceiling 31).
import HAL
import KenixABI

extension Kernel {
    /// Rights a parent holds over the child it started.
    static var parentRights: UInt64 { HandleRights.all & ~HandleRights.supervise }

    /// x0 = a new handle of `slot` to its child `child`, x1 = the child's id.
    /// The caller made sure the table has room.
    mutating func childHandle(_ slot: Int, _ child: Int, rights: UInt64 = parentRights) -> SyscallResult {
        let id = tasks[child].pointee.id
        switch grant(slot, HandleEntry(kind: .task, rights: rights, object: id.raw)) {
        case .failure(let e): return .failure(e)
        case .success(let h): return .registers(SyscallReturn(x0: h, x1: id.raw))
        }
    }

    /// Claims a task slot with an empty handle table.
    mutating func claimTask() -> Int? {
        guard let slot = tasks.claim() else { return nil }
        handles.reset(slot)
        return slot
    }

    /// Gives a new task `child` its first handle: a `send` handle to its
    /// parent `parent`, at StartupHandle.parent (replacing whatever a fork
    /// copied there).
    mutating func giveParentHandle(to child: Int, parent: Int) {
        let index = Int(StartupHandle.parent) - 1
        let old = handles[child, index]
        if old.kind != nil { close(child, HandleReference(index: index, entry: old)) }
        handles[child, index] = HandleEntry(kind: .task, rights: HandleRights.send | HandleRights.duplicate,
                                            object: tasks[parent].pointee.id.raw,
                                            epoch: tasks[parent].pointee.epoch, generation: 0)
    }

    /// Whether `slot` may start a task at `priority`: at or below its own,
    /// or with a spawn authority handle whose ceiling reaches it.
    mutating func mayStart(_ slot: Int, atPriority priority: UInt8, authority: UInt64) -> Result<Void, SyscallError> {
        if priority <= tasks[slot].pointee.priority { return .success(()) }
        guard authority != 0 else { return .failure(.notPermitted) }
        switch resolve(slot, authority, .spawnAuthority, HandleRights.use) {
        case .failure(let e): return .failure(e)
        case .success(let entry): return UInt64(priority) <= entry.object ? .success(()) : .failure(.notPermitted)
        }
    }

    /// The live task `handle` names for `slot`, if the handle has `rights`.
    mutating func taskSlot(_ slot: Int, _ handle: UInt64, _ rights: UInt64) -> Result<Int, SyscallError> {
        switch resolve(slot, handle, .task, rights) {
        case .failure(let e): return .failure(e)
        case .success(let entry):
            guard let s = tasks.liveSlot(of: TaskID(raw: entry.object)) else { return .failure(.noSuchTask) }
            return .success(s)
        }
    }

    /// `taskSlot` in one pass, for the IPC fast path: the slot of the live
    /// task a handle with `rights` names, or nil, where the general path
    /// then reports why. The same checks as `resolve` and `liveSlot`: a live
    /// entry of kind task with the rights, a task that still has the id and
    /// is alive, and the handle's epoch still the task's (not revoked).
    @inline(__always)
    func liveTaskSlot(_ slot: Int, _ handle: UInt64, _ rights: UInt64) -> Int? {
        guard let h = handles.lookup(slot, handle), h.entry.kind == .task,
              h.entry.rights & rights == rights else { return nil }
        let id = TaskID(raw: h.entry.object)
        let s = tasks.encodedSlot(id)
        guard s != 0 else { return nil }
        let t = tasks[s]
        guard t.pointee.id == id, t.pointee.isAlive, t.pointee.epoch == h.entry.epoch else { return nil }
        return s
    }

    /// `task_self`: x0 = a handle to the caller itself (send, info, watch,
    /// duplicate, transfer), x1 = its id.
    mutating func taskSelf(_ slot: Int) -> SyscallResult {
        guard handles.hasRoom(slot) else { return .failure(.limitReached) }
        let rights = HandleRights.send | HandleRights.info | HandleRights.watch | HandleRights.duplicate
            | HandleRights.transfer
        return childHandle(slot, slot, rights: rights)
    }

    /// A shared-memory object `slot` may read an image from (`map`).
    mutating func mappableObject(_ slot: Int, _ handle: UInt64) -> Result<SharedMemoryObject, SyscallError> {
        switch resolve(slot, handle, .sharedMemory, HandleRights.map) {
        case .failure(let e): return .failure(e)
        case .success(let entry):
            guard let i = shm.index(of: entry.object) else { return .failure(.badHandle) }
            return .success(shm[i])
        }
    }
}
