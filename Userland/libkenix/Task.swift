// Task control (docs/syscalls.md, "Task control"): yield, exit, getpid,
// sleep, clock, spawn and wait, as `Kenix.*`. Errors come back as a typed
// `throws(SyscallError)`, which Embedded Swift supports without existentials.

public typealias TaskID = UInt64

// Never cannot cross @_extern(c); Kenix.exit loops on it instead.
@_extern(c, "kx_exit")
func kx_exit(_ status: Int64)

/// How a child ended, as `wait` reports it.
public enum ExitStatus: Equatable {
    /// The child returned from main or called exit with this status.
    case exited(Int64)
    /// The kernel killed the child; the raw KillReason (1 memory fault, 2 undefined instruction).
    case killed(UInt64)

    public var isSuccess: Bool { self == .exited(0) }

    public var killReason: KillReason? {
        if case .killed(let raw) = self { return KillReason(rawValue: raw) }
        return nil
    }
}

extension ExitStatus: CustomStringConvertible {
    /// "exit status 3", "killed (memoryFault)".
    public var description: String {
        switch self {
        case .exited(let code):
            return "exit status \(code)"
        case .killed(let raw):
            if let reason = killReason { return "killed (\(reason.name))" }
            return "killed (reason \(raw))"
        }
    }
}

public enum Kenix {
    /// Gives the CPU to the next ready task of the same priority.
    public static func yield() {
        _ = RawSyscall.invoke(.yield)
    }

    /// Flushes buffered console output and ends the task.
    public static func exit(_ status: Int64) -> Never {
        while true { kx_exit(status) }   // kx_exit does not return
    }

    /// The caller's task id (> 0).
    public static func getpid() -> TaskID {
        UInt64(bitPattern: RawSyscall.invoke(.getpid))
    }

    /// Blocks for at least `nanoseconds` of kernel clock.
    public static func sleep(nanoseconds: UInt64) {
        _ = RawSyscall.invoke(.sleep, nanoseconds)
    }

    public static func sleep(milliseconds: UInt64) {
        sleep(nanoseconds: milliseconds &* 1_000_000)
    }

    /// Nanoseconds since boot (kernel clock).
    public static func clock() -> UInt64 {
        UInt64(bitPattern: RawSyscall.invoke(.clock))
    }

    /// The kernel clock and the instructions the CPU has retired since boot,
    /// read together: on QEMU the PMU's count of every instruction (kernel
    /// and tasks) when booted with `kenix.pmu`, exact under `-icount`, and 0
    /// otherwise; in kenix-sim the user instructions it simulated. A
    /// benchmark's cost counter, unlike the clock never inflated by idle time.
    public static func clockAndInstructions() -> (nanoseconds: UInt64, instructions: UInt64) {
        let r = RawSyscall.invokeWithRegisters(.clock)
        return (UInt64(bitPattern: r.x0), r.x1)
    }

