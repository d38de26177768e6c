// kenix-sim: runs Kenix inside this process on the host backend.
//
//   kenix-sim run [--initrd PATH] [--seed N] [--max-time DURATION] [--trace FILE] [--trace-json FILE] [--realtime]
//                 [--ram SIZE] [--swap FILE [--swap-size SIZE]] [--disk FILE]... [--disk-latency DURATION]
//                 [--disk-fail SPEC]...
//                 [--power-cut N] [--init NAME] [--init-arg N]
//                 [--input FILE | --replay FILE] [--record FILE] [--keys FILE]
//                 [--headless] [--no-display] [--fb-size WxH]
//                 [--screenshot FILE.png [--screenshot-at WHEN]] [--gdb [PORT] [--gdb-wait NAME]]
//
// Exit status: init's own exit status (0 when the window was closed); 64 bad
// usage; 65 malformed boot image or disk file; 66 boot image or disk file
// missing or unreadable (also an input file); 69 --gdb cannot listen, or
// --cpu unicorn without its library; 70 init killed by a fault; 71 deadlock;
// 72 the host ran out of memory (a CPU engine could not be made); 74
// screenshot, --record or trace file not written;
// 75 disk file in use; 76 --replay left the recording; 124 time limit; 125
// power cut; 128 + N stopped by signal N (SIGINT, SIGTERM, SIGHUP), after
// flushing the disks, or a --replay of a session signal N stopped. Ctrl-A x
// on a terminal: 0. With --gdb, 69 cannot listen, 137 killed from gdb.
import ArgumentParser
import HAL
import HALHostSim
import KenixKernel
import SimHost

#if canImport(Glibc)
import Glibc
#endif

