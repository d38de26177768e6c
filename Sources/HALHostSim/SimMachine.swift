// SimMachine: all state of one simulated machine: RAM, the discrete-event
// clock, the interrupt controller, timer, UART, disk, display and keyboard,
// the software MMU, the CPU engine (JIT or Unicorn, CPUEngine) and the trace. The HAL role types (SimCPU, SimMMU, ...) are thin views of
// it; HostSimHAL binds them for `Kernel<HostSimHAL>`.
//
// Threading: a machine belongs to one thread at a time (the kernel loop's).
// Nothing in it is locked.
import HAL
import SimHost

public final class SimMachine {
    public let config: SimConfig
    let ram: HostRAM
    let ramBase: UInt64
    public let bootInfo: BootInfo
    /// 4 KiB of zeros: what the simulator's walker reads outside RAM.
    let zeroPage: UnsafeMutableRawPointer

    // Time (SimMachine+Time).
    /// Simulated nanoseconds since power-on; advanced only by user
    /// instructions and idle jumps.
    public internal(set) var now: UInt64 = 0
    var rng: SplitMix64
    /// The timer's effective deadline (kernel deadline plus jitter).
    var timerDeadline: UInt64?
    /// Every wait behind `timerDeadline` is deferrable (HAL Timer).
    var timerDeferrable = false
    /// The earliest time any device event or the screenshot falls due, as
    /// the last `sliceBudget` saw it: a slice that ends before it has
    /// nothing to catch up (SimMachine+Time).
    var eventHorizon: UInt64 = 0

    // Devices.
    var gic = InterruptState()
    /// The UART's receive FIFO (SimMachine+UART).
    var uartInput = TimedQueue<UInt8>()
    /// The end of `config.input` has been delivered.
    var inputEnded = false
    /// The swap disk (if any) first, then the data disks in config order.
    let disks: [SimDisk]
    /// The index of the swap disk in `disks`.
    let swapDiskIndex: Int?
    /// The level lines, lowest first (SimMachine+Interrupts).
    let levelLines: [UInt32]
    /// The same lines as bits (all are below 64).
    let levelLineMask: UInt64
    /// The power cut has come (`config.powerCutAfterWrites`): no disk moves
    /// data any more and the machine halts.
    public internal(set) var poweredOff = false
    /// Writes to data disks completed so far.
    public internal(set) var dataWritesCompleted: UInt64 = 0
    /// The host signal that stopped the run (HostSignals), if one did.
    public internal(set) var stoppedBySignal: Int32? = nil
    let display: SimDisplay?
    let keyboard: SimKeyboard?
    /// `config.keys` has given its last line.
    var keysEnded = false
    /// Keys typed in the window, not yet given to the keyboard (SimMachine+Input).
    var hostKeys: [KeyEvent] = []
    /// When `config.display.capture` is a time not yet reached.
    var captureTime: UInt64?
    /// The window, if one is open (SimMachine+Display).
    var window: SimWindow?
    /// The machine halts when the clock reaches this: `config.maxTime`, or
    /// the present when the window was closed.
    var haltTime: UInt64
    /// The run ended because the window was closed.
    public internal(set) var windowClosed = false
    /// Pumps the window and the live terminal (SimMachine+HostPoll); nil
    /// while the machine has neither.
    var hostPoller: HostPoller?
    /// How a terminal session (live or replayed) ended the run, if it did.
    public internal(set) var terminalEnd: SimTerminalEnd?

    // Trace (SimMachine+Trace). `hash` and `writesEvents` are what the
    // kernel's inlined trace calls touch (SimTracer.record).
    @usableFromInline var hash = TraceHash()
    var traceFile: HostTraceFile?
    var chromeTrace: ChromeTraceWriter?
    /// A trace file or a JSON trace is open (both are set up in init).
    @usableFromInline let writesEvents: Bool
    let hostConsole: HostConsole?
    public internal(set) var consoleOutput: [UInt8] = []

