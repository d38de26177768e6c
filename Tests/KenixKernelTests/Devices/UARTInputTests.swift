// The UART's receive side: only the UART's owner may own its interrupt line
// (even a holder of init's interrupt controller may not) and read bytes; a
// receive interrupt reaches it as a notification, and `uart_read` never
// blocks.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class UARTInputTests: XCTestCase {
    func testTheOwnerReadsReceivedBytesAfterTheInterrupt() throws {
        let buffer: UInt64 = 0x40_2000   // init's data page (program 0)
        let sys = try TestSystem([
            TestProgram("init", [
                .uartClaim(), .save(into: 21), .spawn("other"), .save(into: 20),
                .sendHandle(to: .reg(20), handle: .imm(InitHandle.interruptController)), .wait(.reg(20)),
                .notifyCreate, .move(19, .reg(0)),
                .irqRegister(line: .reg(21), 33, note: .reg(19), bit: 0), .record("register"),
                .notifyWait(.reg(19)), .record("rx"),
                .sys(.uartRead, .imm(buffer), 16), .record("read"),
                .read(.imm(buffer), into: 1), .record("bytes"),
                .lowerLine(33), .irqAck(33), .exit(0)], bss: 4096),
            TestProgram("other", [.recv(from: parentHandle), .move(20, .reg(5)), .notifyCreate, .save(into: 19),
                                  .irqRegister(line: .reg(20), 33, note: .reg(19), bit: 0), .record("not owner"),
                                  .sys(.uartRead, 0x40_0000, 1), .record("read not owner"), .exit(0)]),
        ])
        sys.machine.uartInput = Array("hello".utf8)
        sys.machine.scheduledRaises = [(time: 1 * ms, irq: 33)]
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("not owner")?.error, .busy)
        XCTAssertEqual(sys.record("read not owner")?.error, .notPermitted)
        XCTAssertEqual(sys.record("register")?.x0, 0)
        XCTAssertEqual(sys.record("rx")?.x0, 1)
        XCTAssertEqual(sys.record("rx")?.time, 1 * ms)
        XCTAssertEqual(sys.record("read")?.x0, 5)
        XCTAssertEqual(sys.record("bytes")?.x[1], 0x6F_6C_6C_65_68, "\"hello\", little-endian")
        XCTAssertEqual(sys.machine.uartInput, [])
    }

    func testABadBufferTakesNoByte() throws {
        let sys = try TestSystem([TestProgram("init", [
            .uartClaim(), .sys(.uartRead, 0x10, 4), .record("bad pointer"),
            .sys(.uartRead, 0x40_0000, 4), .record("read-only page"), .exit(0)])])
        sys.machine.uartInput = Array("abcd".utf8)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("bad pointer")?.error, .badAddress)
        XCTAssertEqual(sys.record("read-only page")?.error, .badAddress)
        XCTAssertEqual(sys.machine.uartInput, Array("abcd".utf8), "no byte was lost")
    }
}