@main
struct KenixSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kenix-sim",
        abstract: "Run the Kenix microkernel in a simulated AArch64 machine.",
        discussion: """
        User programs are real AArch64 EL0 code executed by a JIT (dynarmic, the default) \
        or by Unicorn (--cpu unicorn); time is a deterministic discrete-event clock \
        (1 instruction = 1 ns). The same initrd, seed and input always give the same output \
        and trace hash, on either engine. `swarm` boots many seeds in one process.
        """,
        subcommands: [Run.self, Swarm.self],
        defaultSubcommand: Run.self)

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        GDBOptions.normalize(&args)
        main(args)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot an initrd and run it until init exits.",
        discussion: """
        Prints the console on stdout, then the trace hash and simulated time on stderr. \
        Exits with init's status; 64 bad usage, 65 malformed boot image or disk file (a size \
        that is not a whole number of 512-byte sectors, not a regular file), 66 missing or \
        unreadable boot image, disk or input file, 69 --cpu unicorn without its library, 70 init \
        killed by a fault, 71 deadlock, 72 the host out of memory, 74 screenshot (or --record, \
        --trace or --trace-json file) not written, 75 disk file in use (locked by another \
        kenix-sim, QEMU or flock), 76 --replay left the recording, 124 time limit reached, 125 \
        power cut (--power-cut), 128+N stopped by signal N (SIGINT, SIGTERM, SIGHUP), or --replay \
        of a session signal N stopped; 0 after Ctrl-A x; with --gdb: 69 cannot listen, 137 killed \
        from gdb. A signal's status comes before an output not written (74), which comes before \
        how the run ended.

        Terminal: when stdin is a terminal and no --input or --replay is given, kenix-sim puts it \
        in raw mode (restored however the run ends) and the console gets every key as it is \
        typed, while the guest computes too, so Ctrl-C reaches a busy program; the guest echoes. \
        Ctrl-A x quits, Ctrl-A Ctrl-A types a Ctrl-A, Ctrl-A h shows the keys. Host time decides \
        only when keys arrive: --record FILE writes each arrival with its simulated moment, and \
        --replay FILE gives them at exactly those moments, so the session runs again the same.

        Disks: --swap gives the kernel a swap disk; each --disk FILE is a data disk (data disk 0, \
        1, ... in the order given) that the kernel lends to user space, where init starts the \
        block server (blk). A data disk is the file as it is: kenix-sim never creates, extends or \
        truncates it, holds it locked for the run (flock, and the byte-range locks QEMU uses, so \
        neither a second kenix-sim nor QEMU can open it meanwhile), and makes every completed \
        write durable (fdatasync) before it exits, however the run ends. A disk serves several \
        requests at once, finishing them out of order after a seeded latency; requests still in \
        flight when the run stops never reach the file.

        The machine has a framebuffer (640x480 XRGB8888 in reserved RAM, --fb-size) and a \
        keyboard, shown in a window that scales the screen to fit and types into the keyboard. \
        Without a display (no DISPLAY, or SDL cannot open a window) the run goes on headless \
        after a notice on stderr. Presenting never changes a run: the same trace hash with a \
        window, without one (--headless) and with a screenshot. Closing the window ends the \
        run: "kenix-sim: window closed" on stderr, exit status 0. Keys typed in the window \
        reach the keyboard at once, busy or idle, and --record keeps them as it keeps the \
        terminal's.
        """)

    @Option(help: "The boot image (cpio newc).")
    var initrd = "build/initrd.cpio"

    @Option(help: "Seed for the simulator's own nondeterminism (timer latency). The kernel never sees it.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp(
        "The CPU engine that runs user code: jit (dynarmic, the default) or unicorn.",
        discussion: "Both engines give the same run: the same output, exit status and trace hash for the same initrd, seed and input (make test checks it). unicorn is the independent, slower second implementation.",
        valueName: "ENGINE"))
    var cpu: SimCPUKind = .jit

    @Flag(help: "Print the CPU engine's counters on stderr at the end (diagnostics; they never change a run).")
    var stats = false

    @Option(name: .customLong("hot-threshold"), help: ArgumentHelp(
        "JIT engine: times a block is entered before dynarmic translates it; until then it is interpreted.",
        discussion: "0 translates every block at its first entry. Changes only host time, never the run (the same output and trace hash).",
        valueName: "N"))
    var hotThreshold: UInt32 = SimConfig.defaultHotThreshold

    @Option(name: .customLong("loop-compiler"), help: ArgumentHelp(
        "JIT engine: how hot loops are compiled to host code: background (the default), synchronous or off.",
        discussion: "The loop compiler writes a loop that runs for millions of instructions as C and builds it with clang (from PATH; without it, nothing is compiled). background compiles while the run goes on; synchronous waits for it. Changes only host time, never the run (the same output and trace hash).",
        valueName: "MODE"))
    var loopCompiler: SimLoopCompiler = .background

    @Option(name: .customLong("max-time"),
            help: "Stop after this much simulated time, e.g. 500ms, 10s, 2m (a bare number is seconds).")
    var maxTime: Duration?

    @Option(help: "Write a text trace of kernel events to this file.")
    var trace: String?

    @Option(name: .customLong("trace-json"), help: ArgumentHelp(
        "Write a Chrome trace-event JSON trace (tasks, syscalls, IPC flows, idle, counters) to this file.",
        discussion: "Open it in ui.perfetto.dev or chrome://tracing; the time axis is simulated time (docs/tracing.md).",
        valueName: "FILE"))
    var traceJSON: String?

    @Flag(help: "Let idle periods take real host time (the only way host time enters a run).")
    var realtime = false

    @Option(help: "Simulated RAM size, e.g. 64M, 1G.")
    var ram: ByteSize = ByteSize(bytes: 128 << 20)

    @Option(help: ArgumentHelp(
        "Give the kernel a swap disk kept in this host file (created, or extended, to --swap-size).",
        discussion: "The disk is a simulated block device with a completion interrupt and a seeded latency; the kernel pages out to it when RAM runs short."))
    var swap: String?

    @Option(name: .customLong("swap-size"), help: "Size of the swap disk, e.g. 64M (with --swap).")
    var swapSize: ByteSize = ByteSize(bytes: 64 << 20)

    @Option(name: .customLong("disk"), help: ArgumentHelp(
        "A data disk kept in this existing file (repeatable; up to 8).",
        discussion: "Its size must be a whole number of 512-byte sectors (0 is an empty disk). The file is used in place, locked for the run, and flushed before exit.",
        valueName: "FILE"))
    var dataDisks: [String] = []

    @Option(name: .customLong("disk-latency"), help: ArgumentHelp(
        "Simulated time every data-disk request takes once its data has moved (default 100us).",
        discussion: "A slow disk, deterministically (the seeded jitter of up to 20us stays). With a second or more a server waiting on the disk misses the supervisor's heartbeats while it waits, which must not get it killed (docs/supervision.md). Needs a --disk.",
        valueName: "DURATION"))
    var diskLatency: Duration?

    @Option(name: .customLong("disk-fail"), help: ArgumentHelp(
        "Make chosen requests of a data disk fail (repeatable).",
        discussion: "SPEC is [diskK:]OP@WHERE. OP is read, write, flush or any (a read or a write); WHERE is N, the Nth request of that kind on the disk (from 1, in the order the disk accepted them), or sectors=S-E (or sectors=S), every read or write touching those sectors (inclusive). The disk is data disk K (default 0). A failed request completes at its usual time as an I/O error and moves no data: the memory of a failed read and the sectors of a failed write stay as they were. Examples: write@3, read@sectors=2048-2055, disk1:any@sectors=0, flush@1.",
        valueName: "SPEC"))
    var diskFaults: [String] = []

    @Option(name: .customLong("power-cut"), help: ArgumentHelp(
        "Cut the power the moment the Nth write to a data disk completes (exit status 125).",
        discussion: "That write and every one completed before it are in the files, byte for byte; nothing submitted later, and nothing still in flight, reaches them. Deterministic: the same run cuts at the same place. Vary N (or --seed) to cut at other points. Every run with a data disk ends by printing 'data disk writes: N completed' on stderr, so a test can pick its cut points from a run without one.",
        valueName: "N"))
    var powerCut: UInt64?

    @Option(name: .customLong("init"), help: "The boot-image program to start first.")
    var initProgram = "init"

    @Option(name: .customLong("init-arg"), help: "The first program's argument (its x0 at entry).")
    var initArgument: UInt64 = 0

    @Option(help: ArgumentHelp(
        "The real-time clock at power-on, in seconds since 1970-01-01 UTC (default 1767225600, 2026-01-01).",
        discussion: "Real time then advances with simulated time, so file times are the same on every run."))
    var epoch: UInt64 = SimConfig.defaultEpoch

    @Option(help: ArgumentHelp(
        "Console input to type, from this file instead of stdin.",
        discussion: "Input (a file, or stdin when it is not a terminal) is read a line at a time, only when the machine is idle, so a run depends on the bytes typed, not on when they were typed. The end of input reaches the console as Ctrl-D. A terminal on stdin is read key by key instead (see Terminal above)."))
    var input: String?

    @Option(help: ArgumentHelp(
        "Write the keys typed on the terminal to FILE, each with the simulated moment it arrived.",
        discussion: "Needs stdin to be a terminal. A text file, one arrival a line: simulated ns, the ordinal of the host-poll point at that time, then the bytes in hex, key CODE down|up for a key typed in the window, or quit. --replay FILE runs the session again exactly (same output, same trace hash).",
        valueName: "FILE"))
    var record: String?

    @Option(help: ArgumentHelp(
        "Type the keys of a --record FILE at exactly their recorded moments (stdin is not read).",
        discussion: "Give the same initrd, seed, disks and flags as the recorded run. The run stops where the recording stopped (status 0); if it goes past a recorded moment without reaching it, it stops with status 76.",
        valueName: "FILE"))
    var replay: String?

    @Option(help: ArgumentHelp(
        "Text to type on the simulated keyboard (US layout), from this file.",
        discussion: "Each character is a key press and release (with shift as needed; a newline is Enter), a line at a time, only when the machine is idle, and every line before any console input (--input or stdin). Characters with no key on a US keyboard are skipped, with a notice. Keys are typed only while the guest's keyboard driver listens (its interrupt line is unmasked); console input waits behind them."))
    var keys: String?

    @Flag(help: "Open no window (the framebuffer and the keyboard are still there).")
    var headless = false

    @Option(name: .customLong("fb-size"), help: ArgumentHelp(
        "The framebuffer's size in pixels, WxH, each side 64 to 4096 (default 640x480).", valueName: "WxH"))
    var fbSize: String?

    @Flag(name: .customLong("no-display"),
          help: "No framebuffer device and no window; no keyboard either unless --keys is given.")
    var noDisplay = false

    @Option(help: ArgumentHelp("Write the framebuffer to this PNG file when the run ends (or at --screenshot-at).",
                               valueName: "FILE.png"))
    var screenshot: String?

    @Option(name: .customLong("screenshot-at"), help: ArgumentHelp(
        "Take the --screenshot at WHEN instead: a simulated time (500ms, 2s) or input-end.",
        discussion: "input-end is the moment every typed line (--keys, then the console input) has been consumed and the machine is idle again, just before the console's end-of-input Ctrl-D is sent: where a QEMU screendump after the last typed command would be taken. If the run ends before WHEN, the screenshot shows the end, with a notice.",
        valueName: "WHEN"))
    var screenshotAt: CaptureWhen?

    @Option(name: .customLong("gdb"), help: ArgumentHelp(
        "Serve the gdb remote protocol on localhost:PORT (default 1234) and wait for gdb before booting.",
        discussion: "The run stops before init's first instruction (or --gdb-wait's); tasks are gdb threads. Breakpoints, watchpoints and steps never change the run. Reverse execution replays the run from the start (not with --disk). See docs/debugging.md.",
        valueName: "PORT"))
    var gdbPort: UInt16?

    @Option(name: .customLong("gdb-wait"), help: ArgumentHelp(
        "Stop first at the first instruction of the first task running program NAME; breakpoints, watchpoints and steps then apply to tasks of that name only. Implies --gdb (port 1234 unless --gdb gives one): the run waits for gdb.",
        valueName: "NAME"))
    var gdbWait: String?

    mutating func run() throws {
        // First of all: a signal from now on stops the run the orderly way
        // (the machine sees it at its first slice), never half-way through.
        HostSignals.install()
        SimMachine.prewarm(cpu)
        if screenshotAt != nil && screenshot == nil { fail("--screenshot-at needs --screenshot FILE.png", code: 64) }
        if noDisplay && screenshot != nil { fail("--screenshot needs a display (drop --no-display)", code: 64) }
        if noDisplay && fbSize != nil { fail("--fb-size needs a display (drop --no-display)", code: 64) }
        var display: SimDisplayConfig?
        if !noDisplay {
            guard let size = parseScreenSize(fbSize ?? "640x480") else {
                fail("--fb-size must be WxH with each side from 64 to 4096, e.g. 800x600", code: 64)
            }
            display = SimDisplayConfig(width: size.width, height: size.height, capture: screenshotAt?.moment)
        }
        let image = readInitrd(initrd, ram: ram.bytes)
        var config = SimConfig(ramSize: ram.bytes, initrd: image, seed: seed,
                               maxTime: maxTime?.nanoseconds ?? .max, console: .standardOutput)
        config.realtime = realtime
        config.traceFile = trace
        config.traceJSONFile = traceJSON
        config.cpu = cpu
        config.hotThreshold = hotThreshold
        config.loopCompiler = loopCompiler
        guard epoch <= UInt64.max / 1_000_000_000 / 2 else { fail("--epoch is too far in the future", code: 64) }
        config.epoch = epoch
        if let swap {
            guard swapSize.bytes >= 4096, swapSize.bytes % 512 == 0, swapSize.bytes <= 1 << 40 else {
                fail("--swap-size must be a multiple of 512 bytes from 4K to 1T", code: 64)
            }
            config.disk = SimDiskConfig(path: swap, sectors: swapSize.bytes / 512)
        }
        guard dataDisks.count <= SimConfig.maximumDataDisks else {
            fail("at most \(SimConfig.maximumDataDisks) --disk files", code: 64)
        }
        config.dataDisks = dataDisks.map { SimDiskConfig(medium: .file(path: $0)) }
        if let diskLatency {
            guard !dataDisks.isEmpty else { fail("--disk-latency needs a --disk", code: 64) }
            for i in config.dataDisks.indices { config.dataDisks[i].latency = diskLatency.nanoseconds }
        }
        for spec in diskFaults {
            guard let fault = SimDiskFault(parsing: spec) else {
                fail("--disk-fail '\(spec)': want [diskK:]OP@N or [diskK:]OP@sectors=S-E, OP read, write, flush or any (see --help)", code: 64)
            }
            guard fault.disk < config.dataDisks.count else {
                fail("--disk-fail '\(spec)': there is no data disk \(fault.disk) (give it with --disk)", code: 64)
            }
            config.dataDisks[fault.disk].faults.append(fault)
        }
        if let powerCut {
            guard powerCut > 0, !dataDisks.isEmpty else { fail("--power-cut needs N >= 1 and a --disk", code: 64) }
            config.powerCutAfterWrites = powerCut
        }
        let terminal = chooseTerminal()
        if let input {
            switch readFile(input, limit: largestScriptFile) {
            case .success(let bytes): config.input = ScriptedInput(bytes)
            case .failure(let message), .tooLarge(let message): fail("cannot read input '\(input)': \(message)", code: 66)
            }
        } else if let terminal {
            config.terminal = terminal
        } else {
            config.input = HostStandardInput()
        }
        config.display = display
        config.keyboard = display != nil
        if let keys {
            switch readFile(keys, limit: largestScriptFile) {
            case .success(let bytes):
                let script = ScriptedKeys(bytes)
                if script.skipped > 0 {
                    stderrLine("kenix-sim: --keys: \(script.skipped) characters have no key on a US keyboard; skipped")
                }
                config.keys = script
            case .failure(let message), .tooLarge(let message): fail("cannot read keys '\(keys)': \(message)", code: 66)
            }
        }
        var debugger: SimDebugger?
        let replayConsole = ReplayConsole()
        var recordedInput: RecordedInput?
        if let gdbPort {
            let d = GDBOptions.connect(port: gdbPort, waitFor: gdbWait)
            if !dataDisks.isEmpty { d.replayForbidden = "data disks change when a run is replayed" }
            debugger = d
            config.console = .custom(replayConsole.put)
            if let source = config.input { recordedInput = RecordedInput(source); config.input = recordedInput }
        }
        var hal: HostSimHAL
        var kernel: Kernel<HostSimHAL>
        var outcome: RunOutcome
        while true {
            replayConsole.rewind()
            recordedInput?.rewind()
            if let keys, debugger != nil, case .success(let bytes) = readFile(keys, limit: largestScriptFile) { config.keys = ScriptedKeys(bytes) }
            do { hal = try HostSimHAL(config: config) } catch {
                fail("cannot build the simulated machine: \(describe(error))", code: exitStatus(for: error))
            }
            var kernelConfig = KernelConfig()
            kernelConfig.initName = Array(initProgram.utf8)
            kernelConfig.initArgument = initArgument
            do { kernel = try Kernel(hal: hal, config: kernelConfig) } catch {
                _ = hal.machine.closeTraces()
                hal.machine.flush()
                fail(describe(error, initrd: initrd, program: initProgram), code: 65)
            }
            if display != nil && !headless {
                do { try hal.machine.openWindow(title: "Kenix (kenix-sim)") } catch {
                    stderrLine("kenix-sim: no window (\(error)); running headless")
                }
            }
            debugger?.attach(to: hal.machine)
            runStarted = true
            outcome = kernel.run()
            // Reverse execution: the same machine again, from the start.
            guard let debugger, debugger.restartRequested else { break }
            // Closed before the next machine opens the same paths afresh (a
            // buffer flushed later would land in the new file).
            _ = hal.machine.closeTraces()
            hal.machine.closeWindow()
            hal.machine.closeDisks()
        }
        let unwrittenTraces = hal.machine.closeTraces()
        HostTerminal.restore()
        for (option, reason) in unwrittenTraces {
            stderrLine("kenix-sim: the \(option) file is incomplete: \(reason)")
        }
        if debugger?.killed == true {
            hal.machine.closeWindow()
            hal.machine.closeDisks()
            stderrLine("kenix-sim: killed by gdb")
            Foundation_exit(137)
        }
        debugger?.finish(exitStatus: Self.gdbExitStatus(outcome, hal.machine, tracesWritten: unwrittenTraces.isEmpty))
        hal.machine.closeWindow()
        hal.machine.closeDisks()
        report(hal.machine)
        if kernel.swapSlots > 0 {
            stderrLine("paging: \(kernel.pagesOut) pages written out, \(kernel.pagesIn) read back, "
                       + "\(kernel.pagesScanned) looked at by the clock")
        }
        if let screenshot { writeScreenshot(hal.machine, to: screenshot) }
        // The status: a signal that stopped the run, then an output not
        // written (74), then how the run ended (gdbExitStatus agrees).
        if let signal = hal.machine.stoppedBySignal {
            stderrLine("kenix-sim: stopped by \(HostSignals.name(signal)); disk writes flushed")
            Foundation_exit(128 + signal)
        }
        if !unwrittenTraces.isEmpty { Foundation_exit(74) }
        switch outcome {
        case .initExited(let status):
            Foundation_exit(status == 0 ? 0 : (status & 0xFF == 0 ? 1 : Int32(status & 0xFF)))
        case .initKilled:
            stderrLine("kenix-sim: \(initProgram) was killed by a fault")
            Foundation_exit(70)
        case .deadlock:
            stderrLine("kenix-sim: deadlock: every task is blocked and no event is pending")
            Foundation_exit(71)
        case .halted where hal.machine.terminalEnd != nil:
            finish(hal.machine.terminalEnd!)
        case .halted where hal.machine.windowClosed:
            stderrLine("kenix-sim: window closed")
            Foundation_exit(0)
        case .halted where hal.machine.poweredOff:
            stderrLine("kenix-sim: power cut after \(hal.machine.dataWritesCompleted) completed disk writes (--power-cut)")
            Foundation_exit(125)
        case .halted:
            stderrLine("kenix-sim: time limit reached (--max-time)")
            Foundation_exit(124)
        }
    }

    /// The exit status for `outcome` (what gdb's W packet reports).
    static func gdbExitStatus(_ outcome: RunOutcome, _ machine: SimMachine, tracesWritten: Bool) -> Int32 {
        if let signal = machine.stoppedBySignal { return 128 + signal }
        if !tracesWritten { return 74 }
        switch outcome {
        case .initExited(let status): return status == 0 ? 0 : (status & 0xFF == 0 ? 1 : Int32(status & 0xFF))
        case .initKilled: return 70
        case .deadlock: return 71
        case .halted where machine.windowClosed: return 0
        case .halted where machine.poweredOff: return 125
        case .halted: return 124
        }
    }

    /// The screenshot taken at --screenshot-at, or the framebuffer now.
    private func writeScreenshot(_ machine: SimMachine, to path: String) {
        var shot = machine.screenshot
        if shot == nil, let when = screenshotAt {
            stderrLine("kenix-sim: the run ended before --screenshot-at \(when.text); the screenshot shows the end")
        }
        if shot == nil { shot = machine.framebufferSnapshot() }
        guard let shot else { return }
        if let message = writeFile(path, PNGEncoder.encode(shot)) {
            fail("cannot write screenshot '\(path)': \(message)", code: 74)
        }
    }

    private func report(_ machine: SimMachine) {
        stderrLine("trace hash: \(hex16(machine.traceHash))")
        let ns = machine.now
        stderrLine("simulated time: \(ns / 1_000_000_000).\(pad9(ns % 1_000_000_000)) s (\(ns) ns)")
        if stats { stderrLine(machine.engineSummary) }
        // What --power-cut counts: a test picks its cut points from a run without one.
        if !machine.config.dataDisks.isEmpty {
            stderrLine("data disk writes: \(machine.dataWritesCompleted) completed")
        }
    }
}
