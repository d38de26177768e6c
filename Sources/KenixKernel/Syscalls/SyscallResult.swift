// SyscallResult: what a syscall handler decided, and the one place that
// writes a result into a task's registers.
//
// Every handler has one shape: the dispatcher decodes the arguments from the
// saved context, the handler validates, does the work and returns a
// SyscallResult, and `completeSyscall` writes it. A task that blocks gets its
// result later from whoever wakes it (a reply, a timeout, a child's exit, a
// signal): they write it with the same `write(_:to:)`.
import HAL
import KenixABI

/// x0–x5 of a syscall that returns several values (x0 never negative).
struct SyscallReturn {
    var x0: UInt64 = 0, x1: UInt64 = 0, x2: UInt64 = 0, x3: UInt64 = 0, x4: UInt64 = 0, x5: UInt64 = 0
}

enum SyscallResult {
    /// x0 = the value.
    case success(UInt64)
    /// x0–x5.
    case registers(SyscallReturn)
    /// x0 = the negated error.
    case failure(SyscallError)
    /// The caller waits; whoever ends the wait writes its result.
    case blocked
    /// The caller ended (`exit`): there is nobody to write to.
    case ended

    init(_ result: Result<UInt64, SyscallError>) {
        switch result {
        case .success(let v): self = .success(v)
        case .failure(let e): self = .failure(e)
        }
    }
}

extension Kernel {
    /// Writes `result` into the saved registers of `slot` (the running
    /// caller, or a task being woken). `.blocked` and `.ended` write nothing.
    mutating func write(_ result: SyscallResult, to slot: Int) {
        let t = tasks[slot]
        switch result {
        case .success(let v): t.pointee.context.x[0] = v
        case .failure(let e): t.pointee.context.x[0] = UInt64(bitPattern: e.rawValue)
        case .registers(let r):
            t.pointee.context.x[0] = r.x0
            t.pointee.context.x[1] = r.x1
            t.pointee.context.x[2] = r.x2
            t.pointee.context.x[3] = r.x3
            t.pointee.context.x[4] = r.x4
            t.pointee.context.x[5] = r.x5
        case .blocked, .ended: break
        }
    }
}
