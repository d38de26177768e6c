// The kernel's tasks as a debugger sees them (HAL/TaskInspection.swift):
// reached through the kernel's FaultResolver conformance while a CPU runs a
// task. Read-only here; what the debugger does with a saved context is its
// own business (it is not the kernel's state machine, only registers).
import HAL

extension Kernel {
    public func inspectTasks(_ visit: (InspectedTask) -> Void) {
        for s in tasks.slotsEverUsed {
            let t = tasks[s]
            guard t.pointee.state != .free else { continue }
            var words = (UInt64(0), UInt64(0))
            withUnsafeBytes(of: t.pointee.name) { raw in
                withUnsafeMutableBytes(of: &words) { out in
                    out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<16]))
                }
            }
            // `context:` is the saved context's address in the task table
            // (reached through its addressor, so it outlives the closure).
            visit(InspectedTask(id: t.pointee.id.raw, name: words, nameLength: min(t.pointee.nameLength, 16),
                                root: t.pointee.space?.root, running: current == s,
                                zombie: t.pointee.state == .zombie,
                                context: withUnsafeMutablePointer(to: &t.pointee.context) { $0 }))
        }
    }
}
