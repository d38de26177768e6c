// What a debugger built into a backend (kenix-sim's gdb stub) may see of the
// kernel's tasks while it holds the CPU inside `enterUser`: each live task's
// id, name, address space and saved registers. The kernel hands these out
// through its FaultResolver (`inspectTasks`), the one kernel object a CPU
// holds during a run; nothing else in the kernel knows a debugger exists.
//
// Contract: called only from inside `enterUser`, between instructions. The
// running task's `context` pointer is the one `enterUser` borrowed (its
// registers are the CPU's until it leaves); every other pointer is the
// task's saved context, which a debugger may read and write. Pointers are
// valid until the CPU returns from `enterUser`.

public struct InspectedTask {
    /// The task id (TaskID.raw).
    public var id: UInt64
    /// The program name's first 16 bytes, `nameLength` of them used.
    public var name: (UInt64, UInt64)
    public var nameLength: Int
    /// The root of its translation tables (nil: no address space).
    public var root: PhysAddr?
    /// The task the CPU is running now.
    public var running: Bool
    /// Ended, waiting for its parent (its registers are the last it had).
    public var zombie: Bool
    public var context: UnsafeMutablePointer<UserContext>

    public init(id: UInt64, name: (UInt64, UInt64), nameLength: Int, root: PhysAddr?, running: Bool,
                zombie: Bool, context: UnsafeMutablePointer<UserContext>) {
        self.id = id; self.name = name; self.nameLength = nameLength; self.root = root
        self.running = running; self.zombie = zombie; self.context = context
    }
}

extension FaultResolver {
    public func inspectTasks(_ visit: (InspectedTask) -> Void) {}
}
