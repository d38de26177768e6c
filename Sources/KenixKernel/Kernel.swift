// Kernel<H>: the whole kernel state and its single loop. A backend creates one
// with its HAL (which boots init from the initrd), then calls `run()`, which
// returns only when init ends, nothing can run any more, or the platform
// halts the machine. All kernel objects live in fixed tables allocated here.
import HAL
import KenixABI

/// How `Kernel.run()` ended.
public enum RunOutcome: Equatable, Sendable {
    /// init called `exit(status)`.
    case initExited(status: Int64)
    /// init was killed for a fault (`KillReason` raw value).
    case initKilled(reason: UInt64)
    /// Every task is blocked and nothing can ever wake one.
    case deadlock
    /// The platform stopped the machine (the simulator's time limit).
    case halted
}

/// Why the kernel could not start init.
public enum BootError: Error, Equatable, Sendable {
    case noInitrd
    case malformedInitrd(CPIOError)
    case initNotFound
    case badInit(ELFError)
    case outOfMemory
}

/// Static kernel configuration (no hidden global state).
public struct KernelConfig: Sendable {
    /// Round-robin time slice, in ns of kernel clock.
    public var timeSlice: UInt64 = 1_000_000
    public var initPriority: UInt8 = 16
    /// The boot-image program started as the first task.
    public var initName: [UInt8] = [0x69, 0x6E, 0x69, 0x74]   // "init"
    /// The first task's x0 (its spawn argument).
    public var initArgument: UInt64 = 0
    /// Take the IPC fast path (Kernel+FastPath) where it applies. Runs are
    /// identical either way; the switch exists so the tests prove it.
    public var ipcFastPath = true
    /// Let a CPU resolve demand-zero, copy-on-write and access-flag faults
    /// on the spot (Memory/Kernel+FaultResolver). Runs differ only in the
    /// traps they take; the switch exists so the tests prove it.
    public var resolveFaultsInPlace = true
    public init() {}
}

public struct Kernel<H: HAL> {
    public let hal: H
    public let config: KernelConfig
    var frames: FrameAllocator
    var tasks: TaskTable
    /// Every task's handle table (Capabilities/).
    var handles: HandleTable
    /// Frames the kernel took at boot for its tables (statistics, tests).
    public let tableFrames: Int
    var ready = ReadyQueues()
    /// The running task's slot, if any.
    var current: Int? = nil
    /// Tasks in a timed wait (sleep, or IPC with a timeout), sorted by
    /// `wakeAt`; slot indices linked through `timerNext`.
    var timedHead = -1
    var shm = SharedMemoryTable()
    var notifications = NotificationTable()
    var watches = TaskWatchTable()
    var interruptRoutes = InterruptRoutes(repeating: InterruptRoute())
    let initrd: CPIOArchive
    var uartOwner: TaskID? = nil
    var keyboardOwner: TaskID? = nil
    var services = ServiceTable(repeating: TaskID(raw: 0))
    var initTask = TaskID(raw: 0)
    var outcome: RunOutcome? = nil
    var activeASID: ASID? = nil
    /// The deadline last programmed into the timer, in ticks.
    var armedDeadline: UInt64? = nil
    var armedDeferrable = false
    /// When the running task's slice ends (ns).
    var sliceEnd: UInt64 = 0
    /// The timer's tick in ns when it is a whole number (16 at QEMU's 62.5
    /// MHz, 1 in kenix-sim), else 0: the clock is read on every switch, and
    /// a multiply is much cheaper there than a 128-bit division.
    let nanosecondsPerTick: UInt64
    /// IPC operations the fast path completed (statistics; tests check it is used).
    public internal(set) var ipcFastPathCount: UInt64 = 0

    // The pager (Memory/Kernel+Pager): the swap area's slots when the
    // platform has a disk, the disk requests in flight, the watermarks and
    // the clock hand (task slot, next address).
    var swap: SwapSpace?
    var transfers: PageTransfers
    let pager: PagerPolicy
    var clockHand = (slot: 1, address: UInt64(0))
    /// Free frames fell below the low watermark during the last trap.
    var reclaimPending = false
    let diskIRQ: IRQ?
    // Data disks lent to user-space drivers (Block/): their owners and
    // queues, and every request from submission until it is collected.
    var dataDisks = DataDiskTable(repeating: DataDisk())
    var dataDiskCount = 0
    var blockRequests = BlockRequests()
    /// Pages written to swap and read back (statistics).
    public internal(set) var pagesOut: UInt64 = 0
    public internal(set) var pagesIn: UInt64 = 0
    /// Leaves the clock hand looked at (statistics: the cost of choosing).
    public internal(set) var pagesScanned: UInt64 = 0

