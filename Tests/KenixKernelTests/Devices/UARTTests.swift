// The UART, owned by one task at a time: claims, ownership checks before
// anything is written, argument errors, and release when its owner ends.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class UARTTests: XCTestCase {
    func testOnlyTheOwnerWritesToTheUART() throws {
        let sys = try TestSystem([
            TestProgram("init", [.uartWrite("early"), .record("unclaimed"),
                                 .spawn("console"), .wait(2), .record("console ended"),
                                 .uartClaim, .record("claim after owner ended"),
                                 .uartWrite("init\n"), .record("init wrote"), .exit(0)]),
            TestProgram("console", [.uartClaim, .record("claim"), .uartClaim, .record("claim again"),
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
        XCTAssertEqual(sys.record("claim")?.x0, 33, "the claim returns the UART's receive line")
        XCTAssertEqual(sys.record("claim again")?.error, .busy)
        XCTAssertEqual(sys.record("wrote")?.x0, 6)
        XCTAssertEqual(sys.record("empty")?.x0, 0)
        XCTAssertEqual(sys.record("too long")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("bad pointer")?.error, .badAddress)
        XCTAssertEqual(sys.record("half mapped")?.error, .badAddress)
        XCTAssertEqual(sys.record("claim after owner ended")?.x0, 33)
        XCTAssertEqual(sys.record("init wrote")?.x0, 5)
        XCTAssertEqual(sys.uartText, "hello\ninit\n")
    }

    func testASecondClaimantIsBusyWhileTheOwnerLives() throws {
        let sys = try TestSystem([
            TestProgram("init", [.uartClaim, .spawn("other"), .wait(2), .exit(0)]),
            TestProgram("other", [.uartClaim, .record("claim"), .uartWrite("x"), .record("write"), .exit(0)]),
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
            .uartClaim, .write(.imm(page - 8), .imm(0x4241_4141_4141_4141)), .write(.imm(page), .imm(0x0A44_4343)),
            .sys(.uartWrite, .imm(page - 2), 6), .record("wrote"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("wrote")?.x0, 6)
        XCTAssertEqual(sys.uartText, "ABCCD\n")
    }
}