    // CPU and MMU.
    /// The table walk and fault policy both engines share.
    private(set) var mmu: SoftMMU!
    /// What executes user code (config.cpu).
    private(set) var engine: (any CPUEngine)!
    /// The same two unretained, for the per-trap path (EngineReference).
    private(set) var engineReference: EngineReference?
    private(set) var mmuReference: Unmanaged<SoftMMU>?

    public internal(set) var stats = SimStats()
    /// The gdb stub (GDB/SimDebugger), while one is attached.
    public internal(set) var debugger: SimDebugger?

    public static let timerIRQ = IRQ(27)
    public static let uartIRQ = IRQ(33)
    public static let frequency: UInt64 = 1_000_000_000

    public init(config: SimConfig) throws(SimError) {
        guard SimConfig.isValidRAMSize(config.ramSize) else { throw .badRAMSize }
        let initrdPages = (UInt64(config.initrd.count) + 4095) / 4096 * 4096
        guard initrdPages <= config.ramSize / 2 else { throw .initrdTooLarge }
        var displayPages: UInt64 = 0
        if let d = config.display {
            guard SimDisplayConfig.sideRange.contains(d.width), SimDisplayConfig.sideRange.contains(d.height)
            else { throw .displayTooLarge }
            displayPages = (UInt64(d.mode.byteCount) + 4095) / 4096 * 4096
            guard initrdPages + displayPages <= config.ramSize / 2 else { throw .displayTooLarge }
        }
        var file: HostTraceFile?
        if let path = config.traceFile {
            guard let f = HostTraceFile(path: path) else { throw .traceFile(path: path, reason: HostTraceFile.openFailure()) }
            file = f
        }
        if let path = config.traceJSONFile {
            guard let w = ChromeTraceWriter(path: path, source: "kenix-sim seed \(config.seed)") else {
                throw .traceFile(path: path, reason: HostTraceFile.openFailure())
            }
            chromeTrace = w
        }
        guard config.dataDisks.count <= SimConfig.maximumDataDisks else { throw .tooManyDisks }
        try Self.checkDistinct(config)
        var disks: [SimDisk] = []
        if let swap = config.disk { disks.append(try SimDisk(config: swap, irq: SimDisk.swapIRQ)) }
        for (k, d) in config.dataDisks.enumerated() {
            disks.append(try SimDisk(config: d, irq: IRQ(SimDisk.dataIRQBase + UInt32(k))))
        }
        self.disks = disks
        swapDiskIndex = config.disk == nil ? nil : 0
        levelLines = ([Self.timerIRQ.number, Self.uartIRQ.number, SimKeyboard.irq.number] + disks.map(\.irq.number)).sorted()
        precondition(levelLines.allSatisfy { $0 < 64 }, "HALHostSim: a level line above 63")
        levelLineMask = levelLines.reduce(0) { $0 | 1 << UInt64($1) }
        var kept = config
        kept.initrd = [] // copied into RAM below; not kept twice
        self.config = kept
        let initrdStart = config.ramSize - initrdPages
        let allocated = config.initrd.withUnsafeBytes { image in
            Result { () throws(HostMemoryError) -> HostRAM in
                try HostRAM.allocate(size: config.ramSize, aliasable: config.cpu == .unicorn, image: image,
                                     at: Int(initrdStart))
            }
        }
        let ram: HostRAM
        switch allocated {
        case .success(let r): ram = r
        case .failure(let error): throw .hostMemory(operation: "\(error.operation)", errno: error.errno)
        }
        self.ram = ram
        ramBase = config.ramBase
        zeroPage = .allocate(byteCount: 4096, alignment: 4096)
        zeroPage.initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
        // The framebuffer's pixels: whole pages just below the initrd, zeroed.
        if let d = config.display {
            let start = initrdStart - displayPages
            (ram.base + Int(start)).initializeMemory(as: UInt8.self, repeating: 0, count: Int(displayPages))
            display = SimDisplay(mode: d.mode, pixels: PhysRange(base: PhysAddr(config.ramBase + start),
                                                                  size: displayPages))
        } else {
            display = nil
        }
        keyboard = config.keyboard || config.keys != nil ? SimKeyboard() : nil
        if case .time(let t) = config.display?.capture { captureTime = t }
        haltTime = config.maxTime
        let ramRange = PhysRange(base: PhysAddr(config.ramBase), size: config.ramSize)
        bootInfo = BootInfo(ram: ramRange, reserved: display.map { [$0.pixels] } ?? [],
                            initrd: PhysRange(base: PhysAddr(config.ramBase + initrdStart),
                                              size: UInt64(config.initrd.count)),
                            realTimeAtZero: config.epoch &* 1_000_000_000)
        rng = SplitMix64(seed: config.seed)
        switch config.console {
        case .standardOutput: hostConsole = HostConsole()
        default: hostConsole = nil
        }
        traceFile = file
        writesEvents = file != nil || chromeTrace != nil
        if config.terminal != nil { hostPoller = HostPoller(interval: config.hostPollInterval, terminal: config.terminal) }
        mmu = SoftMMU(machine: self)
        mmuReference = .passUnretained(mmu)
        switch config.cpu {
        case .jit:
            let jit = try JITEngine(mmu: mmu, hotThreshold: config.hotThreshold, loopCompiler: config.loopCompiler,
                                    loopHot: config.loopHot)
            engine = jit
            engineReference = .jit(.passUnretained(jit))
        case .unicorn:
            let unicorn = try UnicornCPUEngine(machine: self)
            engine = unicorn
            engineReference = .unicorn(.passUnretained(unicorn))
        }
        // A capture at time 0 shows the screen at power-on.
        if captureTime == 0 { capture(.time(0)) }
    }

