// The keyboard: claimed with its device handle (init's, or one init handed
// down), one owner at a time (free again when it ends), who alone reads events (at most four a call, each `code | pressed << 16`) and routes
// the keyboard's level line to a notification; a key arriving while the
// owner waits wakes it at that time, and runs are deterministic.
import HAL
import KenixABI
import KenixKernel
import XCTest

private let line = UInt64(ScriptedKeyboard.defaultIRQ.number)

extension Step {
    /// `keyboard_claim(device)`: init's keyboard handle by default; x0 = a
    /// handle for the keyboard's line, x1 = the line.
    static func keyboardClaim(_ device: Operand = .imm(InitHandle.keyboard)) -> Step { sys(.keyboardClaim, device) }
    static let keyboardRead = sys(.keyboardRead)
}

private func key(_ code: UInt16, _ pressed: Bool = true) -> KeyEvent { KeyEvent(code: code, pressed: pressed) }
private func packed(_ e: KeyEvent) -> UInt64 { UInt64(e.code) | (e.pressed ? 1 << 16 : 0) }

final class KeyboardTests: XCTestCase {
    func testWithoutAKeyboardEverythingIsNotFound() throws {
        let sys = try TestSystem([TestProgram("init", [
            .keyboardClaim(), .record("claim"), .keyboardRead, .record("read"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("claim")?.error, .notFound)
        XCTAssertEqual(sys.record("read")?.error, .notFound)
    }

    func testOneOwnerAtATimeUntilItEnds() throws {
        let events = [key(30), key(30, false)]
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate, .save(into: 21),
                .keyboardRead, .record("read unclaimed"),
                .irqRegister(.imm(line), note: .reg(21), bit: 0), .record("register unclaimed"),
                .spawn("kbd"), .save(into: 19), .sendHandle(to: .reg(19), handle: .imm(InitHandle.keyboard)),
                .sleep(.imm(10 * us)),
                .keyboardClaim(), .record("claim while owned"),
                .keyboardRead, .record("read not owner"),
                .irqRegister(.imm(line), note: .reg(21), bit: 0), .record("register not owner"),
                .send(.reg(19)), .wait(.reg(19)),
                .keyboardClaim(), .record("claim after owner ended"),
                .irqRegister(.imm(line), note: .reg(21), bit: 0), .record("register as owner"),
                .keyboardRead, .record("read as owner"), .exit(0)]),
            TestProgram("kbd", [
                .keyboardClaim(), .record("claim without the handle")] + Step.takeHandle(into: 20) + [
                .keyboardClaim(.reg(20)), .record("claim"), .save(into: 22),
                .keyboardClaim(.reg(20)), .record("claim again"),
                .notifyCreate, .save(into: 21),
                .irqRegister(line: .reg(22), .imm(line), note: .reg(21), bit: 0), .record("register"),
                .recv(), .exit(0)]),
        ], keyboard: ScriptedKeyboardConfig(waiting: events))
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("read unclaimed")?.error, .notPermitted)
        XCTAssertEqual(sys.record("register unclaimed")?.error, .busy, "the line is the keyboard owner's")
        XCTAssertEqual(sys.record("claim without the handle")?.error, .badHandle, "init's value means nothing to kbd")
        XCTAssertEqual(sys.record("claim")?.x[1], line, "the claim returns the keyboard's line")
        XCTAssertEqual(sys.record("claim again")?.x[1], line, "the owner may claim again")
        XCTAssertEqual(sys.record("register")?.x0, 0)
        XCTAssertEqual(sys.record("claim while owned")?.error, .busy)
        XCTAssertEqual(sys.record("read not owner")?.error, .notPermitted)
        XCTAssertEqual(sys.record("register not owner")?.error, .busy)
        XCTAssertEqual(sys.record("claim after owner ended")?.x[1], line)
        XCTAssertEqual(sys.record("register as owner")?.x0, 0, "the ended owner's route went with it")
        let read = try XCTUnwrap(sys.record("read as owner"))
        XCTAssertEqual(Array(read.x[0...2]), [2] + events.map(packed), "refused reads took no event")
    }

    func testReadsPackAtMostFourEventsACall() throws {
        let events = [key(30), key(30, false), key(28), key(0x2FF), key(1, false), key(0xFFFF)]
        let sys = try TestSystem([TestProgram("init", [
            .keyboardClaim(), .keyboardRead, .record("first"), .keyboardRead, .record("second"),
            .keyboardRead, .record("empty"), .exit(0)])], keyboard: ScriptedKeyboardConfig(waiting: events))
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let first = try XCTUnwrap(sys.record("first"))
        XCTAssertEqual(Array(first.x[0...4]), [4, 0x1_001E, 0x001E, 0x1_001C, 0x1_02FF])
        let second = try XCTUnwrap(sys.record("second"))
        XCTAssertEqual(Array(second.x[0...2]), [2, 0x0001, 0x1_FFFF])
        XCTAssertEqual(sys.record("empty")?.x0, 0)
        XCTAssertEqual(sys.keyboard?.taken.map(\.event), events, "each event taken once, in order")
    }

    func testAKeyWakesTheOwnerWaitingOnItsLine() throws {
        let sys = try TestSystem([TestProgram("init", [
            .keyboardClaim(), .notifyCreate, .save(into: 21),
            .irqRegister(.imm(line), note: .reg(21), bit: 2), .record("register"),
            .notifyWait(.reg(21)), .record("first wake"), .keyboardRead, .record("first read"),
            .irqAck(.imm(line)), .record("ack"),
            .notifyWait(.reg(21)), .record("second wake"), .keyboardRead, .record("second read"),
            .irqAck(.imm(line)), .keyboardRead, .record("empty"), .exit(0)])],
            keyboard: ScriptedKeyboardConfig(arrivals: [TimedKeyEvent(time: 2 * ms, event: key(30)),
                                                        TimedKeyEvent(time: 2 * ms, event: key(30, false)),
                                                        TimedKeyEvent(time: 5 * ms, event: key(28))]))
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("register")?.x0, 0)
        let first = try XCTUnwrap(sys.record("first wake"))
        XCTAssertEqual(first.x0, 1 << 2)
        XCTAssertEqual(first.time, 2 * ms, "the idle kernel waited for the key, and woke its owner then")
        XCTAssertEqual(sys.record("first read").map { Array($0.x[0...2]) }, [2, 0x1_001E, 0x001E])
        XCTAssertEqual(sys.record("ack")?.x0, 0)
        let second = try XCTUnwrap(sys.record("second wake"))
        XCTAssertEqual(second.x0, 1 << 2)
        XCTAssertEqual(second.time, 5 * ms)
        XCTAssertEqual(sys.record("second read").map { Array($0.x[0...1]) }, [1, 0x1_001C])
        XCTAssertEqual(sys.record("empty")?.x0, 0)
        XCTAssertEqual(sys.trace.filter { $0.kind == .interrupt && $0.a == line }.map(\.time), [2 * ms, 5 * ms])
    }

    func testTheLineStaysHighWhileEventsWait() throws {
        let events = [key(2), key(3), key(4), key(5), key(6), key(7)]
        let sys = try TestSystem([TestProgram("init", [
            .keyboardClaim(), .notifyCreate, .save(into: 21),
            .irqRegister(.imm(line), note: .reg(21), bit: 0),
            .notifyWait(.reg(21)), .record("signalled"), .keyboardRead, .record("four"), .irqAck(.imm(line)),
            .notifyWait(.reg(21)), .record("signalled again"), .keyboardRead, .record("two"), .irqAck(.imm(line)),
            .compute(1 * ms), .notifyPoll(.reg(21)), .record("quiet"), .exit(0)])],
            keyboard: ScriptedKeyboardConfig(waiting: events))
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("signalled")?.x0, 1)
        XCTAssertEqual(sys.record("four")?.x0, 4)
        XCTAssertEqual(sys.record("signalled again")?.x0, 1, "acked with events left: signalled at once")
        XCTAssertEqual(sys.record("signalled again")?.time, sys.record("four")?.time, "no time passed")
        XCTAssertEqual(sys.record("two")?.x0, 2)
        XCTAssertEqual(sys.record("quiet")?.x0, 0, "no event waits: the line is low")
    }

    func testKeyboardRunsAreDeterministic() throws {
        func run() throws -> (RunOutcome, [TimedTraceEvent], [LogEntry], [TimedKeyEvent]) {
            var arrivals: [TimedKeyEvent] = []
            for i in 0..<12 { arrivals.append(TimedKeyEvent(time: UInt64(i) * 700 * us + 300 * us,
                                                            event: key(UInt16(16 + i), i % 3 != 2))) }
            let sys = try TestSystem([
                TestProgram("init", [.spawn("kbd", priority: 20, authority: .imm(InitHandle.spawnAuthority)), .save(into: 19),
                                     .sendHandle(to: .reg(19), handle: .imm(InitHandle.keyboard)),
                                     .spawn("busy"), .save(into: 20), .wait(.reg(20)),
                                     .sleep(.imm(10 * ms)), .kill(.reg(19)), .wait(.reg(19)), .exit(0)]),
                TestProgram("kbd", [
                    /* 0 */ .recv(from: parentHandle), .keyboardClaim(.reg(5)), .save(into: 22), .notifyCreate, .save(into: 21),
                    /* 5 */ .irqRegister(line: .reg(22), .imm(line), note: .reg(21), bit: 1),
                    /* 6 */ .notifyWait(.reg(21)), .keyboardRead, .record("read"), .irqAck(.imm(line)), .jump(6)]),
                TestProgram("busy", [.compute(3 * ms), .yield, .compute(3 * ms), .exit(0)]),
            ], keyboard: ScriptedKeyboardConfig(arrivals: arrivals))
            let outcome = sys.run()
            sys.checkHarness()
            return (outcome, sys.trace, sys.log, sys.keyboard!.taken)
        }
        let a = try run(), b = try run()
        XCTAssertEqual(a.0, .initExited(status: 0))
        XCTAssertEqual(a.1, b.1)
        XCTAssertEqual(a.2, b.2)
        XCTAssertEqual(a.3, b.3)
        XCTAssertEqual(a.2.filter { $0.label == "read" }.map(\.x0).reduce(0, +), 12, "the driver read every key")
        XCTAssertEqual(a.3.map(\.time), (0..<12).map { UInt64($0) * 700 * us + 300 * us },
                       "each key was read when it came, the busy task notwithstanding")
        XCTAssertTrue(a.1.contains { $0.kind == .interrupt && $0.a == line })
    }
}