    /// Starts the initrd program `name` with `arg` in its x0, at `priority`
    /// (0 = the caller's; above it only with a spawn `authority`), with
    /// ceilings of `share` 256ths of the caller's (0 = the same). Returns a
    /// handle to the child (kill, wait, info, watch, send).
    public static func spawn(_ name: StaticString, arg: UInt64 = 0, priority: UInt64 = 0,
                             authority: Handle = 0, share: UInt64 = 0) throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(
            .spawn, UInt64(UInt(bitPattern: name.utf8Start)),
            UInt64(name.utf8CodeUnitCount), arg, priority, authority, share))
    }

    /// `spawn` with a name that is not a literal (e.g. typed at the shell).
    public static func spawn(name: UnsafeRawBufferPointer, arg: UInt64 = 0, priority: UInt64 = 0,
                             authority: Handle = 0) throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(
            .spawn, UInt64(UInt(bitPattern: name.baseAddress)), UInt64(name.count), arg, priority, authority))
    }

    /// Starts the ELF executable held in the first `length` bytes of the
    /// shared-memory object `shm` (a handle with `map`), named `name`, with
    /// `arg` in its x0, at `priority` (at most the caller's). How a program
    /// starts from a file: read it into the object, then hand it over.
    public static func spawn(image shm: Handle, length: UInt64, name: UnsafeRawBufferPointer, arg: UInt64 = 0,
                             priority: UInt64 = 0) throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(
            .spawnImage, shm, length, arg, priority, UInt64(UInt(bitPattern: name.baseAddress)), UInt64(name.count)))
    }

    /// Ends the task `task` names (a handle with `kill`; not init, not
    /// oneself); its status is `KillReason.killedByTask`.
    public static func kill(_ task: Handle) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.kill, task))
    }

    /// Ends task `id` through the task directory (`kill`): how the shell's
    /// `kill ID` works.
    public static func kill(id: TaskID, directory: Handle) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.kill, directory, id))
    }

    /// Whether the task `task` names exists and has not ended.
    public static func isAlive(_ task: Handle) -> Bool {
        guard let state = status(of: task) else { return false }
        return state != .zombie
    }

    /// The state of the task `task` names (a handle with `info`), or nil
    /// once it has been reaped.
    public static func status(of task: Handle) -> TaskStateCode? {
        let r = RawSyscall.invoke(.taskStatus, task)
        return r < 0 ? nil : TaskStateCode(rawValue: UInt64(r))
    }

    /// What the task `task` names (a handle with `info`) is blocked on, and
    /// the partner task's id where there is one (0 otherwise); nil once it
    /// has been reaped. A running or ready task waits for `.none`.
    public static func waiting(of task: Handle) -> (what: TaskWaitCode, partner: TaskID)? {
        let r = RawSyscall.invokeWithRegisters(.taskStatus, task)
        guard r.x0 >= 0 else { return nil }
        return (TaskWaitCode(rawValue: r.x1) ?? .none, r.x2)
    }

    /// Signals `bits` of notification `notification` (a handle with
    /// `signal`) when the task `task` names (a handle with `watch`) ends, or
    /// at once if it has already ended.
    public static func watch(_ task: Handle, notification: Handle, bits: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskWatch, task, notification, bits))
    }

    /// A handle to the caller itself (send, info, watch, duplicate,
    /// transfer): what a client hands a server that must watch it.
    public static func selfHandle() throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(.taskSelf))
    }

    /// Nanoseconds since 1970-01-01 00:00 UTC (the platform's real-time
    /// clock); `notFound` on a platform without one.
    public static func realTime() throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.realTime))
    }

    /// The task in table slot `slot`, or nil for a free slot (with the task
    /// directory handle, `info`).
    public static func taskInfo(directory: Handle, slot: UInt64) throws(SyscallError) -> TaskInfo? {
        let r = RawSyscall.invokeWithRegisters(.taskInfo, directory, slot)
        let id = try RawSyscall.check(r.x0)
        guard id != 0 else { return nil }
        return TaskInfo(id: id, state: TaskStateCode(rawValue: r.x1) ?? .zombie, priority: r.x2,
                        name: (r.x3, r.x4))
    }

    /// A task's quota: the caller's own (no directory), or slot `slot`'s
    /// with the task directory handle.
    public static func quota(directory: Handle = 0, slot: UInt64 = 0) throws(SyscallError) -> TaskQuota {
        let r = RawSyscall.invokeWithRegisters(.taskQuota, directory, slot, 0)
        let framesUsed = try RawSyscall.check(r.x0)
        let o = RawSyscall.invokeWithRegisters(.taskQuota, directory, slot, 1)
        let objectsUsed = try RawSyscall.check(o.x0)
        return TaskQuota(framesUsed: framesUsed, framesLimit: r.x1, tasksUsed: r.x2, tasksLimit: r.x3,
                         swapUsed: r.x4, swapLimit: r.x5, objectsUsed: objectsUsed, objectsLimit: o.x1)
    }

    /// RAM and swap: frames, swap slots (4 KiB each) and paging counts.
    public static func memoryInfo() -> MemoryInfo {
        let r = RawSyscall.invokeWithRegisters(.memInfo)
        return MemoryInfo(freeFrames: UInt64(bitPattern: r.x0), totalFrames: r.x1, swapSlots: r.x2,
                          swapUsed: r.x3, pagesOut: r.x4, pagesIn: r.x5)
    }

    /// Clones the caller with a copy-on-write address space: returns a
    /// handle to the child in the parent and 0 in the child.
    public static func fork() throws(SyscallError) -> Handle {
        try RawSyscall.check(RawSyscall.invoke(.fork))
    }

    /// Blocks until the child `child` names ends, reaps it, closes the
    /// handle and reports how it ended.
    public static func wait(_ child: Handle) throws(SyscallError) -> ExitStatus {
        let r = RawSyscall.invokeWithRegisters(.wait, child)
        _ = try RawSyscall.check(r.x0)
        Handles.close(child)
        return r.x2 == ExitKind.killed.rawValue ? .killed(r.x1) : .exited(Int64(bitPattern: r.x1))
    }
}

/// A task's shares and use (`task_quota`): frames, child tasks, swap
/// slots, and kernel objects (notifications, shared-memory objects, task
/// watches).
public struct TaskQuota {
    public var framesUsed: UInt64, framesLimit: UInt64
    public var tasksUsed: UInt64, tasksLimit: UInt64
    public var swapUsed: UInt64, swapLimit: UInt64
    public var objectsUsed: UInt64, objectsLimit: UInt64
}

/// What `mem_info` reports.
public struct MemoryInfo {
    public var freeFrames: UInt64
    public var totalFrames: UInt64
    /// Pages the swap area holds (0: no swap).
    public var swapSlots: UInt64
    public var swapUsed: UInt64
    /// Pages written to swap and read back since boot.
    public var pagesOut: UInt64
    public var pagesIn: UInt64

    /// Frames free once every swapped-out page were back: constant while
    /// the pager moves pages, so it shows leaks with or without swap.
    public var freeFramesWithoutSwap: Int64 { Int64(freeFrames) - Int64(swapUsed) }
}
