// Console input: lines are handed to the UART only when the machine idles
// with nothing else to wake it, `inputDelay` later, then one EOT (Ctrl-D) at
// the end; never while the UART's receive line is masked.
import HAL
import XCTest
@testable import HALHostSim
@testable import SimHost

final class ConsoleInputTests: XCTestCase {
    func testScriptedInputSplitsLinesAndKeepsAnUnterminatedTail() {
        let input = ScriptedInput("ab\n\ncd")
        XCTAssertEqual(input.nextLine(), Array("ab\n".utf8))
        XCTAssertEqual(input.nextLine(), Array("\n".utf8))
        XCTAssertEqual(input.nextLine(), Array("cd".utf8))
        XCTAssertNil(input.nextLine())
        XCTAssertNil(ScriptedInput([]).nextLine())
    }

    func drain(_ uart: SimUART) -> [UInt8] {
        var bytes: [UInt8] = []
        while let b = uart.read() { bytes.append(b) }
        return bytes
    }

    func testLinesArriveOnlyWhenIdleThenTheEndOfInput() throws {
        var c = SimTestBed.config()
        c.input = ScriptedInput("one\ntwo\n")
        c.inputDelay = 1000
        let bed = try SimTestBed(c)
        let cpu = bed.hal.cpu, gic = bed.hal.interrupts, uart = bed.hal.uart
        XCTAssertEqual(cpu.waitForInterrupt(), .noFutureEvents, "nobody listens while the line is masked")
        XCTAssertNil(uart.read())

        gic.enable(uart.irq)
        gic.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(5000)
        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 5000, "a pending timer comes first: no input is read early")
        XCTAssertEqual(gic.acknowledge(), bed.hal.timer.irq)
        bed.hal.timer.setDeadline(nil)
        gic.endOfInterrupt(bed.hal.timer.irq)

        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 6000, "the first line arrives inputDelay after going idle")
        XCTAssertEqual(gic.acknowledge(), uart.irq)
        XCTAssertEqual(drain(uart), Array("one\n".utf8))
        gic.endOfInterrupt(uart.irq)

        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.machine.now, 7000)
        XCTAssertEqual(gic.acknowledge(), uart.irq)
        XCTAssertEqual(drain(uart), Array("two\n".utf8))
        gic.endOfInterrupt(uart.irq)

        XCTAssertEqual(cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(gic.acknowledge(), uart.irq)
        XCTAssertEqual(drain(uart), [0x04], "the end of input is one Ctrl-D")
        gic.endOfInterrupt(uart.irq)

        XCTAssertEqual(cpu.waitForInterrupt(), .noFutureEvents)
    }
}
