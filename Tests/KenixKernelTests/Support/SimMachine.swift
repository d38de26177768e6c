// SimMachine: the whole state of the scripted test machine, shared by every
// ScriptedHAL role (CPU, MMU, GIC, timer, UART, RAM, trace, and the disk,
// display and keyboard when a test asks for them). It is a plain
// single-threaded object; nothing here reads the host clock, so a run is a
// pure function of its programs. Tests read its logs after `Kernel.run()`.
import HAL
import KenixABI

/// One `.record` step: when it ran, in which program, and the task's x0–x5 then.
struct LogEntry: Equatable, CustomStringConvertible {
    var time: UInt64
    var program: String
    var label: String
    var x: [UInt64]
    var sp: UInt64 = 0

    var x0: UInt64 { x[0] }
    /// x0 read as a syscall error, nil when it is not one.
    var error: SyscallError? { SyscallError(rawValue: Int64(bitPattern: x[0])) }
    var description: String { "\(time)ns \(program).\(label) x=\(x.map { String($0, radix: 16) })" }
}

/// A trace event as the test HAL stamped it.
struct TimedTraceEvent: Equatable, CustomStringConvertible {
    var time: UInt64
    var kind: TraceKind
    var a: UInt64, b: UInt64, c: UInt64
    var description: String { "\(time) \(kind) \(a) \(b) \(c)" }
}

/// The interpreted form of one test program, found by its entry address.
struct LoadedScript {
    var name: String
    var entry: UInt64
    var steps: [Step]
    /// Where each string operand lives in the program's read-only data.
    var strings: [String: UInt64]
}

final class SimMachine {
    // RAM: one host buffer standing for physical [ramBase, ramBase + ramSize).
    let ramBase: UInt64
    let ramSize: UInt64
    let ram: UnsafeMutableRawPointer
    /// Where out-of-RAM pointers land, so a kernel bug is reported, not a host crash.
    let scratch: UnsafeMutableRawPointer
    static let scratchSize = 1 << 20

    // Clock (ticks) and the one-shot timer.
    var now: UInt64 = 0
    let frequency: UInt64
    var deadline: UInt64? = nil
    static let timerIRQ = IRQ(27)
    static let uartIRQ = IRQ(33)

    // Interrupt controller.
    var enabledIRQs: Set<UInt32> = []
    var activeIRQs: Set<UInt32> = []

    // MMU: the active address space and a TLB of (ASID, page) → leaf.
    var activeRoot: PhysAddr? = nil
    var activeASID: ASID? = nil
    var tlb: [TLBKey: TLBEntry] = [:]
    var activations = 0
    var invalidations: [(asid: ASID, page: VirtAddr?)] = []

    /// Ranges the kernel asked to make visible to instruction fetches.
    var instructionSyncs: [PhysRange] = []

    // Devices and logs.
    var uartOutput: [UInt8] = []
    var uartInput: [UInt8] = []
    var trace: [TimedTraceEvent] = []
    var log: [LogEntry] = []
    /// Mistakes of the kernel or the test that the HAL detected (must stay empty).
    var harnessErrors: [String] = []

    // Programs and run limits (a runaway test halts instead of hanging).
    var scripts: [UInt64: LoadedScript] = [:]
    var enterCount = 0
    /// Script steps executed, every task together: the scripted CPU's
    /// retired instructions (CPU.instructionsRetired).
    var stepsExecuted: UInt64 = 0
    /// Offer faults to the kernel's FaultResolver (ScriptedCPU), and how
    /// many it resolved.
    var resolveFaultsInPlace = true
    var faultsResolvedInPlace = 0
    /// Set while the kernel's FaultResolver runs (inside a CPU run), and
    /// the page-outs it started then: it must start none.
    var resolving = false
    var pageOutsWhileResolving = 0
    var maxEnters = 200_000
    var timeLimit: UInt64 = 60_000_000_000

    init(ramBase: UInt64, ramSize: UInt64, frequency: UInt64 = 1_000_000_000) {
        self.ramBase = ramBase
        self.ramSize = ramSize
        self.frequency = frequency
        ram = .allocate(byteCount: Int(ramSize), alignment: 4096)
        // Garbage, not zeros: the kernel must zero what it hands out.
        ram.initializeMemory(as: UInt8.self, repeating: 0xA5, count: Int(ramSize))
        scratch = .allocate(byteCount: Self.scratchSize, alignment: 4096)
        scratch.initializeMemory(as: UInt8.self, repeating: 0, count: Self.scratchSize)
    }

