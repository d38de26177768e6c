// SharedMemoryObject: a run of physically contiguous, zeroed frames that the
// object owns. Tasks gain access by creating it or being granted it; access
// is a bit per task slot. The frames are freed when the last task with
// access lets go (unmapping is not enough: access ends when the task exits
// or releases it) and no device is moving data in or out of them (`pins`).
// The objects live in an ObjectTable, named by generation-checked ids.
import HAL

struct SharedMemoryObject: TableEntry {
    var id: UInt64 = 0          // 0 = free slot
    var base = PhysAddr(0)
    var pages = 0
    /// Bit i set: task slot i may map the object.
    var holders: UInt64 = 0
    /// Disk requests in flight on the frames (Block/): they stay allocated
    /// until the last one completes, whoever still holds the object.
    var pins = 0
    var generation: UInt64 = 0
    static var capacity: Int { KernelCapacity.sharedMemoryObjects }
}

typealias SharedMemoryTable = ObjectTable<SharedMemoryObject>
