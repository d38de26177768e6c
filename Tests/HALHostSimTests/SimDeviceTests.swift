// The interrupt controller, the UART and boot information.
import HAL
import XCTest
@testable import HALHostSim

final class SimDeviceTests: XCTestCase {
    func testInterruptControllerPriorityActiveAndEdges() throws {
        let bed = try SimTestBed()
        let gic = bed.hal.interrupts
        bed.machine.raise(IRQ(40))
        bed.machine.raise(IRQ(35))
        XCTAssertNil(gic.acknowledge(), "lines start disabled")
        gic.enable(IRQ(40))
        gic.enable(IRQ(35))
        XCTAssertEqual(gic.acknowledge(), IRQ(35), "lowest INTID first")
        XCTAssertEqual(gic.acknowledge(), IRQ(40))
        XCTAssertNil(gic.acknowledge())
        gic.endOfInterrupt(IRQ(35))
        gic.endOfInterrupt(IRQ(40))
        XCTAssertNil(gic.acknowledge(), "edges are consumed by acknowledge")
        gic.disable(IRQ(40))
        bed.machine.raise(IRQ(40))
        XCTAssertFalse(bed.machine.interruptPending)
        gic.enable(IRQ(40))
        XCTAssertTrue(bed.machine.interruptPending, "a masked edge stays pending")
        XCTAssertEqual(gic.acknowledge(), IRQ(40))
    }

    func testUARTOutputIsCapturedAndHashed() throws {
        let bed = try SimTestBed()
        let h0 = bed.machine.traceHash
        for b in Array("hi\n".utf8) { bed.hal.uart.write(b) }
        XCTAssertEqual(bed.machine.consoleOutput, Array("hi\n".utf8))
        XCTAssertNotEqual(bed.machine.traceHash, h0)
    }

    func testCustomConsoleSink() throws {
        final class Box { var bytes: [UInt8] = [] }
        let box = Box()
        var c = SimTestBed.config()
        c.console = .custom { box.bytes.append($0) }
        let bed = try SimTestBed(c)
        bed.hal.uart.write(65)
        XCTAssertEqual(box.bytes, [65])
    }

    func testUARTInputQueueAndReceiveInterrupt() throws {
        let bed = try SimTestBed()
        let uart = bed.hal.uart
        XCTAssertNil(uart.read())
        bed.hal.interrupts.enable(uart.irq)
        bed.machine.enqueueInput([1, 2])
        XCTAssertTrue(bed.machine.interruptPending)
        XCTAssertEqual(bed.hal.interrupts.acknowledge(), IRQ(33))
        XCTAssertEqual(uart.read(), 1)
        XCTAssertEqual(uart.read(), 2)
        XCTAssertNil(uart.read())
        bed.hal.interrupts.endOfInterrupt(IRQ(33))
        XCTAssertFalse(bed.machine.interruptPending, "level: the FIFO is empty")
    }

    func testScheduledInputWakesTheIdleCPUAtItsTime() throws {
        let bed = try SimTestBed()
        bed.hal.interrupts.enable(bed.hal.uart.irq)
        bed.machine.scheduleInput([0x41], at: 7_000)
        XCTAssertNil(bed.hal.uart.read())
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 7_000)
        XCTAssertEqual(bed.hal.uart.read(), 0x41)
    }

    func testScheduledInputInterruptsRunningCode() throws {
        let bed = try SimTestBed()
        bed.hal.interrupts.enable(bed.hal.uart.irq)
        bed.machine.scheduleInput([0x42], at: 3_000)
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.b(0)], &ctx), .interrupt)
        XCTAssertEqual(bed.machine.now, 3_000)
    }

    func testBootInfoDescribesRAMAndTheInitrdAtItsTop() throws {
        let image: [UInt8] = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let hal = try HostSimHAL(config: SimConfig(ramSize: 8 << 20, initrd: image, console: .discard))
        XCTAssertEqual(hal.boot.ram, PhysRange(base: PhysAddr(0x4000_0000), size: 8 << 20))
        XCTAssertTrue(hal.boot.reserved.isEmpty)
        XCTAssertEqual(hal.boot.initrd.size, 10_000)
        XCTAssertEqual(hal.boot.initrd.base.raw % 4096, 0)
        XCTAssertEqual(hal.boot.initrd.base.raw, 0x4000_0000 + (8 << 20) - 12_288)
        let p = hal.memory.pointer(to: hal.boot.initrd.base)
        XCTAssertEqual((0..<image.count).map { p.load(fromByteOffset: $0, as: UInt8.self) }, image)
        XCTAssertEqual(hal.timer.frequency, 1_000_000_000)
        XCTAssertEqual(hal.timer.irq, IRQ(27))
        XCTAssertEqual(hal.uart.irq, IRQ(33))
    }

    func testBadConfigurationsAreErrors() {
        XCTAssertThrowsError(try SimMachine(config: SimConfig(ramSize: 12345))) {
            XCTAssertEqual($0 as? SimError, .badRAMSize)
        }
        XCTAssertThrowsError(try SimMachine(config: SimConfig(ramSize: SimConfig.maximumRAM + 4096))) {
            XCTAssertEqual($0 as? SimError, .badRAMSize, "beyond the limit the kernel's frame tables would be huge")
        }
        XCTAssertThrowsError(try SimMachine(config: SimConfig(ramSize: 1 << 20, initrd: [UInt8](repeating: 0, count: 1 << 20)))) {
            XCTAssertEqual($0 as? SimError, .initrdTooLarge)
        }
        var c = SimConfig()
        c.traceFile = "/nonexistent-dir/trace.txt"
        XCTAssertThrowsError(try SimMachine(config: c))
    }
}
