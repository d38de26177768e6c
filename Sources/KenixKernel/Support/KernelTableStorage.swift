// Kernel tables sized at boot (the task table, the handle tables) live in
// frames the kernel takes for itself before any task runs: sized from RAM,
// they would outgrow a fixed kernel heap on a large machine, and on a small
// one they take their share of RAM like everything else.
import HAL

enum KernelTableStorage {
    /// `bytes` of zeroed, page-aligned memory from `frames` (contiguous), and
    /// the frames it took; nil when RAM cannot hold it.
    static func allocate<M: PhysicalMemory>(bytes: Int, frames: inout FrameAllocator,
                                            memory: M) -> (UnsafeMutableRawPointer, Int)? {
        let page = Int(PageGeometry.pageSize)
        let count = (bytes + page - 1) / page
        guard let base = frames.allocate(count: count) else { return nil }
        let pointer = memory.pointer(to: base)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: count * page)
        return (pointer, count)
    }
}
