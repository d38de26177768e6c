// Tasks: every kernel call the Linux server makes about the tasks it runs:
// create, exec, fork, resume, interrupt, end and reap, watch, status, map,
// unmap and protect, memory and registers. Nothing else in the server names
// a task to the kernel, so a change in how a supervisor holds its tasks
// (task ids today; handles with the capabilities work) is a change here.
// The calls keep libkenix Supervisor's shapes (throwing SyscallError), so
// callers still tell the kernel's errors apart where Linux does (munmap,
// mprotect, a failed create).

enum Tasks {
    /// A stopped task from the ELF staged in `shm`: (its id, its entry).
    static func create(shm: UInt64, length: UInt64, name: UnsafeRawBufferPointer) throws(SyscallError) -> (TaskID, UInt64) {
        try Supervisor.create(shm: shm, length: length, name: name)
    }

    /// Replaces the stopped task's address space with the staged ELF's.
    static func exec(_ task: TaskID, shm: UInt64, length: UInt64) throws(SyscallError) {
        _ = try Supervisor.exec(task, shm: shm, length: length)
    }

    /// A copy-on-write clone of the stopped task, stopped.
    static func fork(_ task: TaskID) throws(SyscallError) -> TaskID { try Supervisor.fork(task) }

    /// Runs the stopped task on with its registers as they are.
    static func resume(_ task: TaskID) throws(SyscallError) { try Supervisor.resume(task) }

    /// Runs the stopped task on with x0 = `value` (a syscall's result).
    static func resume(_ task: TaskID, result value: UInt64) throws(SyscallError) {
        try Supervisor.resume(task, result: value)
    }

    /// Stops a running task between two instructions; its `interrupted`
    /// event follows (none if it was stopped or an event is on its way).
    static func interrupt(_ task: TaskID) { _ = try? Supervisor.interrupt(task) }

    /// Kills the task and reaps it.
    static func end(_ task: TaskID) {
        try? Kenix.kill(task)
        _ = try? Kenix.wait(task)
    }

    /// Reaps a task that ended by itself or was killed by someone else.
    static func reap(_ task: TaskID) { _ = try? Kenix.wait(task) }

    /// The task is gone (ended, or no longer ours).
    static func isGone(_ task: TaskID) -> Bool {
        guard let state = Kenix.status(of: task) else { return true }
        return state == .zombie
    }

    /// Sets the notification's task-ended bit when the task ends.
    static func watch(_ task: TaskID, notification: UInt64) {
        _ = try? Kenix.watch(task, notification: notification, bits: NotifyBit.taskEnded)
    }

    static func map(_ task: TaskID, hint: UInt64, length: UInt64, prot: UInt64,
                    flags: UInt64) throws(SyscallError) -> UInt64 {
        try Supervisor.map(task, hint: hint, length: length, prot: prot, flags: flags)
    }

    static func unmap(_ task: TaskID, _ address: UInt64, length: UInt64) throws(SyscallError) {
        try Supervisor.unmap(task, address, length: length)
    }

    static func protect(_ task: TaskID, _ address: UInt64, length: UInt64, prot: UInt64) throws(SyscallError) {
        try Supervisor.protect(task, address, length: length, prot: prot)
    }

    /// One transfer (at most SupervisionLimits.maxTransfer) from the task.
    static func read(_ task: TaskID, _ address: UInt64, into buffer: UnsafeMutableRawPointer,
                     length: Int) throws(SyscallError) {
        try Supervisor.read(task, address, into: buffer, length: length)
    }

    /// One transfer into the task (writable pages only).
    static func write(_ task: TaskID, _ address: UInt64, from buffer: UnsafeRawPointer,
                      length: Int) throws(SyscallError) {
        try Supervisor.write(task, address, from: buffer, length: length)
    }

    static func getRegisters(_ task: TaskID, into buffer: UnsafeMutableRawPointer) throws(SyscallError) {
        try Supervisor.getRegisters(task, into: buffer)
    }

    static func setRegisters(_ task: TaskID, from buffer: UnsafeRawPointer) throws(SyscallError) {
        try Supervisor.setRegisters(task, from: buffer)
    }
}
