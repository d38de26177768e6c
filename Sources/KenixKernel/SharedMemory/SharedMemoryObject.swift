// SharedMemoryObject: a run of physically contiguous, zeroed frames that the
// object owns. Tasks reach it through handles (docs/capabilities.md); a
// mapping also keeps it, and so does every disk request in flight on it
// (`pins`). The frames are freed when the last handle is closed, the last
// mapping is gone and no device is moving data in or out of them. The
// objects live in an ObjectTable, named by generation-checked ids.
import HAL

struct SharedMemoryObject: TableEntry {
    var id: UInt64 = 0          // 0 = free slot
    var base = PhysAddr(0)
    var pages = 0
    /// Live handles to it, in every table.
    var handles = 0
    /// Tasks' mappings of it.
    var mappings = 0
    /// Disk requests in flight on the frames (Block/): they stay allocated
    /// until the last one completes, whoever still holds the object.
    var pins = 0
    /// The task whose quota paid for the frames (Quota).
    var payer = TaskID(raw: 0)
    /// Bumped by `handle_revoke`: handles from an older epoch are dead.
    var epoch: UInt32 = 0
    var generation: UInt64 = 0
    static var capacity: Int { KernelCapacity.sharedMemoryObjects }
}

typealias SharedMemoryTable = ObjectTable<SharedMemoryObject>
