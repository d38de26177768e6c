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
