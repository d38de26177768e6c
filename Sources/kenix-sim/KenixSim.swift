// kenix-sim: runs Kenix inside this process on the host backend.
//
//   kenix-sim run [--initrd PATH] [--seed N] [--max-time DURATION] [--trace FILE] [--realtime]
//                 [--ram SIZE] [--swap FILE [--swap-size SIZE]] [--init NAME] [--init-arg N]
//                 [--input FILE]
//
// Exit status: init's own exit status; 64 bad usage; 65 malformed boot image;
// 66 boot image missing; 70 init killed by a fault; 71 deadlock; 124 time limit.
import ArgumentParser
import HAL
import HALHostSim
import KenixKernel

#if canImport(Glibc)
import Glibc
#endif

@main
struct KenixSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kenix-sim",
        abstract: "Run the Kenix microkernel in a simulated AArch64 machine.",
        discussion: """
        User programs are real AArch64 EL0 code executed by Unicorn; time is a \
        deterministic discrete-event clock (1 instruction = 1 ns). The same initrd, \
        seed and input always give the same output and trace hash.
        """,
        subcommands: [Run.self],
        defaultSubcommand: Run.self)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot an initrd and run it until init exits.",
        discussion: """
        Prints the console on stdout, then the trace hash and simulated time on stderr. \
        Exits with init's status; 65 malformed boot image, 66 missing boot image, \
        70 init killed by a fault, 71 deadlock, 124 time limit reached.
        """)

    @Option(help: "The boot image (cpio newc).")
    var initrd = "build/initrd.cpio"

    @Option(help: "Seed for the simulator's own nondeterminism (timer latency). The kernel never sees it.")
    var seed: UInt64 = 0

    @Option(name: .customLong("max-time"),
            help: "Stop after this much simulated time, e.g. 500ms, 10s, 2m (a bare number is seconds).")
    var maxTime: Duration?

    @Option(help: "Write a text trace of kernel events to this file.")
    var trace: String?

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

    @Option(name: .customLong("init"), help: "The boot-image program to start first.")
    var initProgram = "init"

    @Option(name: .customLong("init-arg"), help: "The first program's argument (its x0 at entry).")
    var initArgument: UInt64 = 0

    @Option(help: ArgumentHelp(
        "Console input to type, from this file instead of stdin.",
        discussion: "Input (a file or stdin) is read a line at a time, only when the machine is idle, so a run depends on the bytes typed, not on when they were typed. The end of input reaches the console as Ctrl-D."))
    var input: String?

    mutating func run() throws {
        let image: [UInt8]
        switch readFile(initrd) {
        case .success(let bytes): image = bytes
        case .failure(let message):
            fail("cannot read initrd '\(initrd)': \(message)", code: 66)
        }
        var config = SimConfig(ramSize: ram.bytes, initrd: image, seed: seed,
                               maxTime: maxTime?.nanoseconds ?? .max, console: .standardOutput)
        config.realtime = realtime
        config.traceFile = trace
        if let swap {
            guard swapSize.bytes >= 4096, swapSize.bytes % 512 == 0, swapSize.bytes <= 1 << 40 else {
                fail("--swap-size must be a multiple of 512 bytes from 4K to 1T", code: 64)
            }
            config.disk = SimDiskConfig(path: swap, sectors: swapSize.bytes / 512)
        }
        if let input {
            switch readFile(input) {
            case .success(let bytes): config.input = ScriptedInput(bytes)
            case .failure(let message): fail("cannot read input '\(input)': \(message)", code: 66)
            }
        } else {
            config.input = HostStandardInput()
        }
        let hal: HostSimHAL
        do { hal = try HostSimHAL(config: config) } catch {
            fail("cannot build the simulated machine: \(describe(error))", code: 65)
        }
        var kernelConfig = KernelConfig()
        kernelConfig.initName = Array(initProgram.utf8)
        kernelConfig.initArgument = initArgument
        var kernel: Kernel<HostSimHAL>
        do { kernel = try Kernel(hal: hal, config: kernelConfig) } catch {
            hal.machine.flush()
            fail(describe(error, initrd: initrd, program: initProgram), code: 65)
        }
        let outcome = kernel.run()
        hal.machine.flush()
        report(hal.machine)
        if kernel.swapSlots > 0 {
            stderrLine("paging: \(kernel.pagesOut) pages written out, \(kernel.pagesIn) read back, "
                       + "\(kernel.pagesScanned) looked at by the clock")
        }
        switch outcome {
        case .initExited(let status):
            Foundation_exit(status == 0 ? 0 : (status & 0xFF == 0 ? 1 : Int32(status & 0xFF)))
        case .initKilled:
            stderrLine("kenix-sim: \(initProgram) was killed by a fault")
            Foundation_exit(70)
        case .deadlock:
            stderrLine("kenix-sim: deadlock: every task is blocked and no event is pending")
            Foundation_exit(71)
        case .halted:
            stderrLine("kenix-sim: time limit reached (--max-time)")
            Foundation_exit(124)
        }
    }

    private func report(_ machine: SimMachine) {
        stderrLine("trace hash: \(hex16(machine.traceHash))")
        let ns = machine.now
        stderrLine("simulated time: \(ns / 1_000_000_000).\(pad9(ns % 1_000_000_000)) s (\(ns) ns)")
    }
}
