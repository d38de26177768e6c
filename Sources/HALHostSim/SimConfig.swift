// SimConfig: everything that defines a simulated machine and its run.
//
// The same config (image, seed, scripted input) gives the same run and the
// same trace hash; `realtime` and a live `terminal` are the two ways host
// time gets in (the terminal's key arrivals can be recorded and replayed).
import SimHost
import CDynarmic

/// Where the simulated UART's output goes.
public enum ConsoleSink {
    /// The host's standard output (line-buffered).
    case standardOutput
    /// Kept in `SimMachine.consoleOutput` (for tests).
    case capture
    /// Dropped (still hashed into the trace).
    case discard
    /// Handed to a closure, one byte at a time.
    case custom((UInt8) -> Void)
}

public struct SimConfig {
    /// Physical address of RAM (QEMU virt's RAM base).
    public var ramBase: UInt64 = 0x4000_0000
    /// RAM size in bytes, a multiple of 4 KiB in [minimumRAM, maximumRAM].
    public var ramSize: UInt64 = 128 << 20

    /// Whether `bytes` is a RAM size a machine takes: a whole number of
    /// pages from minimumRAM to maximumRAM.
    public static func isValidRAMSize(_ bytes: UInt64) -> Bool {
        bytes >= minimumRAM && bytes <= maximumRAM && bytes % 4096 == 0
    }
    public static let minimumRAM: UInt64 = 1 << 20
    /// The kernel's frame tables grow with RAM (3 bytes per 4 KiB frame).
    public static let maximumRAM: UInt64 = 64 << 30
    /// The boot image (cpio newc). Copied to the top of RAM.
    public var initrd: [UInt8] = []
    /// Seeds the simulator's own nondeterminism (timer jitter).
    public var seed: UInt64 = 0
    /// Simulated time (ns) at which the machine halts.
    public var maxTime: UInt64 = .max
    /// The real-time clock: the time (seconds since 1970-01-01 00:00 UTC)
    /// at power-on; real time then advances with simulated time. Fixed, so
    /// runs stay deterministic. The default is 2026-01-01 00:00:00 UTC.
    public var epoch: UInt64 = SimConfig.defaultEpoch
    public static let defaultEpoch: UInt64 = 1_767_225_600
    /// Timer deadlines fire late by a seeded 0..<timerJitter ns (interrupt
    /// latency). 0 makes them exact.
    public var timerJitter: UInt64 = 2000
    /// Longest stretch of user code between two interrupt checks.
    public var sliceInstructions: UInt64 = 1_000_000
    /// The CPU engine that executes user code. Both give the same run.
    public var cpu: SimCPUKind = .jit
    /// JIT engine: entries to a block before dynarmic translates it (until
    /// then the cold tier interprets it); 0 translates every block at its
    /// first entry. Never changes a run, only its host time.
    public var hotThreshold: UInt32 = SimConfig.defaultHotThreshold
    public static let defaultHotThreshold = UInt32(KD_DEFAULT_HOT_THRESHOLD)
    /// JIT engine: the loop compiler's mode. Never changes a run.
    public var loopCompiler: SimLoopCompiler = .background
    /// Runs that must have ended at their budget (a time slice's end) in the
    /// same 64 bytes of code before the loop compiler makes a region there
    /// (tests: 1).
    public var loopHot = UInt32(KD_DEFAULT_LOOP_HOT)
    /// For a process that boots machine after machine (`kenix-sim swarm`,
    /// kenix-bench): cores keep their translations and their counts from
    /// one boot to the next, so code a boot runs once is worth translating
    /// after a few boots; with 256 it stayed interpreted for good (swarm of
    /// 200: 22.5 boots/s at 256, 25.5 at 8, 25.2 at 0).
    public static let hotThresholdForManyBoots: UInt32 = 8
    /// Idle time jumps also sleep the host for the skipped time.
    public var realtime = false
    public var console: ConsoleSink = .standardOutput
    /// Typed input for the UART, read a line at a time when the machine is
    /// idle (see ConsoleInput). nil: nobody types, and no end of input comes.
    public var input: ConsoleInputSource? = nil
    /// How long after the machine went idle a line of input arrives.
    public var inputDelay: UInt64 = 1_000_000
    /// Keys from a live terminal, or a replay of a recorded session
    /// (TerminalInput): delivered at host-poll points, busy or idle.
    public var terminal: SimTerminal? = nil
    /// Host nanoseconds between two host polls (window, live terminal;
    /// SimMachine+HostPoll). Never changes a run, only when keys arrive.
    public var hostPollInterval: UInt64 = 5_000_000
    /// A text trace, one line per event, when set.
    public var traceFile: String?
    /// A Chrome trace-event JSON trace (ChromeTraceWriter), when set.
    public var traceJSONFile: String?
    /// A disk for the kernel (the swap area), when set.
    public var disk: SimDiskConfig?
    /// Data disks, lent by the kernel to user space: data disk k has
    /// completion line 50 + k (SimDisk). At most `maximumDataDisks`.
    public var dataDisks: [SimDiskConfig] = []
    public static let maximumDataDisks = 8
    /// Power cut: the machine halts the moment this many writes to data
    /// disks have completed (the last of them is on its disk, nothing
    /// later is). nil: never.
    public var powerCutAfterWrites: UInt64? = nil
    /// A framebuffer (SimDisplay: pixels in RAM just below the initrd), when set.
    public var display: SimDisplayConfig?
    /// A keyboard device (SimKeyboard, line 49). Scripted `keys` imply one.
    public var keyboard = false
    /// Keys typed on the keyboard, a line at a time when the machine is idle
    /// for good, all of them before any UART `input` (SimMachine+Input).
    public var keys: KeyInputSource? = nil

    public init(ramSize: UInt64 = 128 << 20, initrd: [UInt8] = [], seed: UInt64 = 0,
                maxTime: UInt64 = .max, console: ConsoleSink = .standardOutput) {
        self.ramSize = ramSize
        self.initrd = initrd
        self.seed = seed
        self.maxTime = maxTime
        self.console = console
    }
}

/// Why a machine could not be built.
public enum SimError: Error, Equatable {
    case badRAMSize
    case initrdTooLarge
    case hostMemory(operation: String, errno: Int32)
    case unicorn(operation: String, code: UInt32)
    /// `--cpu unicorn`, and the Unicorn library cannot be loaded (why).
    case unicornUnavailable(String)
    /// The JIT engine could not be set up (the host is out of memory).
    case jit(String)
    /// A trace file cannot be created (strerror's reason).
    case traceFile(path: String, reason: String)
    /// A disk file cannot be used.
    case disk(path: String, problem: DiskFileProblem)
    case tooManyDisks
    /// The display's size is out of range, or its pixels and the initrd
    /// together take more than half of RAM.
    case displayTooLarge
}