    deinit {
        window?.close()
        hostConsole?.flush()
        traceFile?.close()
        chromeTrace?.close(at: now)
        engineReference = nil
        mmuReference = nil
        engine = nil   // unmaps and gives back everything that points into RAM
        ram.release()
        zeroPage.deallocate()
    }

    /// The run's trace hash so far.
    public var traceHash: UInt64 { hash.value }

    /// Flushes console and trace output to the host, and makes every disk
    /// write so far durable there.
    public func flush() {
        hostConsole?.flush()
        traceFile?.flush()
        chromeTrace?.flush()
        for d in disks { _ = d.store.flush() }
    }

    /// Flushes, then closes every disk file (releasing its locks).
    public func closeDisks() {
        flush()
        for d in disks { d.store.closeFile() }
    }

    /// Two disks of one run are never the same host file (under any name).
    /// Checked before any file is opened: the second open would otherwise
    /// fail on the first one's lock, with a less helpful message.
    private static func checkDistinct(_ config: SimConfig) throws(SimError) {
        var paths: [String] = []
        if case .swap(let p?, _) = config.disk?.medium { paths.append(p) }
        for d in config.dataDisks { if case .file(let p) = d.medium { paths.append(p) } }
        var seen: [(device: UInt64, inode: UInt64)] = []
        for p in paths {
            guard let id = HostDiskStore.identity(of: p) else { continue }
            if seen.contains(where: { $0 == id }) { throw .disk(path: p, problem: .givenTwice) }
            seen.append(id)
        }
    }

    /// The HAL over this machine, for `Kernel<HostSimHAL>`.
    public var hal: HostSimHAL { HostSimHAL(machine: self) }

    /// The host address of physical `address` (which must lie in RAM).
    @inline(__always)
    func host(_ address: PhysAddr) -> UnsafeMutableRawPointer {
        let offset = address.raw &- ramBase
        precondition(offset < config.ramSize, "physical address outside simulated RAM")
        return ram.base + Int(offset)
    }
}

