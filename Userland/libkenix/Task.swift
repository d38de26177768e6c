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

    /// Starts the initrd program `name` with `arg` in its x0, at `priority`
    /// (0 = the caller's, else 1–31). Returns the child's id.
    public static func spawn(_ name: StaticString, arg: UInt64 = 0,
                             priority: UInt64 = 0) throws(SyscallError) -> TaskID {
        try RawSyscall.check(RawSyscall.invoke(
            .spawn, UInt64(UInt(bitPattern: name.utf8Start)),
            UInt64(name.utf8CodeUnitCount), arg, priority))
    }

    /// `spawn` with a name that is not a literal (e.g. typed at the shell).
    public static func spawn(name: UnsafeRawBufferPointer, arg: UInt64 = 0,
                             priority: UInt64 = 0) throws(SyscallError) -> TaskID {
        try RawSyscall.check(RawSyscall.invoke(
            .spawn, UInt64(UInt(bitPattern: name.baseAddress)), UInt64(name.count), arg, priority))
    }

    /// Ends task `id` (not init, not oneself); its status is `KillReason.killedByTask`.
    public static func kill(_ id: TaskID) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.kill, id))
    }

    /// Starts the ELF executable held in the first `length` bytes of
    /// shared-memory object `shm` (which the caller holds), named `name`,
    /// with `arg` in its x0, at `priority` (0 = the caller's). How a program
    /// starts from a file: read it into the object, then hand it over.
    public static func spawn(image shm: UInt64, length: UInt64, name: UnsafeRawBufferPointer, arg: UInt64 = 0,
                             priority: UInt64 = 0) throws(SyscallError) -> TaskID {
        try RawSyscall.check(RawSyscall.invoke(
            .spawnImage, shm, length, arg, priority, UInt64(UInt(bitPattern: name.baseAddress)), UInt64(name.count)))
    }

    /// Whether task `id` exists and has not ended (a zombie has ended).
    public static func isAlive(_ id: TaskID) -> Bool {
        guard let state = status(of: id) else { return false }
        return state != .zombie
    }

    /// Task `id`'s state, or nil once it has been reaped (or never existed).
    public static func status(of id: TaskID) -> TaskStateCode? {
        let r = RawSyscall.invoke(.taskStatus, id)
        return r < 0 ? nil : TaskStateCode(rawValue: UInt64(r))
    }

    /// Signals `bits` of notification `notification` (which the caller
    /// holds) when task `id` ends, or at once if it has already ended.
    public static func watch(_ id: TaskID, notification: UInt64, bits: UInt64) throws(SyscallError) {
        _ = try RawSyscall.check(RawSyscall.invoke(.taskWatch, id, notification, bits))
    }

    /// Nanoseconds since 1970-01-01 00:00 UTC (the platform's real-time
    /// clock); `notFound` on a platform without one.
    public static func realTime() throws(SyscallError) -> UInt64 {
        try RawSyscall.check(RawSyscall.invoke(.realTime))
    }

    /// The task in table slot `slot` (1–63), or nil for a free slot.
    public static func taskInfo(slot: UInt64) throws(SyscallError) -> TaskInfo? {
        let r = RawSyscall.invokeWithRegisters(.taskInfo, slot)
        let id = try RawSyscall.check(r.x0)
        guard id != 0 else { return nil }
        return TaskInfo(id: id, state: TaskStateCode(rawValue: r.x1) ?? .zombie, priority: r.x2,
                        name: (r.x3, r.x4))
    }

    /// RAM and swap: frames, swap slots (4 KiB each) and paging counts.
    public static func memoryInfo() -> MemoryInfo {
        let r = RawSyscall.invokeWithRegisters(.memInfo)
        return MemoryInfo(freeFrames: UInt64(bitPattern: r.x0), totalFrames: r.x1, swapSlots: r.x2,
                          swapUsed: r.x3, pagesOut: r.x4, pagesIn: r.x5)
    }

    /// Clones the caller with a copy-on-write address space: returns the
    /// child's id in the parent and 0 in the child.
    public static func fork() throws(SyscallError) -> TaskID {
        try RawSyscall.check(RawSyscall.invoke(.fork))
    }

    /// Blocks until child `id` ends, reaps it and reports how it ended.
    public static func wait(_ id: TaskID) throws(SyscallError) -> ExitStatus {
        let r = RawSyscall.invokeWithRegisters(.wait, id)
        _ = try RawSyscall.check(r.x0)
        return r.x2 == ExitKind.killed.rawValue ? .killed(r.x1) : .exited(Int64(bitPattern: r.x1))
    }
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
