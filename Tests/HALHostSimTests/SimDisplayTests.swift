// The simulated framebuffer: its pixels are zeroed, page-aligned RAM just
// below the initrd that the kernel never hands out; present() only counts and
// records damage; screenshots are taken at a simulated time (exactly, and
// without changing the run), at input-end (before the Ctrl-D) or not at all.
import Foundation
import HAL
import KenixKernel
import XCTest
@testable import HALHostSim
@testable import SimHost

final class SimDisplayTests: XCTestCase {
    func config(_ display: SimDisplayConfig? = SimDisplayConfig(width: 100, height: 50),
                initrd: [UInt8] = [UInt8](repeating: 0xAB, count: 5000)) -> SimConfig {
        var c = SimTestBed.config()
        c.initrd = initrd
        c.display = display
        return c
    }

    func testPixelsAreReservedZeroedPagesJustBelowTheInitrd() throws {
        let hal = try HostSimHAL(config: config())
        let fb = try XCTUnwrap(hal.display)
        XCTAssertEqual(fb.mode, FramebufferMode(width: 100, height: 50, stride: 400, format: .xrgb8888))
        XCTAssertEqual(fb.pixels.base.raw % 4096, 0)
        XCTAssertEqual(fb.pixels.size, 20_480, "100 × 50 × 4 = 20000 bytes, in whole pages")
        XCTAssertEqual(fb.pixels.end, hal.boot.initrd.base, "just below the initrd")
        XCTAssertEqual(hal.boot.reserved, [fb.pixels])
        let bytes = UnsafeRawBufferPointer(start: hal.memory.pointer(to: fb.pixels.base), count: Int(fb.pixels.size))
        XCTAssertTrue(bytes.allSatisfy { $0 == 0 }, "zeroed")
        XCTAssertEqual(hal.memory.pointer(to: hal.boot.initrd.base).load(as: UInt8.self), 0xAB, "the initrd is intact")

        // The kernel's frame allocator, set up as Kernel.init does, never returns them.
        var frames = FrameAllocator(ram: hal.boot.ram, reserved: hal.boot.reserved + [hal.boot.initrd])
        var handedOut = 0
        while let f = frames.allocate(count: 1) {
            XCTAssertFalse(fb.pixels.contains(f), "frame \(f.raw) is a framebuffer page")
            handedOut += 1
        }
        let initrdPages = (hal.boot.initrd.size + 4095) / 4096
        XCTAssertEqual(handedOut, Int((hal.boot.ram.size - fb.pixels.size) / 4096 - initrdPages))
    }