/// Counters for benchmarks and diagnostics; they never influence a run.
public struct SimStats: Sendable {
    public var traps: UInt64 = 0
    /// User instructions retired.
    public var instructions: UInt64 = 0
    public var slices: UInt64 = 0
    public var pagesMapped: UInt64 = 0
    public var regionCompactions: UInt64 = 0
    public var regionEvictions: UInt64 = 0
    /// Address spaces given an engine (Unicorn) or a JIT core.
    public var addressSpaces: UInt64 = 0
    /// Times the Unicorn engine evicted pages to stay under its cap on
    /// host mappings.
    public var capEvictions: UInt64 = 0
    public var idleJumps: UInt64 = 0
    /// `Framebuffer.present` calls.
    public var presents: UInt64 = 0
    /// Frames the window drew (presents coalesced to at most ~60 a second).
    public var windowDraws: UInt64 = 0
}

extension SimMachine {
    /// The CPU engine in use.
    public var cpuKind: SimCPUKind { engine.kind }

    /// One line of engine counters for diagnostics (`kenix-sim run --stats`).
    public var engineSummary: String {
        var s = "cpu \(engine.kind.rawValue): \(stats.instructions) instructions, \(stats.traps) traps, \(stats.slices) slices, "
            + "\(mmu.resolved) faults resolved in place"
        if let jit = engine as? JITEngine {
            let k = jit.stats
            s += "; jit: \(JITCorePool.shared.built) cores built, \(jit.steals) steals, \(jit.shares) shared, "
                + "\(k.blocks_translated) blocks translated (\(k.instructions_translated) instructions), "
                + "\(k.instructions_interpreted) instructions interpreted (\(k.cold_stubs) cold stubs), "
                + "\(k.loop_instructions) in compiled loops (\(k.loop_regions) regions), "
                + "\(k.block_splits) splits, \(k.runs) runs, "
                + "\(k.steps) steps, \(k.page_fills) page fills, \(k.tlb_flushes) TLB flushes, "
                + "\(k.pages_retranslated) code pages dropped, \(k.unsupported) unsupported"
        } else {
            let closed = (engine as? UnicornCPUEngine)?.closedForCap ?? 0
            s += "; unicorn: \(stats.addressSpaces) engines (\(closed) closed for the cap), \(stats.pagesMapped) pages mapped, "
                + "\(stats.regionCompactions) compactions, \(stats.regionEvictions) evictions, "
                + "\(stats.capEvictions) cap evictions"
        }
        return s
    }
}

extension SimMachine {
    /// Starts building `cores` JIT cores on a background thread, so that a
    /// machine made soon after finds them ready (engine set-up is most of a
    /// short run's host time). Never changes a run. Ten: what the default
    /// boot binds (one core per live address space), so the builder does not
    /// stop while a boot still needs cores (six left a boot waiting ~100 ms
    /// for its last four).
    public static func prewarm(_ cpu: SimCPUKind, cores: Int = 10) {
        if cpu == .jit { JITCorePool.shared.prewarm(cores) }
    }

    /// JIT cores for a process that boots machine after machine (`kenix-sim
    /// swarm`, kenix-bench): enough for every program of the default image
    /// to keep its own code from one boot to the next. With 24, six cores of
    /// a boot served two programs in turn (an ASID reused by another
    /// program), and every boot translated the same 344 blocks again (~19 ms
    /// of ~90); with 32, a boot after the first few translates nothing.
    public static let coresForManyBoots = 32

    /// Waits until the cores `prewarm` asked for are built: a benchmark
    /// times nothing while the builder shares its processor.
    public static func waitForPrewarm() {
        JITCorePool.shared.waitUntilBuilt()
    }

    /// Stops building JIT cores in the background (waits for the one being
    /// built). Call it before the process exits: exit() while a core is
    /// being built can crash in the JIT library's static destructors.
    public static func stopBackgroundWork() {
        JITCorePool.shared.stopBuilding()
    }
}
