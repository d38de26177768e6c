// PageTransfers: the pager's disk requests in flight, one page each. An entry
// owns its frame until the disk completes (the device is moving data in or
// out of it) and holds a reference on its swap slot. The entry's index is the
// request's tag. Allocated once at boot, outside the Kernel value.
import HAL

struct PageTransfer {
    var operation: BlockOperation = .read
    /// The page's frame: the data source of a page-out, the target of a page-in.
    var frame = PhysAddr(0)
    var slot: UInt64 = 0
    /// The task whose page this is, and where (checked again at completion:
    /// the task may have ended or unmapped the page meanwhile).
    var owner = TaskID(raw: 0)
    var page: UInt64 = 0
    var inUse = false
}

struct PageTransfers {
    let capacity: Int
    private(set) var count = 0
    private(set) var writesInFlight = 0
    private let entries: UnsafeMutablePointer<PageTransfer>

    init(capacity: Int) {
        self.capacity = capacity
        entries = .allocate(capacity: max(capacity, 1))
        entries.initialize(repeating: PageTransfer(), count: max(capacity, 1))
    }

    var isFull: Bool { count == capacity }

    /// Page-outs may fill the table only up to here: the rest is kept for
    /// page-ins, so a task waiting for its page is not queued behind a
    /// whole table of write-backs.
    var hasRoomForWrite: Bool { count < capacity - capacity / 4 }

    /// Stores `transfer`; returns its tag, or nil when the table is full.
    mutating func insert(_ transfer: PageTransfer) -> Int? {
        for i in 0..<capacity where !entries[i].inUse {
            entries[i] = transfer
            entries[i].inUse = true
            count += 1
            if transfer.operation == .write { writesInFlight += 1 }
            return i
        }
        return nil
    }

    /// Removes and returns the transfer with `tag` (nil for an unknown tag).
    mutating func take(_ tag: UInt64) -> PageTransfer? {
        guard tag < UInt64(capacity), entries[Int(tag)].inUse else { return nil }
        let t = entries[Int(tag)]
        entries[Int(tag)].inUse = false
        count -= 1
        if t.operation == .write { writesInFlight -= 1 }
        return t
    }

    /// Whether a page of `owner` is being written out (the write may still
    /// fail and put the page back in RAM).
    func hasWrite(owner: TaskID) -> Bool {
        guard writesInFlight > 0 else { return false }
        for i in 0..<capacity where entries[i].inUse && entries[i].operation == .write && entries[i].owner == owner {
            return true
        }
        return false
    }

    /// Whether the disk is moving data for `slot` now.
    func isBusy(slot: UInt64) -> Bool {
        for i in 0..<capacity where entries[i].inUse && entries[i].slot == slot { return true }
        return false
    }
}
