// Kernel tables sized at boot (the task table, the handle tables) live in
// frames the kernel takes for itself before any task runs: sized from RAM,
// they would outgrow a fixed kernel heap on a large machine, and on a small
// one they take their share of RAM like everything else. The memory is not
// cleared: each table initializes the units it uses (InitializedPrefix).
import HAL

enum KernelTableStorage {
    /// `bytes` of page-aligned, uninitialized memory from `frames`
    /// (contiguous), and the frames it took; nil when RAM cannot hold it.
    static func allocate<M: PhysicalMemory>(bytes: Int, frames: inout FrameAllocator,
                                            memory: M) -> (UnsafeMutableRawPointer, Int)? {
        let page = Int(PageGeometry.pageSize)
        let count = (bytes + page - 1) / page
        guard let base = frames.allocate(count: count) else { return nil }
        return (memory.pointer(to: base), count)
    }
}
