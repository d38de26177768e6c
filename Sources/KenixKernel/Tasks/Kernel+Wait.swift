// `wait`: a parent collects a child's exit record and frees its slot. A
// child that ends first stays a zombie until then; a parent that waits first
// blocks, and the child's end writes the record into its registers.
import HAL
import KenixABI

extension Kernel {
    /// `wait(child)`: x0 = 0, x1 = status, x2 = ExitKind.
    mutating func wait(_ slot: Int, child: UInt64) -> SyscallResult {
        let id = TaskID(raw: child)
        guard let c = tasks.slot(of: id), tasks[c].pointee.parent == tasks[slot].pointee.id else {
            return .failure(.notChild)
        }
        guard tasks[c].pointee.state == .zombie else {
            block(slot, .waitingFor(child: id))
            return .blocked
        }
        return reap(c)
    }

    /// Hands the ended child's record to its parent blocked in `wait`, and wakes it.
    mutating func deliverExit(of child: Int, to parent: Int) {
        write(reap(child), to: parent)
        makeReady(parent)
    }

    /// Frees the ended task `child`; returns its exit record as `wait`'s result.
    private mutating func reap(_ child: Int) -> SyscallResult {
        let record = tasks[child].pointee.exit
        tasks.release(child)
        return .registers(SyscallReturn(
            x0: 0, x1: UInt64(bitPattern: record.status),
            x2: record.killed ? ExitKind.killed.rawValue : ExitKind.exited.rawValue))
    }
}
