// Kernel.init: every BootError from a bad boot image, the exact RAM boundary
// for booting init, and the state right after a good boot.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class KernelBootTests: XCTestCase {
    func boot(_ initrd: [UInt8], frames: Int = 256) -> Result<Kernel<ScriptedHAL>, BootError> {
        let hal = ScriptedHAL(frames: frames, initrd: initrd)
        return Result { () throws(BootError) in try Kernel(hal: hal) }
    }

    func initrd(_ files: [(String, [UInt8])]) -> [UInt8] {
        var c = CPIOBuilder()
        for (n, d) in files { c.addFile(n, d) }
        return c.build()
    }

    func goodInit() -> [UInt8] { ProgramImage(TestProgram("init", [.exit(0)]), index: 0).elf }

    func testNoInitrd() {
        XCTAssertEqual(boot([]).failure, .noInitrd)
    }

    func testMalformedInitrd() {
        var bad = initrd([("init", goodInit())])
        bad[0] = UInt8(ascii: "1")
        XCTAssertEqual(boot(bad).failure, .malformedInitrd(.badMagic))
        XCTAssertEqual(boot(Array(initrd([("init", goodInit())]).dropLast(130))).failure, .malformedInitrd(.truncated))
        var noTrailer = CPIOBuilder(); noTrailer.addFile("init", goodInit())
        XCTAssertEqual(boot(noTrailer.build(trailer: false)).failure, .malformedInitrd(.missingTrailer))
    }

    func testInitNotFound() {
        XCTAssertEqual(boot(initrd([("sh", goodInit())])).failure, .initNotFound)
        XCTAssertEqual(boot(CPIOBuilder().build()).failure, .initNotFound)
        var dir = CPIOBuilder(); dir.addDirectory("init")
        XCTAssertEqual(boot(dir.build()).failure, .initNotFound, "a directory called init is not init")
    }

    func testMalformedInit() {
        var wrongMachine = goodInit(); wrongMachine.setLE(UInt16(62), at: ELFBuilder.machineOffset)
        XCTAssertEqual(boot(initrd([("init", wrongMachine)])).failure, .badInit(.wrongMachine))
        XCTAssertEqual(boot(initrd([("init", Array("#!/bin/sh\n".utf8))])).failure, .badInit(.truncated))
        var wx = goodInit(); wx.setLE(UInt32(7), at: ELFBuilder.programHeaderOffset(0) + 4)
        XCTAssertEqual(boot(initrd([("init", wx)])).failure, .badInit(.writableAndExecutable))
        XCTAssertEqual(boot(initrd([("init", [])])).failure, .badInit(.truncated))
    }

    func testInitNeedsExactlyItsFootprintOfRAM() throws {
        let image = ProgramImage(TestProgram("init", [.exit(0)]), index: 0)
        XCTAssertEqual(image.footprint, 1 + 16 + 1 + 1 + 2 + 2, "text, stack, root, L1, two L2, two L3")
        let bytes = initrd([("init", image.elf)])
        // RAM frames beyond what is reserved: find the frame count where exactly `footprint` are free.
        let probe = ScriptedHAL(frames: 256, initrd: bytes)
        // The kernel's task and handle tables (64 slots on any machine this small) come first.
        let overhead = 256 - probe.allocatableFrames + (try boot(bytes, frames: 256).get()).tableFrames
        XCTAssertEqual(boot(bytes, frames: overhead + image.footprint - 1).failure, .outOfMemory)
        let kernel = try boot(bytes, frames: overhead + image.footprint).get()
        XCTAssertEqual(kernel.freeFrames, 0)
    }

    func testStateAfterBoot() throws {
        let sys = try TestSystem([TestProgram("init", [.exit(0)])])
        let k = sys.kernel
        XCTAssertEqual(k.initID, TaskID(raw: 1))
        XCTAssertEqual(k.liveTaskCount, 1)
        XCTAssertEqual(k.state(of: k.initID), .ready)
        XCTAssertEqual(k.priority(of: k.initID), 16)
        XCTAssertNil(k.runningTask)
        XCTAssertEqual(k.totalFrames, 1024)
        XCTAssertEqual(k.freeFrames, sys.bootFreeFrames - sys.footprint(of: "init"))
        XCTAssertEqual(k.now, 0)
        XCTAssertTrue(sys.machine.enabledIRQs.contains(27), "the timer interrupt is enabled")
        XCTAssertEqual(sys.trace, [TimedTraceEvent(time: 0, kind: .taskSpawn, a: 0, b: 1, c: 0)])
    }

    func testInitPriorityComesFromTheConfig() throws {
        var config = KernelConfig()
        config.initPriority = 3
        let sys = try TestSystem([TestProgram("init", [.exit(0)])], config: config)
        XCTAssertEqual(sys.kernel.priority(of: sys.kernel.initID), 3)
    }

    func testTheFirstTaskCanBeAnyProgramWithAnArgument() throws {
        var config = KernelConfig()
        config.initName = Array("shell".utf8)
        config.initArgument = 0xA5A5
        let sys = try TestSystem([TestProgram("init", [.exit(1)]), TestProgram("shell", [.record("start"), .exit(9)])],
                                 config: config)
        XCTAssertEqual(sys.kernel.initID, TaskID(raw: 1))
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames - sys.footprint(of: "shell"))
        XCTAssertEqual(sys.run(), .initExited(status: 9))
        XCTAssertEqual(sys.record("start")?.x[0...1], [0xA5A5, 0])
        var missing = KernelConfig()
        missing.initName = Array("sh".utf8)
        XCTAssertThrowsError(try TestSystem([TestProgram("init", [.exit(0)])], config: missing)) {
            XCTAssertEqual($0 as? BootError, .initNotFound)
        }
    }

    func testRunReportsInitsExitStatus() throws {
        let sys = try TestSystem([TestProgram("init", [.exit(.imm(UInt64(bitPattern: -42)))])])
        XCTAssertEqual(sys.run(), .initExited(status: -42))
        XCTAssertEqual(sys.kernel.liveTaskCount, 0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
        sys.checkHarness()
    }
}
