// KernelCapacity: every fixed capacity of the kernel, in one place. Kernel
// objects live in tables sized here, allocated once at boot. Where a
// representation depends on a capacity (a bitmask with a bit per task slot,
// an ASID per slot, an id encoding), `check()` proves it at boot on every
// backend, and the unit tests call it too.
//
// The inline storage types are declared here as well, so a literal size
// sits beside the constant it must equal.
import HAL
import KenixABI

public enum KernelCapacity {
    /// Task slots (slot 0 is never used), sized from RAM: one per 32 frames
    /// (1,024 with 128 MiB), at least 64, at most 4,096. The table and every
    /// task's handles live in frames the kernel takes at boot.
    public static func taskSlots(forFrames frames: Int) -> Int { min(max(frames / 32, 64), 4096) }
    public static let minimumTaskSlots = 64
    public static let maximumTaskSlots = 4096
    /// Handles one task may hold at once (its handle table).
    public static let handlesPerTask = 64
    /// Shared-memory objects and notification objects (each table's index 0
    /// is never used).
    public static let sharedMemoryObjects = 256
    public static let notifications = 256
    /// Interrupt lines routed to user-space drivers.
    public static let interruptRoutes = 16
    /// Well-known service keys (key 0 is never used).
    public static let services = 8
    /// Shared-memory objects mapped at once by one task.
    public static let sharedMemoryMappingsPerTask = 8
    /// Regions (program segments, mmap, heap, stack) of one task.
    public static let regionsPerTask = 64
    /// Disk transfers the pager keeps in flight (at most the disk's queue depth).
    public static let pageTransfers = 32
    /// Outstanding `task_watch` requests, all tasks together.
    public static let taskWatches = 1024
    /// init's objects ceiling (Quota, `.objects`): notifications,
    /// shared-memory objects and task watches together. Below the smallest of
    /// those tables, so no subtree, init's included, can fill one: a table is
    /// never what says no.
    public static let objectsCeiling = min(notifications, sharedMemoryObjects, taskWatches) - 1
    /// Data disks lent to user-space drivers (further disks are ignored).
    public static let dataDisks = 8
    /// Requests one data disk takes at once (at most its device's depth).
    public static let blockRequestsPerDisk = 16
    /// Block requests tracked at once, for every data disk together.
    public static let blockRequests = dataDisks * blockRequestsPerDisk
    /// Bytes of a task's name kept for diagnostics.
    public static let taskNameBytes = 16
    /// Loadable segments of a program image.
    public static let elfSegments = 8

    /// Proves the representations that depend on these numbers. Traps at
    /// boot (a build mistake, never a user's) when one does not hold.
    public static func check() {
        precondition(maximumTaskSlots <= Int(UInt16.max) + 1, "KernelCapacity: a task slot is its 16-bit ASID")
        precondition(taskSlots(forFrames: 0) == minimumTaskSlots && taskSlots(forFrames: .max) == maximumTaskSlots,
                     "KernelCapacity: task slots are clamped")
        precondition(handlesPerTask <= 0xFFFF, "KernelCapacity: a handle value holds its entry in 16 bits")
        precondition(InterruptRoutes(repeating: InterruptRoute()).count == interruptRoutes,
                     "KernelCapacity: InterruptRoutes size")
        precondition(ServiceTable(repeating: TaskID(raw: 0)).count == services, "KernelCapacity: ServiceTable size")
        precondition(ShmMappings(repeating: ShmMapping()).count == sharedMemoryMappingsPerTask,
                     "KernelCapacity: ShmMappings size")
        precondition(RegionStorage(repeating: .none).count == regionsPerTask, "KernelCapacity: RegionStorage size")
        precondition(TaskName(repeating: 0).count == taskNameBytes, "KernelCapacity: TaskName size")
        precondition(SegmentStorage(repeating: ELFSegment.none).count == elfSegments,
                     "KernelCapacity: SegmentStorage size")
        precondition(DataDiskTable(repeating: DataDisk()).count == dataDisks, "KernelCapacity: DataDiskTable size")
        precondition(dataDisks <= Int(BlockSubmitLayout.diskMask) + 1, "KernelCapacity: a disk index is 8 bits of x0")
    }
}

typealias InterruptRoutes = InlineArray<16, InterruptRoute>
typealias ServiceTable = InlineArray<8, TaskID>
typealias ShmMappings = InlineArray<8, ShmMapping>
typealias RegionStorage = InlineArray<64, MemoryRegion>
typealias TaskName = InlineArray<16, UInt8>
typealias SegmentStorage = InlineArray<8, ELFSegment>
typealias DataDiskTable = InlineArray<8, DataDisk>
