// Interrupts delivered to user-space drivers: one owner per line; each
// interrupt masks the line and signals the driver's notification bit; the
// line stays masked (a level line cannot storm) until the driver acks it.
import HAL
import KenixABI
import KenixKernel
import XCTest

extension Step {
    static func irqRegister(_ irq: Operand, _ id: Operand, bit: Operand) -> Step { sys(.irqRegister, irq, id, bit) }
    static func irqAck(_ irq: Operand) -> Step { sys(.irqAck, irq) }
}

final class UserInterruptTests: XCTestCase {
    func testEachInterruptSignalsTheDriverAndWaitsForItsAck() throws {
        let sys = try TestSystem([TestProgram("init", [
            .notifyCreate, .irqRegister(40, 1, bit: 3), .record("register"),
            .notifyWait(1), .record("first"),
            .compute(1 * ms),                     // the line is still high, but masked
            .notifyPoll(1), .record("while masked"),
            .lowerLine(40), .irqAck(40), .record("ack"),
            .notifyWait(1), .record("second"),
            .exit(0)])])
        sys.machine.scheduledRaises = [(time: 2 * ms, irq: 40), (time: 5 * ms, irq: 40)]
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("register")?.x0, 0)
        let first = try XCTUnwrap(sys.record("first"))
        XCTAssertEqual(first.x0, 1 << 3)
        XCTAssertEqual(first.time, 2 * ms, "the driver wakes at the interrupt's time")
        XCTAssertEqual(sys.record("while masked")?.x0, 0, "no second signal before the ack")
        XCTAssertEqual(sys.record("ack")?.x0, 0)
        let second = try XCTUnwrap(sys.record("second"))
        XCTAssertEqual(second.x0, 1 << 3)
        XCTAssertEqual(second.time, 5 * ms)
        XCTAssertEqual(sys.trace.filter { $0.kind == .interrupt && $0.a == 40 }.count, 2)
    }

    func testOwnershipErrors() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .irqRegister(40, 1, bit: 0), .record("owner"),
                                 .irqRegister(64, 1, bit: 0), .record("no such line"),
                                 .irqRegister(41, 1, bit: 64), .record("no such bit"),
                                 .irqRegister(27, 1, bit: 0), .record("timer line"),
                                 .irqRegister(41, 9, bit: 0), .record("unknown notification"),
                                 .spawn("rival"), .wait(2), .exit(0)]),
            TestProgram("rival", [.notifyCreate, .irqRegister(40, 2, bit: 0), .record("taken"),
                                  .irqAck(40), .record("ack not owner"),
                                  .irqRegister(42, 1, bit: 0), .record("not holder"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("owner")?.x0, 0)
        XCTAssertEqual(sys.record("no such line")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("no such bit")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("timer line")?.error, .busy)
        XCTAssertEqual(sys.record("unknown notification")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("taken")?.error, .busy)
        XCTAssertEqual(sys.record("ack not owner")?.error, .notPermitted)
        XCTAssertEqual(sys.record("not holder")?.error, .notPermitted)
    }

    func testALineIsFreedAndMaskedWhenItsOwnerEnds() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("driver"), .wait(2), .record("driver gone"),
                                 .notifyCreate, .irqRegister(40, 33, bit: 1),   // id 1 died with the driver
                                 .record("register again"), .exit(0)]),
            TestProgram("driver", [.notifyCreate, .irqRegister(40, 1, bit: 0), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("register again")?.x0, 0, "the dead driver's line is free again")

        let dead = try TestSystem([
            TestProgram("init", [.spawn("driver"), .wait(2), .exit(0)]),
            TestProgram("driver", [.notifyCreate, .irqRegister(40, 1, bit: 0), .exit(0)]),
        ])
        XCTAssertEqual(dead.run(), .initExited(status: 0))
        XCTAssertFalse(dead.machine.enabledIRQs.contains(40), "an unowned line is masked")
    }
}