    func testTheKernelHasFewerFramesByExactlyTheFramebuffer() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../build/initrd.cpio").standardized.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XCTSkip("\(path) is missing: run `make userland`")
        }
        func freeFrames(_ display: SimDisplayConfig?) throws -> Int {
            var c = config(display, initrd: [UInt8](data))
            c.ramSize = 64 << 20
            return try Kernel(hal: HostSimHAL(config: c)).freeFrames
        }
        XCTAssertEqual(try freeFrames(nil) - freeFrames(SimDisplayConfig(width: 640, height: 480)), 300,
                       "640 × 480 × 4 bytes = 300 frames")
    }

    func testNoDisplayUnlessConfiguredAndSizesAreChecked() throws {
        let plain = try HostSimHAL(config: config(nil))
        XCTAssertNil(plain.display)
        XCTAssertEqual(plain.boot.reserved, [])
        XCTAssertNil(plain.machine.displayMode)
        for bad in [SimDisplayConfig(width: 0, height: 10), SimDisplayConfig(width: 4096, height: 20_000),
                    SimDisplayConfig(width: 4096, height: 1024)] {   // 16 MiB in 16 MiB of RAM
            XCTAssertThrowsError(try SimMachine(config: config(bad)), "\(bad)") {
                XCTAssertEqual($0 as? SimError, .displayTooLarge)
            }
        }
    }

    func testPresentCountsAndRecordsDamageAndChangesNothingElse() throws {
        let bed = try SimTestBed(config())
        let fb = try XCTUnwrap(bed.hal.display)
        let hash = bed.machine.traceHash, time = bed.machine.now
        XCTAssertEqual(bed.machine.stats.presents, 0)
        XCTAssertNil(bed.machine.lastPresentedDamage)
        fb.present(ScreenRect(x: 10, y: 5, width: 20, height: 10))
        fb.present(ScreenRect(x: 0, y: 40, width: 5, height: 10))
        XCTAssertEqual(bed.machine.stats.presents, 2)
        XCTAssertEqual(bed.machine.lastPresentedDamage, ScreenRect(x: 0, y: 40, width: 5, height: 10))
        XCTAssertEqual(bed.machine.display?.undrawn, ScreenRect(x: 0, y: 5, width: 30, height: 45),
                       "the window would draw the bounding box of both")
        XCTAssertEqual(bed.machine.traceHash, hash, "presents are not in the trace")
        XCTAssertEqual(bed.machine.now, time)
    }

    // MARK: Screenshots

    /// Stores 1, then 2 after a 2000-instruction loop, into the first pixel
    /// (mapped at dataVA): 1 from t = 6 to t = 2008, 2 from t = 2009.
    func runDrawing(capture: SimCaptureMoment?) throws -> (SimMachine, UserContext) {
        let bed = try SimTestBed(config(SimDisplayConfig(width: 64, height: 64, capture: capture)))
        let fb = try XCTUnwrap(bed.hal.display)
        bed.map(SimTestBed.dataVA, frame: fb.pixels.base)
        let code = A64.mov64(0, SimTestBed.dataVA)
            + [A64.movz(1, 1), A64.str(1, 0), A64.movz(2, 1000), A64.subs(2, 2, 1), A64.bne(-4),
               A64.movz(1, 2), A64.str(1, 0), A64.svc()]
        var ctx = bed.context()
        XCTAssertEqual(bed.run(code, &ctx), .syscall)
        XCTAssertEqual(bed.machine.now, 2010)
        return (bed.machine, ctx)
    }

    func firstPixel(_ shot: SimScreenshot?) -> UInt32? {
        shot.map { $0.pixels.withUnsafeBytes { $0.load(as: UInt32.self) } }
    }

    func testAScreenshotAtASimulatedTimeShowsThatInstantAndChangesNothing() throws {
        let (plain, _) = try runDrawing(capture: nil)
        XCTAssertNil(plain.screenshot)
        for (time, pixel) in [(0, 0), (3, 0), (5, 0), (6, 1), (1000, 1), (2008, 1), (2009, 2)] as [(UInt64, UInt32)] {
            let (m, ctx) = try runDrawing(capture: .time(time))
            let shot = try XCTUnwrap(m.screenshot, "t = \(time)")
            XCTAssertEqual(shot.time, time)
            XCTAssertEqual(firstPixel(shot), pixel, "t = \(time)")
            XCTAssertEqual(shot.mode, SimDisplayConfig(width: 64, height: 64).mode)
            XCTAssertEqual(m.traceHash, plain.traceHash, "the capture left the run alone")
            XCTAssertEqual(m.now, plain.now)
            XCTAssertEqual(ctx.pc, SimTestBed.codeVA + 4 * 12, "past the svc")
        }
        let (late, _) = try runDrawing(capture: .time(2011))
        XCTAssertNil(late.screenshot, "not reached yet")
        XCTAssertEqual(firstPixel(late.framebufferSnapshot()), 2, "the pixels now")
    }

    func testAScreenshotTimeReachedWhileIdleShowsTheIdleScreen() throws {
        let bed = try SimTestBed(config(SimDisplayConfig(width: 64, height: 64, capture: .time(5000))))
        let pixels = bed.hal.memory.pointer(to: try XCTUnwrap(bed.hal.display).pixels.base)
        pixels.storeBytes(of: 0x00AB_CDEF, as: UInt32.self)
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(9000)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 9000)
        XCTAssertEqual(bed.machine.screenshot?.time, 5000)
        XCTAssertEqual(firstPixel(bed.machine.screenshot), 0x00AB_CDEF)
    }

    func testAnInputEndScreenshotComesAfterTheLastLineAndBeforeTheCtrlD() throws {
        var c = config(SimDisplayConfig(width: 64, height: 64, capture: .inputEnd))
        c.input = ScriptedInput("ls\n")
        c.inputDelay = 1000
        let bed = try SimTestBed(c)
        let cpu = bed.hal.cpu, gic = bed.hal.interrupts, uart = bed.hal.uart
        let pixels = bed.hal.memory.pointer(to: try XCTUnwrap(bed.hal.display).pixels.base)
        gic.enable(uart.irq)
        pixels.storeBytes(of: 1, as: UInt32.self)
        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(gic.acknowledge(), uart.irq)
        var line: [UInt8] = []
        while let b = uart.read() { line.append(b) }
        XCTAssertEqual(line, Array("ls\n".utf8))
        XCTAssertNil(bed.machine.screenshot, "a line is still being handled")
        gic.endOfInterrupt(uart.irq)
        pixels.storeBytes(of: 2, as: UInt32.self)   // the guest answers the last line

        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(firstPixel(bed.machine.screenshot), 2)
        XCTAssertEqual(bed.machine.screenshot?.time, 1000, "taken when idle again, before the Ctrl-D's delay")
        XCTAssertEqual(bed.machine.now, 2000)
        XCTAssertEqual(uart.read(), 0x04, "then the Ctrl-D")
        pixels.storeBytes(of: 3, as: UInt32.self)
        XCTAssertEqual(firstPixel(bed.machine.screenshot), 2, "a copy")
    }

    func testWithoutInputEndNoInputEndScreenshot() throws {
        var c = config(SimDisplayConfig(width: 64, height: 64, capture: .inputEnd))
        c.input = ScriptedInput("ls\n")
        let bed = try SimTestBed(c)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents, "the UART's line is masked: no input")
        XCTAssertNil(bed.machine.screenshot)
    }
}
