// `task_info`: what the shell's `ps` shows of a task slot: its id, state,
// priority and name; `getpid`. A read-only view of kernel state.
import HAL
import KenixABI

extension Kernel {
    /// `getpid`: x0 = the caller's task id (information, not authority).
    mutating func getpid(_ slot: Int) -> SyscallResult { .success(tasks[slot].pointee.id.raw) }

    /// `task_info(directory, slot)`: x0 = id (0 for a free slot), x1 =
    /// TaskStateCode, x2 = priority, x3/x4 = the first 16 bytes of the name,
    /// little-endian. Needs the task directory's `info`.
    mutating func taskInfo(_ slot: Int, directory: UInt64, index: UInt64) -> SyscallResult {
        if case .failure(let e) = resolve(slot, directory, .taskDirectory, HandleRights.info) { return .failure(e) }
        guard index >= 1, index < UInt64(tasks.capacity) else { return .failure(.invalidArgument) }
        // A slot no task has reached yet is free (and not read).
        guard let s = tasks.slotEverUsed(index) else { return .registers(SyscallReturn()) }
        let t = tasks[s]
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
