// The Linux personality on the host backend, in-process: the real initrd
// booted into busybox's sh (init argument 1), driven by typed lines. Ctrl-C
// is typed a chosen simulated time after a line, while the program it
// started runs (the simulator otherwise types only when the machine is
// idle): it interrupts `sleep 100` and a shell loop that makes no syscalls,
// and the shell goes on. `sleep 1`
// takes one simulated second; a segfaulting program is reported by sh.
// Tests/System/run.sh and Tests/QEMU/linux.sh run the acceptance scripts
// through the CLI and on QEMU.
import HAL
import HALHostSim
import SimHost
import KenixKernel
import XCTest

final class LinuxShellTests: XCTestCase {
    struct Run {
        var outcome: RunOutcome
        var console: String
        var time: UInt64
        var traceHash: UInt64
    }

    /// Typed lines; after a line that has a delay, Ctrl-C follows that much
    /// simulated time after the line arrived.
    final class LinesWithCtrlC: ConsoleInputSource {
        var lines: [(String, UInt64?)]
        weak var machine: SimMachine?
        init(_ lines: [(String, UInt64?)]) { self.lines = lines }
        func nextLine() -> [UInt8]? {
            guard !lines.isEmpty else { return nil }
            let (line, delay) = lines.removeFirst()
            if let delay, let m = machine { m.scheduleInput([0x03], at: m.now + m.config.inputDelay + delay) }
            return Array((line + "\n").utf8)
        }
    }

    /// Boots into busybox sh with `input` (lines, each optionally followed by Ctrl-C).
    func boot(lines: [(String, UInt64?)], seed: UInt64 = 1) throws -> Run {
        var config = SimConfig(ramSize: 128 << 20, initrd: try builtInitrd(), seed: seed, maxTime: 60_000_000_000,
                               console: .capture)
        let source = LinesWithCtrlC(lines)
        config.input = source
        let hal = try HostSimHAL(config: config)
        source.machine = hal.machine
        var kernelConfig = KernelConfig()
        kernelConfig.initArgument = 1
        var kernel = try Kernel(hal: hal, config: kernelConfig)
        let outcome = kernel.run()
        let text = String(decoding: hal.machine.consoleOutput.filter { $0 != 0x0D }, as: UTF8.self)
        // busybox asks the terminal where the cursor is (ESC [ 6 n) after each prompt.
        let clean = text.replacingOccurrences(of: "\u{1B}[6n", with: "")
        return Run(outcome: outcome, console: clean, time: hal.machine.now, traceHash: hal.machine.traceHash)
    }

    func boot(_ input: String, seed: UInt64 = 1) throws -> Run {
        try boot(lines: input.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { (String($0), nil) },
                 seed: seed)
    }

    func testTheShellRunsPipelinesAndExitsWithInit() throws {
        let run = try boot("echo hello | cat\nfor i in 1 2 3; do echo $i; done | wc -l\nsh -c 'exit 3'; echo $?\nexit\n")
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        XCTAssertTrue(run.console.contains("# echo hello | cat\nhello\n"), run.console)
        XCTAssertTrue(run.console.contains("| wc -l\n3\n"), run.console)
        XCTAssertTrue(run.console.contains("echo $?\n3\n"), run.console)
    }

    func testSleepOneTakesOneSimulatedSecond() throws {
        let run = try boot("time sleep 1\nexit\n")
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        let real = try XCTUnwrap(run.console.split(separator: "\n").first { $0.hasPrefix("real") }, run.console)
        XCTAssertEqual(real, "real\t0m 1.00s", "busybox time measures one second of simulated time")
        XCTAssertGreaterThan(run.time, 1_000_000_000)
        XCTAssertLessThan(run.time, 1_500_000_000, "and the whole run is not much more")
    }

    func testCtrlCInterruptsSleepAndABusyLoopAndTheShellGoesOn() throws {
        let s: UInt64 = 1_000_000_000
        let run = try boot(lines: [("sleep 100", 2 * s), ("echo after sleep $?", nil),
                                   ("while :; do :; done", 50_000_000), ("echo after loop", nil), ("exit", nil)])
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        XCTAssertTrue(run.console.contains("sleep 100\n^C\n"), "Ctrl-C is echoed:\n\(run.console)")
        XCTAssertTrue(run.console.contains("after sleep 130\n"), "sleep died of SIGINT (128 + 2):\n\(run.console)")
        XCTAssertTrue(run.console.contains("after loop\n"), "the shell's own loop was interrupted:\n\(run.console)")
        XCTAssertLessThan(run.time, 10 * s, "long before sleep 100 would have ended")
    }

    func testASegfaultIsReportedAndTheSystemGoesOn() throws {
        let run = try boot("/boot/lxtest segv; echo status $?\necho still here\nexit\n")
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        XCTAssertTrue(run.console.contains("Segmentation fault\nstatus 139\n"), run.console)
        XCTAssertTrue(run.console.contains("still here\n"))
    }

    func testTheStaticTestProgramsPass() throws {
        let run = try boot("/boot/lxtest signals\n/boot/lxtest pipes\n/boot/lxtest fork\ncd /tmp\n/boot/lxtest fuzz\nexit\n")
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        for name in ["lxsignals", "lxpipes", "lxfork", "lxfuzz"] {
            XCTAssertTrue(run.console.range(of: "\(name): [0-9]+ passed, 0 failed\n", options: .regularExpression) != nil,
                          "\(name):\n\(run.console)")
        }
        XCTAssertTrue(run.console.contains("linux: unsupported syscall 999 from pid"), "an unknown number is logged once")
    }

    func testRunsReplayExactly() throws {
        let a = try boot("ls /bin | head -3\nexit\n"), b = try boot("ls /bin | head -3\nexit\n")
        XCTAssertEqual(a.console, b.console)
        XCTAssertEqual(a.traceHash, b.traceHash)
        XCTAssertEqual(a.time, b.time)
    }
}
