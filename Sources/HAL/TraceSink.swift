// Kernel events for tracing. The backend stamps each with its own clock: the
// simulator hashes the sequence into the run's trace hash, so two runs with
// the same image, seed and input must record identical events.

public enum TraceKind: UInt8, Sendable {
    case taskSwitch = 1     // a: task id now running, b: free frames, c: ready tasks
    case syscall = 2        // a: task, b: number (the syscall's entry)
    case ipcDeliver = 3     // a: sender, b: receiver, c: tag
    case taskExit = 4       // a: task, b: status
    case taskFault = 5      // a: task, b: pc, c: fault address
    case interrupt = 6      // a: irq number
    case taskSpawn = 7      // a: parent, b: child
    case idle = 8           // a: free frames
    case pageOut = 9        // a: task, b: page address, c: swap slot
    case pageIn = 10        // a: task, b: page address, c: swap slot
    case syscallExit = 11   // a: task, b: number, c: x0 (the task has its result; a blocked call ends when it next runs)
    case taskName = 12      // a: task, b, c: its name's first 16 bytes, little-endian, NUL-padded
    case pageFault = 13     // a: task, b: address, c: 0 read, 1 write, 2 execute (+4 copy-on-write)
}

public struct TraceEvent: Sendable {
    public var kind: TraceKind
    public var a: UInt64
    public var b: UInt64
    public var c: UInt64
    @inline(__always)
    public init(_ kind: TraceKind, _ a: UInt64 = 0, _ b: UInt64 = 0, _ c: UInt64 = 0) {
        self.kind = kind; self.a = a; self.b = b; self.c = c
    }
}

public protocol TraceSink {
    /// Records one event. Contract: cheap, never fails, callable anywhere.
    func record(_ event: TraceEvent)
}