    public init(hal: H, config: KernelConfig = KernelConfig()) throws(BootError) {
        KernelCapacity.check()
        self.hal = hal
        self.config = config
        let frequency = hal.timer.frequency
        nanosecondsPerTick = frequency > 0 && 1_000_000_000 % frequency == 0 ? 1_000_000_000 / frequency : 0
        let boot = hal.boot
        var reserved = boot.reserved
        reserved.append(boot.initrd)
        // The pixels are the display's, whatever the backend listed.
        if let display = hal.display { reserved.append(display.pixels) }
        frames = FrameAllocator(ram: boot.ram, reserved: reserved)
        let slots = KernelCapacity.taskSlots(forFrames: frames.frameCount)
        let handleBytes = HandleTable.storageBytes(taskSlots: slots, perTask: KernelCapacity.handlesPerTask)
        guard let taskStorage = KernelTableStorage.allocate(bytes: TaskTable.storageBytes(capacity: slots),
                                                            frames: &frames, memory: hal.memory),
              let handleStorage = KernelTableStorage.allocate(bytes: handleBytes, frames: &frames, memory: hal.memory)
        else { throw .outOfMemory }
        tasks = TaskTable(capacity: slots, storage: taskStorage.0)
        handles = HandleTable(taskSlots: slots, perTask: KernelCapacity.handlesPerTask, storage: handleStorage.0)
        tableFrames = taskStorage.1 + handleStorage.1
        pager = PagerPolicy(frameCount: frames.frameCount)
        let disk = hal.swapDevice
        // Not `disk.flatMap { SwapSpace(...) }`: under Swift 6.3.1 (debug
        // build) the nil that stored left `swap?.slotCount` reading garbage
        // for init's swap quota, though `swap == nil` held.
        if let disk, let space = SwapSpace(sectorCount: disk.sectorCount, sectorSize: disk.sectorSize) {
            swap = space
        } else {
            swap = nil
        }
        diskIRQ = swap == nil ? nil : disk?.irq
        transfers = PageTransfers(capacity: swap == nil ? 0 : min(KernelCapacity.pageTransfers, disk?.queueDepth ?? 0))
        guard boot.initrd.size > 0 else { throw .noInitrd }
        let image = UnsafeRawBufferPointer(start: hal.memory.pointer(to: boot.initrd.base),
                                           count: Int(boot.initrd.size))
        do { initrd = try CPIOArchive(image) } catch { throw .malformedInitrd(error) }

        // Before init: its handles name the data disks.
        setUpDataDisks()
        let spawned = config.initName.withUnsafeBytes { name in
            spawnTask(named: name, arg: config.initArgument, priority: config.initPriority, parent: nil)
        }
        switch spawned {
        case .success(let slot):
            initTask = tasks[slot].pointee.id
            giveBootHandles(to: slot)
        case .failure(.notFound): throw .initNotFound
        case .failure(.badExecutable(let e)): throw .badInit(e)
        case .failure(.outOfMemory), .failure(.tableFull): throw .outOfMemory
        }
        hal.interrupts.enable(hal.timer.irq)
        if let diskIRQ { hal.interrupts.enable(diskIRQ) }
    }

    /// Runs tasks until init ends, a deadlock, or a halt.
    public mutating func run() -> RunOutcome {
        while true {
            if let outcome { return outcome }
            schedule()
            guard let slot = current else {
                hal.trace.record(TraceEvent(.idle, UInt64(frames.freeCount)))
                switch hal.cpu.waitForInterrupt() {
                case .interrupt: handleInterrupt()
                case .noFutureEvents: return .deadlock
                case .halt: return .halted
                }
                continue
            }
            let task = tasks[slot]
            let asid = task.pointee.space!.asid
            if activeASID != asid {
                hal.mmu.activate(root: task.pointee.space!.root, asid: asid)
                activeASID = asid
            }
            // `task` points into the task table, not into `self`: the CPU
            // borrows the context while it may call back into the kernel as
            // its FaultResolver, which never touches a context.
            let cpu = hal.cpu
            let trap = cpu.enterUser(&task.pointee.context, resolver: &self)
            // A pattern, not `==`: Trap's derived equality is a call per trap.
            if case .halt = trap { return .halted }
            handle(trap, from: slot)
            if reclaimPending { reclaimIfPending() }
        }
    }

    // MARK: Inspection (tests, debuggers, the shell's `ps`/`mem`)

    public var freeFrames: Int { frames.freeCount }
    public var totalFrames: Int { frames.frameCount }
    public var initID: TaskID { initTask }
    public var runningTask: TaskID? { current.map { tasks[$0].pointee.id } }
    public func state(of id: TaskID) -> TaskState? { tasks.slot(of: id).map { tasks[$0].pointee.state } }
    public func priority(of id: TaskID) -> UInt8? { tasks.slot(of: id).map { tasks[$0].pointee.priority } }
    public var liveTaskCount: Int { tasks.liveCount }
    /// Swap slots (pages) of the swap area, and how many are free (0 and 0 without swap).
    // Spelled as switches for the same Swift 6.3.1 -Onone miscompile as in
    // init above: `swap?.slotCount ?? 0` read the payload of a nil `swap`,
    // which gave init a garbage swap ceiling and trapped task_quota (seen in
    // kenix-sim boots without --max-time, Tests/System/run.sh).
    public var swapSlots: Int {
        switch swap {
        case .some(let s): return s.slotCount
        case .none: return 0
        }
    }
    public var freeSwapSlots: Int {
        switch swap {
        case .some(let s): return s.freeCount
        case .none: return 0
        }
    }
    /// Data disks lent to user space, and block requests the kernel tracks
    /// (in flight or waiting to be collected) on data disk `k`.
    public var dataDiskTotal: Int { dataDiskCount }
    public func outstandingBlockRequests(disk k: Int) -> Int { k < dataDiskCount ? dataDisks[k].outstanding : 0 }
    /// The kernel clock in ns.
    public var now: UInt64 { nanoseconds(fromTicks: hal.timer.now()) }
}