    deinit {
        ram.deallocate()
        scratch.deallocate()
    }

    /// Host pointer for a physical address; out-of-RAM accesses are recorded.
    func pointer(to address: PhysAddr) -> UnsafeMutableRawPointer {
        guard address.raw >= ramBase, address.raw - ramBase < ramSize else {
            harnessErrors.append("access outside RAM at 0x\(String(address.raw, radix: 16))")
            return scratch
        }
        return ram + Int(address.raw - ramBase)
    }

    /// Copies `bytes` into RAM at `address`.
    func store(_ bytes: [UInt8], at address: PhysAddr) {
        bytes.withUnsafeBytes { pointer(to: address).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    // MARK: Interrupt state

    /// The timer line is raised while the deadline has passed (level-triggered).
    var timerLineHigh: Bool { deadline.map { now >= $0 } ?? false }

    /// Device lines (level-triggered) that are raised now, and raises that
    /// a test scheduled for later (a device completing at a known time).
    var deviceLinesHigh: Set<UInt32> = []
    var scheduledRaises: [(time: UInt64, irq: UInt32)] = []

    /// The swap disk, when the test asked for one (TestSystem's `disk:`),
    /// and the data disks (`dataDisks:`).
    var disk: ScriptedDisk? = nil
    var dataDisks: [ScriptedDisk] = []
    var allDisks: [ScriptedDisk] { (disk.map { [$0] } ?? []) + dataDisks }
    /// The display and the keyboard, when the test asked for them
    /// (TestSystem's `display:` and `keyboard:`).
    var display: ScriptedFramebuffer? = nil
    var keyboard: ScriptedKeyboard? = nil

    /// Raises the scheduled lines whose time has come, finishes the disk
    /// requests that are due (moving their data), and queues the key events
    /// that have arrived.
    func updateDeviceLines() {
        for event in scheduledRaises where event.time <= now { deviceLinesHigh.insert(event.irq) }
        scheduledRaises.removeAll { $0.time <= now }
        for d in allDisks { d.finish(upTo: now) }
        keyboard?.arrive(upTo: now)
    }

    /// The lowest-numbered line the CPU would take now, as a GIC orders them.
    var deliverableIRQ: IRQ? {
        updateDeviceLines()
        var lines = deviceLinesHigh
        if timerLineHigh { lines.insert(Self.timerIRQ.number) }
        for d in allDisks where d.hasCompletion { lines.insert(d.irq.number) }
        if let keyboard, keyboard.hasEvent { lines.insert(keyboard.irq.number) }
        return lines.sorted().map(IRQ.init).first { canSignal($0) }
    }

    /// An interrupt the CPU would take now.
    var interruptDeliverable: Bool { deliverableIRQ != nil }

    /// When the next interrupt will become deliverable if time runs on, or nil.
    var nextInterruptTime: UInt64? {
        var next: UInt64? = nil
        if let deadline, canSignal(Self.timerIRQ) { next = deadline }
        for event in scheduledRaises where canSignal(IRQ(event.irq)) { next = min(next ?? event.time, event.time) }
        for d in allDisks where canSignal(d.irq) {
            if let finish = d.nextFinish { next = min(next ?? finish, finish) }
        }
        if let keyboard, canSignal(keyboard.irq), let arrival = keyboard.nextArrival {
            next = min(next ?? arrival, arrival)
        }
        return next
    }

    private func canSignal(_ irq: IRQ) -> Bool {
        enabledIRQs.contains(irq.number) && !activeIRQs.contains(irq.number)
    }

    /// Acknowledges since the kernel last ran a task or idled: a kernel that
    /// keeps taking a level interrupt it never clears would otherwise spin.
    var acknowledgesWithoutProgress = 0
    static let interruptStormLimit = 10_000
    var interruptStorm = false

    var runLimitReached: Bool { enterCount > maxEnters || now > timeLimit || interruptStorm }
}

struct TLBKey: Hashable {
    var asid: UInt16
    var page: UInt64
}

struct TLBEntry {
    var frame: UInt64
    var descriptor: PageDescriptor
    var level: UInt8
}
