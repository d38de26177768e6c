// `task_info`: what the shell's `ps` shows of a task slot: its id, state,
// priority and name. A read-only view of kernel state.
import HAL
import KenixABI

extension Kernel {
    /// `task_info(slot)`: x0 = id (0 for a free slot), x1 = TaskStateCode,
    /// x2 = priority, x3/x4 = the first 16 bytes of the name, little-endian.
    mutating func taskInfo(index: UInt64) -> SyscallResult {
        guard index >= 1, index < UInt64(TaskTable.capacity) else { return .failure(.invalidArgument) }
        let t = tasks[Int(index)]
        guard t.pointee.state != .free else { return .registers(SyscallReturn()) }
        let code = t.pointee.stateCode
        var words = (UInt64(0), UInt64(0))
        withUnsafeBytes(of: t.pointee.name) { raw in
            withUnsafeMutableBytes(of: &words) { out in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<16]))
            }
        }
        return .registers(SyscallReturn(x0: t.pointee.id.raw, x1: code.rawValue, x2: UInt64(t.pointee.priority),
                                        x3: UInt64(littleEndian: words.0), x4: UInt64(littleEndian: words.1)))
    }
}
