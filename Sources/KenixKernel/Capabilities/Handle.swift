// Handle and HandleTable: every task's handle table, one arena for all tasks
// (KernelCapacity.handlesPerTask entries per task slot). A handle value is
// `(entry + 1) | generation << 16`: it means something only in its holder's
// table, so a task cannot forge one (a guessed number names one of its own
// handles or nothing), and closing an entry bumps its generation, so a
// stale number is refused rather than reaching the entry's next handle.
import KenixABI

/// One handle: what it names and with which rights.
struct HandleEntry {
    /// nil: a free entry.
    var kind: ObjectKind? = nil
    var rights: UInt64 = 0
    /// The object: a TaskID's raw value, a notification or shared-memory
    /// id, an interrupt line, a device code, a service key, a priority
    /// ceiling; 0 for the task directory.
    var object: UInt64 = 0
    /// The object's revocation epoch when this handle was made: a handle
    /// from an older epoch is dead (`handle_revoke`).
    var epoch: UInt32 = 0
    var generation: UInt16 = 0
}

/// A decoded handle: its table slot, and the entry as it was.
struct HandleReference {
    let index: Int
    let entry: HandleEntry
}

struct HandleTable {
    private let entries: UnsafeMutablePointer<HandleEntry>
    /// Task slots whose tables are initialized (each as a task first claims
    /// its slot, in order).
    private let initialized: InitializedPrefix
    let perTask: Int
    let taskSlots: Int

    /// Bytes of storage the tables of `taskSlots` tasks need.
    static func storageBytes(taskSlots: Int, perTask: Int) -> Int {
        InitializedPrefix.storageBytes(for: HandleEntry.self, count: taskSlots * perTask)
    }

    /// Tables of `perTask` entries for `taskSlots` tasks in `storage`
    /// (`storageBytes` bytes from KernelTableStorage, uninitialized).
    init(taskSlots: Int, perTask: Int, storage: UnsafeMutableRawPointer) {
        self.taskSlots = taskSlots
        self.perTask = perTask
        initialized = InitializedPrefix(at: storage)
        entries = InitializedPrefix.elements(in: storage, as: HandleEntry.self, count: taskSlots * perTask)
    }

    /// The task slots whose tables may hold handles (the others were never
    /// used, so every entry is free).
    var slotsEverUsed: Range<Int> { 0..<initialized.length }

    /// Task `slot`'s table. reset() initializes it when a task claims the
    /// slot (Kernel.claimTask), and every other access is to the table of a
    /// task that holds or held the slot, so there is no test here (debug
    /// builds assert it): see TaskTable's subscript for what it cost.
    @inline(__always)
    private func base(_ slot: Int) -> UnsafeMutablePointer<HandleEntry> {
        assert(initialized.covers(slot), "HandleTable: the table of a slot no task has claimed")
        return entries + slot * perTask
    }

    @inline(never) private func initialize(through slot: Int) {
        let first = initialized.length
        (entries + first * perTask).initialize(repeating: HandleEntry(), count: (slot + 1 - first) * perTask)
        initialized.extend(to: slot + 1)
    }

    /// The entry `value` names in task `slot`'s table, if it is live.
    func lookup(_ slot: Int, _ value: UInt64) -> HandleReference? {
        let index = Int(value & 0xFFFF) - 1
        guard value >> 32 == 0, index >= 0, index < perTask else { return nil }
        let e = base(slot)[index]
        guard e.kind != nil, UInt64(e.generation) == (value >> 16) & 0xFFFF else { return nil }
        return HandleReference(index: index, entry: e)
    }

    /// Installs `entry` in a free slot of task `slot`'s table; its value, or
    /// nil when the table is full.
    func insert(_ slot: Int, _ entry: HandleEntry) -> UInt64? {
        let table = base(slot)
        for i in 0..<perTask where table[i].kind == nil {
            var e = entry
            e.generation = table[i].generation
            table[i] = e
            return UInt64(i + 1) | UInt64(e.generation) << 16
        }
        return nil
    }

    /// Empties task `slot`'s table for a new task in that slot: every
    /// generation back to 0, so its handles have their well-known values
    /// (StartupHandle, InitHandle). Values are per task: no other task's
    /// stale value can name anything here.
    func reset(_ slot: Int) {
        if !initialized.covers(slot) {
            initialize(through: slot)   // a fresh table: empty already
            return
        }
        base(slot).update(repeating: HandleEntry(), count: perTask)
    }

    /// Whether task `slot`'s table has a free entry.
    func hasRoom(_ slot: Int) -> Bool {
        let table = base(slot)
        for i in 0..<perTask where table[i].kind == nil { return true }
        return false
    }

    /// Frees entry `index` of task `slot`; its value goes stale.
    func remove(_ slot: Int, _ index: Int) {
        let next = base(slot)[index].generation &+ 1
        base(slot)[index] = HandleEntry()
        base(slot)[index].generation = next
    }

    /// The live entries of task `slot` (index, entry), for teardown and scans.
    func forEach(_ slot: Int, _ body: (Int, HandleEntry) -> Void) {
        let table = base(slot)
        for i in 0..<perTask where table[i].kind != nil { body(i, table[i]) }
    }

    /// Live handles of task `slot`.
    func count(_ slot: Int) -> Int {
        var n = 0
        forEach(slot) { _, _ in n += 1 }
        return n
    }

    subscript(slot: Int, index: Int) -> HandleEntry {
        get { base(slot)[index] }
        nonmutating set { base(slot)[index] = newValue }
    }
}
