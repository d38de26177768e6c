// Handles: how a task names the kernel objects it may act on
// (docs/capabilities.md). A handle is a small number meaningful only in its
// holder's handle table, with rights that only ever shrink.

/// What a handle names.
public enum ObjectKind: UInt64, CaseIterable {
    case task = 1
    case notification = 2
    case sharedMemory = 3
    case interruptLine = 4
    case device = 5
    case serviceKey = 6
    case spawnAuthority = 7
    case taskDirectory = 8
}

/// Rights a handle carries (a bit set; `HandleRights.all` for a new object's
/// first handle). Which rights matter depends on the object's kind.
public enum HandleRights {
    /// Copy the handle (`handle_duplicate`), with the same or fewer rights.
    public static let duplicate: UInt64 = 1 << 0
    /// Hand the handle to another task in an IPC message.
    public static let transfer: UInt64 = 1 << 1
    /// Invalidate every other handle to the object (`handle_revoke`).
    public static let revoke: UInt64 = 1 << 2
    /// Task: send and call it.
    public static let send: UInt64 = 1 << 3
    /// Task: end it (`kill`); task directory: end any task.
    public static let kill: UInt64 = 1 << 4
    /// Task: reap it (`wait`).
    public static let wait: UInt64 = 1 << 5
    /// Task: read its state; task directory: list every task (`task_info`).
    public static let info: UInt64 = 1 << 6
    /// Task: be told when it ends (`task_watch`).
    public static let watch: UInt64 = 1 << 7
    /// Task: act on it as its supervisor.
    public static let supervise: UInt64 = 1 << 8
    /// Notification: signal it.
    public static let signal: UInt64 = 1 << 9
    /// Notification: wait for it, poll it, bind it, route interrupts to it.
    public static let receive: UInt64 = 1 << 10
    /// Shared memory: map it (read-only without `write`).
    public static let map: UInt64 = 1 << 11
    /// Shared memory: map it writable.
    public static let write: UInt64 = 1 << 12
    /// Shared memory: let a disk transfer into or out of it.
    public static let dma: UInt64 = 1 << 13
    /// Device, interrupt line, service key, spawn authority: use it.
    public static let use: UInt64 = 1 << 14

    public static let all: UInt64 = (1 << 15) - 1
}

public enum HandleLimits {
    /// The handle value 0 never names anything.
    public static let none: UInt64 = 0
}

/// IPC messages that carry a handle (docs/capabilities.md): set in the tag,
/// w3 names one of the sender's handles (with `transfer`); the receiver's
/// w3 is its own handle to the same object, installed as it receives.
/// A tag with bit 63 set (a negative number: an error code as a reply tag,
/// or a supervisor event) never carries a handle.
public enum IPCTag {
    /// w3 carries a handle; the sender keeps its own.
    public static let transfersHandle: UInt64 = 1 << 62
    /// With `transfersHandle`: the sender's handle is closed once delivered.
    public static let movesHandle: UInt64 = 1 << 61

    /// Whether a message with `tag` carries a handle.
    @inline(__always)
    public static func carriesHandle(_ tag: UInt64) -> Bool { tag >> 62 == 1 }
}

/// The handle every task starts with: its parent (`send` only), so a child
/// can always call the task that started it. init has none.
public enum StartupHandle {
    public static let parent: UInt64 = 1
}

/// The handles init starts with, at fixed values (a device the platform
/// lacks leaves its value empty: `handle_info` says `badHandle`).
public enum InitHandle {
    /// Spawn at any priority (ceiling 31).
    public static let spawnAuthority: UInt64 = 2
    /// Every task: `task_info` by slot, and `kill` by id.
    public static let taskDirectory: UInt64 = 3
    /// Route any interrupt line the kernel does not own.
    public static let interruptController: UInt64 = 4
    public static let uart: UInt64 = 5
    public static let keyboard: UInt64 = 6
    public static let framebuffer: UInt64 = 7
    /// A role, not a boot handle: the console's input key, a notification
    /// init makes and hands to the console and the shell. Showing it takes
    /// the console's input (`ConsoleOp.claimInput`).
    public static let consoleInput: UInt64 = 8
    /// `service(key)`: register as the server of `ServiceKey` key.
    public static func service(_ key: ServiceKey) -> UInt64 { 16 + key.rawValue }
    /// `disk(n)`: data disk n (n < 16).
    public static func disk(_ n: UInt64) -> UInt64 { 32 + n }
}

/// Device codes: the object a device handle names.
public enum DeviceCode {
    public static let uart: UInt64 = 1
    public static let keyboard: UInt64 = 2
    public static let framebuffer: UInt64 = 3
    /// Data disk n is `disk + n`.
    public static let disk: UInt64 = 16
}

/// How a parent hands handles to a task it just started (libkenix Startup):
/// one `handle` message per handle (w0 the role: an `InitHandle` value; the
/// handle carried in w3), then `done`.
public enum StartupOp: UInt64, CaseIterable {
    case handle = 1
    case done = 2

    /// Set in a program's start argument when its parent will hand it
    /// handles, for programs that also run without (the shell).
    public static let argumentFlag: UInt64 = 1 << 63
}
