// TestSystem: boots a Kernel<ScriptedHAL> on an initrd made of scripted
// programs (the first one is usually "init"), runs it and exposes what the
// tests assert on: the log of `.record` steps, the UART text, the trace, the
// frame counts. Its `checkHarness` fails a test on any HAL-detected misuse.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class TestSystem {
    let hal: ScriptedHAL
    var kernel: Kernel<ScriptedHAL>
    let images: [String: ProgramImage]

    var machine: SimMachine { hal.machine }
    var log: [LogEntry] { machine.log }
    var uartText: String { String(decoding: machine.uartOutput, as: UTF8.self) }
    var trace: [TimedTraceEvent] { machine.trace }
    /// The disk, when the system was made with one.
    var disk: ScriptedDisk? { machine.disk }
    /// The data disks the system was made with.
    var dataDisks: [ScriptedDisk] { machine.dataDisks }
    /// The display and the keyboard, when the system was made with them.
    var display: ScriptedFramebuffer? { machine.display }
    var keyboard: ScriptedKeyboard? { machine.keyboard }
    /// Frames free before any task existed: what the HAL lets the kernel
    /// hand out, minus the frames the kernel took at boot for its task and
    /// handle tables (sized from RAM).
    var bootFreeFrames: Int { hal.allocatableFrames - kernel.tableFrames }

    init(_ programs: [TestProgram], extraFiles: [(String, [UInt8])] = [], frames: Int = 1024,
         config: KernelConfig = KernelConfig(), frequency: UInt64 = 1_000_000_000,
         disk: ScriptedDiskConfig? = nil, dataDisks: [ScriptedDiskConfig] = [], display: FramebufferMode? = nil,
         keyboard: ScriptedKeyboardConfig? = nil, realTimeAtZero: UInt64 = 0, alignedInitrd: Bool = false) throws {
        var cpio = CPIOBuilder()
        var images: [String: ProgramImage] = [:]
        var scripts: [UInt64: LoadedScript] = [:]
        for (k, p) in programs.enumerated() {
            let image = ProgramImage(p, index: k)
            images[p.name] = image
            scripts[image.entry] = image.script
            cpio.addFile(p.name, image.elf)
        }
        for (name, bytes) in extraFiles { cpio.addFile(name, bytes) }
        hal = ScriptedHAL(frames: frames, initrd: cpio.build(), frequency: frequency, disk: disk,
                          dataDisks: dataDisks, display: display, keyboard: keyboard, realTimeAtZero: realTimeAtZero,
                          alignedInitrd: alignedInitrd)
        // `make test` runs the kernel tests twice: with the IPC fast path and without.
        var config = config
        if ProcessInfo.processInfo.environment["KENIX_IPC_FAST_PATH"] == "0" { config.ipcFastPath = false }
        hal.machine.scripts = scripts
        self.images = images
        kernel = try Kernel(hal: hal, config: config)
    }

    /// Runs the kernel; a run the HAL had to stop (interrupt storm) also
    /// fails the test, since nothing else may notice it.
    @discardableResult
    func run(file: StaticString = #filePath, line: UInt = #line) -> RunOutcome {
        let outcome = kernel.run()
        if machine.interruptStorm { XCTFail("\(machine.harnessErrors)", file: file, line: line) }
        return outcome
    }

    /// The entries logged with `label` (in order).
    func records(_ label: String) -> [LogEntry] { log.filter { $0.label == label } }

    /// The single entry logged with `label`; fails the test otherwise.
    func record(_ label: String, file: StaticString = #filePath, line: UInt = #line) -> LogEntry? {
        let found = records(label)
        XCTAssertEqual(found.count, 1, "expected one record \"\(label)\", log: \(log)", file: file, line: line)
        return found.first
    }

    /// The labels of the log, in order ("program.label").
    var timeline: [String] { log.map { "\($0.program).\($0.label)" } }

    /// (time, task id) of every task switch.
    var switches: [(UInt64, UInt64)] {
        trace.filter { $0.kind == .taskSwitch }.map { ($0.time, $0.a) }
    }

    func footprint(of program: String) -> Int { images[program]!.footprint }

    func checkHarness(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(machine.harnessErrors, [], "the scripted HAL saw misuse", file: file, line: line)
        XCTAssertEqual(machine.activeIRQs, [], "an interrupt was left active (no EOI)", file: file, line: line)
    }
}

/// The value of x0 for a syscall error.
func errorValue(_ e: SyscallError) -> UInt64 { UInt64(bitPattern: e.rawValue) }

/// Microseconds and milliseconds in ticks of the 1 GHz test clock.
let us: UInt64 = 1_000
let ms: UInt64 = 1_000_000
