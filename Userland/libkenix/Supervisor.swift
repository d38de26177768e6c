// Supervision (docs/syscalls.md, "Supervision"): the syscalls a personality
// server uses to run tasks of another ABI: create a stopped task from an ELF
// in shared memory, exec, fork, resume, move registers and memory, map and
// protect memory in it. Events from supervised tasks arrive as messages
// whose tag has `SupervisorEventTag.marker` set (`Received.isSupervisorEvent`).

extension Received {
    /// A supervised task's event (its sender is the task).
    public var isSupervisorEvent: Bool { sender != 0 && message.tag & SupervisorEventTag.marker != 0 }
    /// The event kind, for a supervisor event.
    public var event: SupervisorEvent? {
        SupervisorEvent(rawValue: message.tag & SupervisorEventTag.eventMask)
    }
    /// The syscall number of a syscall event.
    public var syscallNumber: UInt64 {
        (message.tag >> SupervisorEventTag.numberShift) & SupervisorEventTag.numberMask
    }
}

public enum Supervisor {
    /// A stopped task from the ELF in the first `length` bytes of `shm`:
    /// (its id, its entry point).
    public static func create(shm: UInt64, length: UInt64, priority: UInt64 = 0,
                              name: UnsafeRawBufferPointer) throws(SyscallError) -> (TaskID, UInt64) {
        let r = RawSyscall.invokeWithRegisters(.taskCreate, shm, length, priority,
                                               UInt64(UInt(bitPattern: name.baseAddress)), UInt64(name.count))
        return (try RawSyscall.check(r.x0), r.x1)
    }

    /// Replaces the stopped task's address space with the ELF's; returns the entry.
    public static func exec(_ task: TaskID, shm: UInt64, length: UInt64) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.taskExec, task, shm, length))
    }

    /// Runs the stopped task on with x0 = `value`.
    public static func resume(_ task: TaskID, result value: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskResume, task, value, ResumeMode.setResult.rawValue))
    }

    /// Runs the stopped task on with its registers as they are.
    public static func resume(_ task: TaskID) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskResume, task, 0, ResumeMode.keepRegisters.rawValue))
    }

    /// The register file (`SupervisedRegisters.size` bytes) into `buffer`.
    public static func getRegisters(_ task: TaskID, into buffer: UnsafeMutableRawPointer) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskGetRegisters, task, UInt64(UInt(bitPattern: buffer))))
    }

    public static func setRegisters(_ task: TaskID, from buffer: UnsafeRawPointer) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskSetRegisters, task, UInt64(UInt(bitPattern: buffer))))
    }

    /// Copies `length` bytes at the task's `address` into `buffer`.
    public static func read(_ task: TaskID, _ address: UInt64, into buffer: UnsafeMutableRawPointer,
                            length: Int) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskRead, task, address, UInt64(UInt(bitPattern: buffer)),
                                                   UInt64(length)))
    }

    /// Copies `length` bytes from `buffer` to the task's `address` (writable pages only).
    public static func write(_ task: TaskID, _ address: UInt64, from buffer: UnsafeRawPointer,
                             length: Int) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskWrite, task, address, UInt64(UInt(bitPattern: buffer)),
                                                   UInt64(length)))
    }

    public static func map(_ task: TaskID, hint: UInt64, length: UInt64, prot: UInt64,
                           flags: UInt64) throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.taskMap, task, hint, length, prot, flags))
    }

    public static func unmap(_ task: TaskID, _ address: UInt64, length: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskUnmap, task, address, length))
    }

    public static func protect(_ task: TaskID, _ address: UInt64, length: UInt64, prot: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskProtect, task, address, length, prot))
    }

    /// Stops a task that is running (ready) where it is; its `interrupted`
    /// event follows. `busy` when it is stopped or on its way already.
    public static func interrupt(_ task: TaskID) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskInterrupt, task))
    }

    /// A copy-on-write clone of the stopped task, stopped.
    public static func fork(_ task: TaskID) throws(SyscallError) -> TaskID {
        try RawSyscall.check(RawSyscall.invoke(.taskFork, task))
    }
}
