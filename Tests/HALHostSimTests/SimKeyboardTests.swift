// The simulated keyboard: events come out in order; line 49 is a level, high
// until the queue is drained; scripted keys are typed a line at a time, only
// when the machine is idle for good, all before the UART's input; window
// keys likewise, one event at a time; closing the window halts the machine.
import HAL
import XCTest
@testable import HALHostSim
@testable import SimHost

final class SimKeyboardTests: XCTestCase {
    func bed(keys: String? = nil, input: String? = nil, keyboard: Bool = true) throws -> SimTestBed {
        var c = SimTestBed.config()
        c.keyboard = keyboard
        c.keys = keys.map { ScriptedKeys($0) }
        c.input = input.map { ScriptedInput($0) }
        c.inputDelay = 1000
        return try SimTestBed(c)
    }

    func drain(_ keyboard: SimKeyboardDevice) -> [KeyEvent] {
        var events: [KeyEvent] = []
        while let e = keyboard.takeEvent() { events.append(e) }
        return events
    }

    func down(_ c: UInt16) -> KeyEvent { KeyEvent(code: c, pressed: true) }
    func up(_ c: UInt16) -> KeyEvent { KeyEvent(code: c, pressed: false) }

    func testTheDeviceExistsOnlyWhenAskedForAndLine49IsOnThePlatform() throws {
        XCTAssertNil(try bed(keyboard: false).hal.keyboard)
        XCTAssertNotNil(try bed(keys: "x", keyboard: false).hal.keyboard, "scripted keys bring a keyboard")
        let hal = try bed().hal
        XCTAssertEqual(hal.keyboard?.irq, IRQ(49))
        XCTAssertGreaterThan(hal.boot.interruptLineCount, 49, "user drivers may route line 49")
    }

    func testEventsComeInOrderAndTheLineIsHighUntilDrained() throws {
        let bed = try self.bed()
        let keyboard = try XCTUnwrap(bed.hal.keyboard), gic = bed.hal.interrupts
        gic.enable(keyboard.irq)
        XCTAssertFalse(bed.machine.interruptPending)
        let events = [down(30), up(30), down(48), up(48)]
        bed.machine.keyboard!.schedule(events, at: 500, now: bed.machine.now)
        XCTAssertFalse(bed.machine.interruptPending, "nothing before its time")
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 500)
        XCTAssertEqual(gic.acknowledge(), keyboard.irq)
        XCTAssertEqual(keyboard.takeEvent(), events[0])
        gic.endOfInterrupt(keyboard.irq)
        XCTAssertTrue(bed.machine.interruptPending, "level: high while events wait")
        XCTAssertEqual(gic.acknowledge(), keyboard.irq)
        XCTAssertEqual(drain(keyboard), Array(events[1...]))
        gic.endOfInterrupt(keyboard.irq)
        XCTAssertFalse(bed.machine.interruptPending, "low once drained")
        XCTAssertNil(keyboard.takeEvent())
    }

    func testScriptedKeysTypeShiftAndEnter() {
        let keys = ScriptedKeys("Ab\nc")
        // KEY_LEFTSHIFT 42, KEY_A 30, KEY_B 48, KEY_ENTER 28, KEY_C 46
        XCTAssertEqual(keys.nextLine(), [down(42), down(30), up(30), up(42), down(48), up(48), down(28), up(28)])
        XCTAssertEqual(keys.nextLine(), [down(46), up(46)], "an unterminated last line")
        XCTAssertNil(keys.nextLine())
        let odd = ScriptedKeys("é\r\n")
        XCTAssertEqual(odd.skipped, 1, "no key types é; CR is dropped silently")
        XCTAssertEqual(odd.nextLine(), [down(28), up(28)])
    }

    func testScriptedKeysArriveOnlyWhenIdleAndBeforeTheUARTInput() throws {
        let bed = try self.bed(keys: "Ab\nc\n", input: "x\n")
        let keyboard = try XCTUnwrap(bed.hal.keyboard)
        let cpu = bed.hal.cpu, gic = bed.hal.interrupts, uart = bed.hal.uart
        gic.enable(uart.irq)
        XCTAssertEqual(cpu.waitForInterrupt(), .noFutureEvents,
                       "the keyboard's line is masked: no keys, and no UART input before them")
        XCTAssertNil(uart.read())
        gic.enable(keyboard.irq)
        gic.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(5000)
        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 5000, "a pending timer comes first: no keys early")
        XCTAssertEqual(gic.acknowledge(), bed.hal.timer.irq)
        bed.hal.timer.setDeadline(nil)
        gic.endOfInterrupt(bed.hal.timer.irq)

        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 6000, "the first line, inputDelay after idling")
        XCTAssertEqual(gic.acknowledge(), keyboard.irq)
        XCTAssertEqual(drain(keyboard), [down(42), down(30), up(30), up(42), down(48), up(48), down(28), up(28)])
        gic.endOfInterrupt(keyboard.irq)

        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(gic.acknowledge(), keyboard.irq)
        XCTAssertEqual(drain(keyboard), [down(46), up(46), down(28), up(28)])
        XCTAssertNil(uart.read(), "no UART input while keys remain")
        gic.endOfInterrupt(keyboard.irq)

        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(gic.acknowledge(), uart.irq, "then the UART's lines")
        XCTAssertEqual(uart.read(), UInt8(ascii: "x"))
        XCTAssertEqual(uart.read(), 0x0A)
        gic.endOfInterrupt(uart.irq)
        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(gic.acknowledge(), uart.irq)
        XCTAssertEqual(uart.read(), 0x04, "and the end of input")
        gic.endOfInterrupt(uart.irq)
        XCTAssertEqual(cpu.waitForInterrupt(), .noFutureEvents)
    }

    func testWindowKeysReachTheKeyboardAtTheNextPoint() throws {
        let bed = try self.bed()
        let keyboard = try XCTUnwrap(bed.hal.keyboard), gic = bed.hal.interrupts
        bed.machine.ensureHostPoller()   // as opening the window does
        bed.machine.handle(.key(down(103)))   // KEY_UP, as the window reports it
        bed.machine.handle(.key(up(103)))
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents, "given to the device; its line is masked")
        XCTAssertTrue(bed.machine.hostKeys.isEmpty)
        gic.enable(keyboard.irq)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(gic.acknowledge(), keyboard.irq)
        XCTAssertEqual(drain(keyboard), [down(103), up(103)], "both, in order")
        gic.endOfInterrupt(keyboard.irq)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents)
        XCTAssertFalse(bed.machine.windowClosed)
    }

    func testClosingTheWindowHaltsTheMachine() throws {
        let bed = try self.bed()
        var ctx = bed.context()
        bed.load([A64.add(0, 0, 1), A64.b(-4)])
        bed.activate()
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(10_000)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .interrupt)
        bed.machine.handle(.closed)
        XCTAssertTrue(bed.machine.windowClosed)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .interrupt, "a pending interrupt is still taken")
        bed.hal.timer.setDeadline(nil)
        _ = bed.hal.interrupts.acknowledge()
        bed.hal.interrupts.endOfInterrupt(bed.hal.timer.irq)
        let now = bed.machine.now
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .halt)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .halt)
        XCTAssertEqual(bed.machine.now, now, "no more time passes")
    }
}
