// Tasks as the ABI shows them: priorities, how a task ended (`wait`), why
// the kernel killed one, the states `task_info` reports, and the IPC
// "anyone" sender.

/// IPC: a receive from any sender.
public let ipcAnySender: UInt64 = 0

/// Task priorities: higher runs first. Spawn with 0 inherits the parent's.
public enum Priority {
    public static let inherit: UInt64 = 0
    public static let lowest: UInt64 = 1
    public static let highest: UInt64 = 31
}

/// A child's quota ceilings (spawn's x5): this many 256ths of the parent's
/// ceilings on each resource; 0 asks for the default, the same ceilings.
public enum QuotaShare {
    public static let half: UInt64 = 128
    public static let whole: UInt64 = 256
}

/// How a waited-for task ended (x2 of `wait`).
public enum ExitKind: UInt64, CaseIterable {
    case exited = 0
    case killed = 1
}

/// The status `wait` reports for a task the kernel killed (with `ExitKind.killed`).
public enum KillReason: UInt64, CaseIterable {
    case memoryFault = 1
    case undefinedInstruction = 2
    /// `brk`: the program trapped itself (a failed Swift runtime check).
    case softwareTrap = 3
    /// Another task ended it with `kill`.
    case killedByTask = 4
    /// It touched a page no free frame was left for.
    case outOfMemory = 5
}

extension KillReason {
    public var name: StaticString {
        switch self {
        case .memoryFault: "memoryFault"
        case .undefinedInstruction: "undefinedInstruction"
        case .softwareTrap: "softwareTrap"
        case .killedByTask: "killedByTask"
        case .outOfMemory: "outOfMemory"
        }
    }
}

/// Task states as `task_info` reports them (x1).
public enum TaskStateCode: UInt64, CaseIterable {
    case running = 1
    case ready = 2
    case blocked = 3
    case zombie = 4
}

/// What a blocked task waits for, as `task_status` reports it (x1; x2 is
/// the partner task's id where there is one). A watchdog uses it to tell a
/// server that is waiting on another from one that is stuck, and `ps` to
/// say what a task is doing.
public enum TaskWaitCode: UInt64, CaseIterable {
    /// Not blocked (running, ready or ended).
    case none = 0
    /// In a send or call to the partner, queued or awaiting its reply.
    case call = 1
    /// In a receive (x2: the one sender it takes, 0 for anyone).
    case receive = 2
    case sleep = 3
    /// In `wait` for the partner, a child.
    case child = 4
    case notification = 5
    /// The kernel's pager: a page coming back from swap, or a free frame.
    case pager = 6
    /// Stopped by its supervisor (the partner) until `task_resume`.
    case stopped = 7
}
