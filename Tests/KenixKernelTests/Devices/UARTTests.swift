// The UART, owned by one task at a time: only a holder of its device handle
// (init's, handed down) may claim it; ownership is checked before anything
// is written; argument errors; release when its owner ends.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class UARTTests: XCTestCase {
    func testOnlyTheOwnerWritesToTheUART() throws {
        let sys = try TestSystem([
            TestProgram("init", [.uartWrite("early"), .record("unclaimed"),
                                 .spawn("console"), .save(into: 19),
                                 .handleDuplicate(.imm(InitHandle.uart), rights: .imm(HandleRights.transfer)),
                                 .save(into: 20), .sendHandle(to: .reg(19), handle: .reg(20)),
                                 .sendHandle(to: .reg(19), handle: .imm(InitHandle.uart)),
                                 .wait(.reg(19)), .record("console ended"),
                                 .uartClaim(), .record("claim after owner ended"),
                                 .uartWrite("init\n"), .record("init wrote"), .exit(0)]),
            TestProgram("console", [.uartClaim(), .record("claim with init's value"),
                                    .recv(from: parentHandle), .move(19, .reg(5)),
                                    .uartClaim(.reg(19)), .record("claim without use"),
                                    .recv(from: parentHandle), .move(19, .reg(5)),
                                    .uartClaim(.reg(19)), .record("claim"), .uartClaim(.reg(19)), .record("claim again"),
                                    .handleInfo(.reg(0)), .record("line handle"),
                                    .uartWrite("hello\n"), .record("wrote"),
                                    .sys(.uartWrite, .string("x"), 0), .record("empty"),
                                    .sys(.uartWrite, .string("x"), 4097), .record("too long"),
                                    .sys(.uartWrite, 0x10, 1), .record("bad pointer"),
                                    // 16 bytes, the last 8 on the unmapped page after the strings: nothing is written.
                                    .sys(.uartWrite, .imm(0x41_1FF8), 16), .record("half mapped"),
                                    .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("unclaimed")?.error, .notPermitted)
        XCTAssertEqual(sys.record("claim with init's value")?.error, .badHandle, "the console holds nothing there")
        XCTAssertEqual(sys.record("claim without use")?.error, .notPermitted)
        XCTAssertEqual(sys.record("claim")?.x[1], 33, "the claim returns the UART's receive line")
        XCTAssertEqual(sys.record("claim again")?.x[1], 33, "the owner may claim again: another line handle")
        XCTAssertEqual(sys.record("line handle")?.x[0...2], [ObjectKind.interruptLine.rawValue,
                                                             HandleRights.use | HandleRights.duplicate
                                                                 | HandleRights.transfer, 33])
        XCTAssertEqual(sys.record("wrote")?.x0, 6)
        XCTAssertEqual(sys.record("empty")?.x0, 0)
        XCTAssertEqual(sys.record("too long")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("bad pointer")?.error, .badAddress)
        XCTAssertEqual(sys.record("half mapped")?.error, .badAddress)
        XCTAssertEqual(sys.record("claim after owner ended")?.x[1], 33)
        XCTAssertEqual(sys.record("init wrote")?.x0, 5)
        XCTAssertEqual(sys.uartText, "hello\ninit\n")
    }

    /// Holding the UART's handle is not enough while another task owns it.
    func testASecondClaimantIsBusyWhileTheOwnerLives() throws {
        let sys = try TestSystem([
            TestProgram("init", [.uartClaim(), .spawn("other"), .save(into: 19),
                                 .sendHandle(to: .reg(19), handle: .imm(InitHandle.uart)), .wait(.reg(19)), .exit(0)]),
            TestProgram("other", [.recv(from: parentHandle), .uartClaim(.reg(5)), .record("claim"),
                                  .uartWrite("x"), .record("write"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("claim")?.error, .busy)
        XCTAssertEqual(sys.record("write")?.error, .notPermitted)
        XCTAssertEqual(sys.uartText, "")
    }

    func testUARTWriteReadsAcrossPages() throws {
        // 0x41 ('A') bytes across the stack page boundary below the top page.
        let page = UserLayout.stackTop - 0x1000
        let sys = try TestSystem([TestProgram("init", [
            .uartClaim(), .write(.imm(page - 8), .imm(0x4241_4141_4141_4141)), .write(.imm(page), .imm(0x0A44_4343)),
            .sys(.uartWrite, .imm(page - 2), 6), .record("wrote"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("wrote")?.x0, 6)
        XCTAssertEqual(sys.uartText, "ABCCD\n")
    }
}
