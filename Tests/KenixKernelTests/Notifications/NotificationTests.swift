// Notifications: signal never blocks, wait blocks until a bit is set and takes
// them all, poll takes them at once; access needs a handle (handed over in a
// message, with the rights the holder chose); a bound notification ends a
// receive from anyone, and the receiver can tell it from a message (x0 = 0,
// x1 = bits, x2 = the handle it bound with).
import HAL
import KenixABI
import KenixKernel
import XCTest


extension Step {
    static let notifyCreate = sys(.notifyCreate)
    static func notifySignal(_ handle: Operand, _ bits: Operand) -> Step { sys(.notifySignal, handle, bits) }
    static func notifyWait(_ handle: Operand) -> Step { sys(.notifyWait, handle) }
    static func notifyPoll(_ handle: Operand) -> Step { sys(.notifyPoll, handle) }
    static func notifyBind(_ handle: Operand) -> Step { sys(.notifyBind, handle) }
}

final class NotificationTests: XCTestCase {
    func testSignalPollAndWaitTakeAndClearTheBits() throws {
        let sys = try TestSystem([TestProgram("init", [
            .notifyCreate, .record("create"), .save(into: 19),
            .notifySignal(.reg(19), 0b101), .notifyPoll(.reg(19)), .record("poll"), .notifyPoll(.reg(19)),
            .record("poll again"),
            .notifySignal(.reg(19), 2), .notifySignal(.reg(19), 8), .notifyWait(.reg(19)), .record("wait"),
            .handleInfo(.reg(19)), .record("info"),
            .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("create")?.x0, 1, "init's first handle: entry 0 of its table")
        XCTAssertEqual(sys.record("poll")?.x0, 0b101)
        XCTAssertEqual(sys.record("poll again")?.x0, 0, "poll clears the bits")
        XCTAssertEqual(sys.record("wait")?.x0, 10, "bits accumulate until taken; wait with bits set does not block")
        XCTAssertEqual(sys.record("info")?.x[0...1], [ObjectKind.notification.rawValue, HandleRights.all],
                       "the creator's handle has every right")
        XCTAssertNotEqual(sys.record("info")?.x[2], 0, "an identity, not 'no object' (HandleRulesTests checks it)")
    }

    func testWaitBlocksUntilAnotherTaskSignals() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .spawn("signaller"), .save(into: 20),
                                 .sendHandle(to: .reg(20), handle: .reg(19)),
                                 .notifyWait(.reg(19)), .record("woke"), .exit(0)]),
            TestProgram("signaller", Step.takeHandle(into: 19) + [.compute(3 * ms), .record("signal"),
                                                                 .notifySignal(.reg(19), 4), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let signal = try XCTUnwrap(sys.record("signal")), woke = try XCTUnwrap(sys.record("woke"))
        XCTAssertEqual(woke.x0, 4)
        XCTAssertEqual(woke.time, signal.time, "the waiter runs as soon as the signaller exits")
        XCTAssertEqual(sys.timeline, ["signaller.signal", "init.woke"])
    }

    /// A task reaches a notification only through a handle of its own: init's
    /// handle value means nothing in the child's table (its value 1 is its
    /// parent handle: another kind of object), and a handle handed over with
    /// `receive` only cannot signal.
    func testAccessNeedsAHandleWithTheRightAndOneWaiterAtATime() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .spawn("other"), .save(into: 20),
                                 .handleDuplicate(.reg(19), rights: .imm(HandleRights.receive | HandleRights.transfer)),
                                 .save(into: 21), .sendHandle(to: .reg(20), handle: .reg(21)),
                                 .notifyWait(.reg(19)), .record("woke"), .exit(0)]),
            TestProgram("other", [.notifySignal(1, 1), .record("signal through another task's value"),
                                  .notifyPoll(77), .record("unknown handle"),
                                  .recv(from: parentHandle), .move(19, .reg(5)),
                                  .notifySignal(.reg(19), 1), .record("signal without the right"),
                                  .notifyPoll(.reg(19)), .record("poll with receive"), .exit(0)]),
        ])
        // init waits; the child cannot signal, so nothing ever wakes init.
        XCTAssertEqual(sys.run(), .deadlock)
        XCTAssertEqual(sys.record("signal through another task's value")?.error, .badHandle)
        XCTAssertEqual(sys.record("unknown handle")?.error, .badHandle)
        XCTAssertEqual(sys.record("signal without the right")?.error, .notPermitted)
        XCTAssertEqual(sys.record("poll with receive")?.x0, 0)
        XCTAssertNil(sys.records("woke").first)

        let busy = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .spawn("second"), .save(into: 20),
                                 .sendHandle(to: .reg(20), handle: .reg(19)), .notifyWait(.reg(19)),
                                 .record("first woke"), .exit(0)]),
            TestProgram("second", Step.takeHandle(into: 19) + [.sleep(.imm(10 * us)),   // init waits first
                                                              .notifyWait(.reg(19)), .record("second waiter"),
                                                              .notifySignal(.reg(19), 3), .exit(0)]),
        ])
        XCTAssertEqual(busy.run(), .initExited(status: 0))
        XCTAssertEqual(busy.record("second waiter")?.error, .busy)
        XCTAssertEqual(busy.record("first woke")?.x0, 3)
    }

    func testABoundNotificationEndsAReceiveFromAnyone() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .notifyBind(.reg(19)), .spawn("client"),
                                 .save(into: 20), .sendHandle(to: .reg(20), handle: .reg(19)),
                                 .recv(), .record("first"), .recv(), .record("second"), .reply(), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: 19) + [.compute(1 * ms), .notifySignal(.reg(19), 0x30),
                                                              .call(parentHandle, tag: 9), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let first = try XCTUnwrap(sys.record("first"))
        XCTAssertEqual(Array(first.x[0...2]), [0, 0x30, 1], "x0 = 0 (no sender), x1 = bits, x2 = the bound handle")
        let second = try XCTUnwrap(sys.record("second"))
        XCTAssertEqual(second.x0, 2, "a message still arrives with its sender id")
        XCTAssertEqual(second.x[1], 9)
    }

    func testPendingBoundBitsComeBeforeQueuedSendersAndOnlyForAnySender() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .notifyBind(.reg(19)), .spawn("client"),
                                 .save(into: 20), .sendHandle(to: .reg(20), handle: .reg(19)),
                                 .yield,                                   // client signals, then blocks sending
                                 .recv(from: .reg(20)), .record("from client"),
                                 .recv(), .record("any"), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: 19) + [.notifySignal(.reg(19), 1), .send(parentHandle, tag: 5),
                                                              .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("from client")?.x0, 2, "a filtered receive ignores the notification")
        XCTAssertEqual(sys.record("any")?.x0, 0)
        XCTAssertEqual(sys.record("any")?.x[1], 1)
    }

    func testBindingIsExclusive() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .notifyCreate, .save(into: 20),
                                 .notifyBind(.reg(19)), .record("bind"),
                                 .notifyBind(.reg(20)), .record("second object"), .spawn("other"), .save(into: 21),
                                 .sendHandle(to: .reg(21), handle: .reg(19)), .wait(.reg(21)), .exit(0)]),
            TestProgram("other", Step.takeHandle(into: 19) + [.notifyBind(.reg(19)), .record("other binds"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("bind")?.x0, 0)
        XCTAssertEqual(sys.record("second object")?.error, .busy)
        XCTAssertEqual(sys.record("other binds")?.error, .busy)
    }

    /// A notification goes with its last handle (here, when its creator
    /// ends); a table entry reused later has a new id, and a handle value
    /// closed earlier does not reach the new handle in its entry.
    func testObjectsDieWithTheirLastHandleAndValuesGoStale() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("maker"), .save(into: 19), .wait(.reg(19)), .handleClose(.reg(19)),
                                 .notifyCreate, .record("reuses entry 0"), .save(into: 20),
                                 .handleClose(.reg(20)), .notifyCreate, .record("again"),
                                 .notifyPoll(.reg(20)), .record("stale value"), .exit(0)]),
            TestProgram("maker", [.notifyCreate, .record("made"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("made")?.x0, 2, "the maker's handle 1 is its parent")
        XCTAssertEqual(sys.record("reuses entry 0")?.x0, HandleValue.of(entry: 0, generation: 1),
                       "entry 0 (the closed child handle), generation 1")
        XCTAssertEqual(sys.record("again")?.x0, HandleValue.of(entry: 0, generation: 2))
        XCTAssertEqual(sys.record("stale value")?.error, .badHandle)
        XCTAssertEqual(sys.kernel.liveNotificationCount, 0, "the maker's went with it, init's with init")
    }
}
