// Interrupts delivered to user-space drivers: one owner per line, which it
// routes with a handle for the line (init's interrupt controller covers
// every line the kernel does not keep; a device claim returns its own); each
// interrupt masks the line and signals the driver's notification bit; the
// line stays masked (a level line cannot storm) until the driver acks it.
import HAL
import KenixABI
import KenixKernel
import XCTest

extension Step {
    /// `irq_register(line handle, irq, notification handle, bit)`; init's
    /// interrupt controller by default.
    static func irqRegister(line: Operand = .imm(InitHandle.interruptController), _ irq: Operand, note: Operand,
                            bit: Operand) -> Step {
        sys(.irqRegister, line, irq, note, bit)
    }
    static func irqAck(_ irq: Operand) -> Step { sys(.irqAck, irq) }
}

final class UserInterruptTests: XCTestCase {
    func testEachInterruptSignalsTheDriverAndWaitsForItsAck() throws {
        let sys = try TestSystem([TestProgram("init", [
            .notifyCreate, .save(into: 19), .irqRegister(40, note: .reg(19), bit: 3), .record("register"),
            .notifyWait(.reg(19)), .record("first"),
            .compute(1 * ms),                     // the line is still high, but masked
            .notifyPoll(.reg(19)), .record("while masked"),
            .lowerLine(40), .irqAck(40), .record("ack"),
            .notifyWait(.reg(19)), .record("second"),
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
            TestProgram("init", [.notifyCreate, .save(into: 19), .irqRegister(40, note: .reg(19), bit: 0), .record("owner"),
                                 .irqRegister(64, note: .reg(19), bit: 0), .record("no such line"),
                                 .irqRegister(41, note: .reg(19), bit: 64), .record("no such bit"),
                                 .irqRegister(27, note: .reg(19), bit: 0), .record("timer line"),
                                 .irqRegister(41, note: 9, bit: 0), .record("unknown notification"),
                                 .handleDuplicate(.reg(19), rights: .imm(HandleRights.receive)), .save(into: 20),
                                 .irqRegister(41, note: .reg(20), bit: 0), .record("notification without signal"),
                                 .irqRegister(line: .imm(InitHandle.uart), 41, note: .reg(19), bit: 0),
                                 .record("a device handle"),
                                 .uartClaim(), .save(into: 21),
                                 .irqRegister(line: .reg(21), 41, note: .reg(19), bit: 0), .record("another line's handle"),
                                 .spawn("rival"), .save(into: 22),
                                 .sendHandle(to: .reg(22), handle: .imm(InitHandle.interruptController)),
                                 .wait(.reg(22)), .exit(0)]),
            TestProgram("rival", [.recv(from: parentHandle), .move(20, .reg(5)),
                                  .notifyCreate, .save(into: 19),
                                  .irqRegister(line: .reg(20), 40, note: .reg(19), bit: 0), .record("taken"),
                                  .irqAck(40), .record("ack not owner"),
                                  .irqRegister(line: .reg(20), 33, note: .reg(19), bit: 0), .record("the UART's line"),
                                  .irqRegister(line: 4, 42, note: .reg(19), bit: 0), .record("not holder"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("owner")?.x0, 0)
        XCTAssertEqual(sys.record("no such line")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("no such bit")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("timer line")?.error, .busy)
        XCTAssertEqual(sys.record("unknown notification")?.error, .badHandle)
        XCTAssertEqual(sys.record("notification without signal")?.error, .notPermitted)
        XCTAssertEqual(sys.record("a device handle")?.error, .badHandle)
        XCTAssertEqual(sys.record("another line's handle")?.error, .notPermitted, "the UART's line handle covers line 33 only")
        XCTAssertEqual(sys.record("taken")?.error, .busy)
        XCTAssertEqual(sys.record("ack not owner")?.error, .notPermitted)
        XCTAssertEqual(sys.record("the UART's line")?.error, .busy, "it belongs to the UART's owner")
        XCTAssertEqual(sys.record("not holder")?.error, .badHandle, "init's controller value means nothing to the rival")
    }

    func testALineIsFreedAndMaskedWhenItsOwnerEnds() throws {
        let driver = TestProgram("driver", Step.takeHandle(into: 20) + [
            .notifyCreate, .save(into: 19), .irqRegister(line: .reg(20), 40, note: .reg(19), bit: 0), .exit(0)])
        let sys = try TestSystem([
            TestProgram("init", [.spawn("driver"), .save(into: 19),
                                 .sendHandle(to: .reg(19), handle: .imm(InitHandle.interruptController)),
                                 .wait(.reg(19)), .record("driver gone"),
                                 .notifyCreate, .save(into: 20), .irqRegister(40, note: .reg(20), bit: 1),
                                 .record("register again"), .exit(0)]),
            driver,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("register again")?.x0, 0, "the dead driver's line is free again")

        let dead = try TestSystem([
            TestProgram("init", [.spawn("driver"), .save(into: 19),
                                 .sendHandle(to: .reg(19), handle: .imm(InitHandle.interruptController)),
                                 .wait(.reg(19)), .exit(0)]),
            driver,
        ])
        XCTAssertEqual(dead.run(), .initExited(status: 0))
        XCTAssertFalse(dead.machine.enabledIRQs.contains(40), "an unowned line is masked")
    }
}
