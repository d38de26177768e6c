// What the shell's `ps` and `mem` show: a task's id, state, priority and
// name by table slot, and the frame counts. Read-only views of kernel state.
import HAL
import KenixABI

extension Kernel {
    /// `task_info(slot)`: x0 = id (0 for a free slot), x1 = TaskStateCode,
    /// x2 = priority, x3/x4 = the first 16 bytes of the name, little-endian.
    mutating func taskInfo(_ slot: Int, of index: UInt64) {
        guard index >= 1, index < UInt64(TaskTable.capacity) else { return setError(slot, .invalidArgument) }
        let t = tasks[Int(index)]
        let ctx = tasks[slot]
        guard t.pointee.state != .free else {
            for r in 0..<5 { ctx.pointee.context.x[r] = 0 }
            return
        }
        let code: TaskStateCode
        switch t.pointee.state {
        case .running: code = .running
        case .ready: code = .ready
        case .blocked: code = .blocked
        case .zombie, .free: code = .zombie
        }
        var words = (UInt64(0), UInt64(0))
        withUnsafeBytes(of: t.pointee.name) { raw in
            withUnsafeMutableBytes(of: &words) { out in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<16]))
            }
        }
        ctx.pointee.context.x[0] = t.pointee.id.raw
        ctx.pointee.context.x[1] = code.rawValue
        ctx.pointee.context.x[2] = UInt64(t.pointee.priority)
        ctx.pointee.context.x[3] = UInt64(littleEndian: words.0)
        ctx.pointee.context.x[4] = UInt64(littleEndian: words.1)
    }

    /// `mem_info`: x0 = free frames, x1 = all frames the kernel manages,
    /// x2 = swap slots (0 without swap), x3 = swap slots in use, x4 = pages
    /// written to swap, x5 = pages read back (both since boot).
    mutating func memInfo(_ slot: Int) {
        let ctx = tasks[slot]
        ctx.pointee.context.x[0] = UInt64(frames.freeCount)
        ctx.pointee.context.x[1] = UInt64(frames.frameCount)
        ctx.pointee.context.x[2] = UInt64(swapSlots)
        ctx.pointee.context.x[3] = UInt64(swapSlots - freeSwapSlots)
        ctx.pointee.context.x[4] = pagesOut
        ctx.pointee.context.x[5] = pagesIn
    }
}
