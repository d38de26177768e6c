// Notifications: signal never blocks, wait blocks until a bit is set and takes
// them all, poll takes them at once; access needs a grant; a bound
// notification ends a receive from anyone, and the receiver can tell it from
// a message (x0 = 0, x1 = bits, x2 = id).
import HAL
import KenixABI
import KenixKernel
import XCTest


extension Step {
    static let notifyCreate = sys(.notifyCreate)
    static func notifySignal(_ id: Operand, _ bits: Operand) -> Step { sys(.notifySignal, id, bits) }
    static func notifyWait(_ id: Operand) -> Step { sys(.notifyWait, id) }
    static func notifyPoll(_ id: Operand) -> Step { sys(.notifyPoll, id) }
    static func notifyGrant(_ id: Operand, _ task: Operand) -> Step { sys(.notifyGrant, id, task) }
    static func notifyBind(_ id: Operand) -> Step { sys(.notifyBind, id) }
}

final class NotificationTests: XCTestCase {
    func testSignalPollAndWaitTakeAndClearTheBits() throws {
        let sys = try TestSystem([TestProgram("init", [
            .notifyCreate, .record("create"),
            .notifySignal(1, 0b101), .notifyPoll(1), .record("poll"), .notifyPoll(1), .record("poll again"),
            .notifySignal(1, 2), .notifySignal(1, 8), .notifyWait(1), .record("wait"),
            .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("create")?.x0, 1)
        XCTAssertEqual(sys.record("poll")?.x0, 0b101)
        XCTAssertEqual(sys.record("poll again")?.x0, 0, "poll clears the bits")
        XCTAssertEqual(sys.record("wait")?.x0, 10, "bits accumulate until taken; wait with bits set does not block")
    }

    func testWaitBlocksUntilAnotherTaskSignals() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .spawn("signaller"), .notifyGrant(1, 2),
                                 .notifyWait(1), .record("woke"), .exit(0)]),
            TestProgram("signaller", [.compute(3 * ms), .record("signal"), .notifySignal(1, 4), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let signal = try XCTUnwrap(sys.record("signal")), woke = try XCTUnwrap(sys.record("woke"))
        XCTAssertEqual(woke.x0, 4)
        XCTAssertEqual(woke.time, signal.time, "the waiter runs as soon as the signaller exits")
        XCTAssertEqual(sys.timeline, ["signaller.signal", "init.woke"])
    }

    func testAccessNeedsAGrantAndOneWaiterAtATime() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .spawn("other"), .notifyWait(1), .record("woke"), .exit(0)]),
            TestProgram("other", [.notifySignal(1, 1), .record("signal without grant"),
                                  .notifyPoll(77), .record("unknown id"), .notifySignal(1, 1), .exit(0)]),
        ])
        // init waits on 1; the child cannot signal it, so nothing ever wakes init.
        XCTAssertEqual(sys.run(), .deadlock)
        XCTAssertEqual(sys.record("signal without grant")?.error, .notPermitted)
        XCTAssertEqual(sys.record("unknown id")?.error, .invalidArgument)
        XCTAssertNil(sys.records("woke").first)

        let busy = try TestSystem([
            TestProgram("init", [.notifyCreate, .spawn("second"), .notifyGrant(1, 2), .notifyWait(1),
                                 .record("first woke"), .exit(0)]),
            TestProgram("second", [.notifyWait(1), .record("second waiter"), .notifySignal(1, 3), .exit(0)]),
        ])
        XCTAssertEqual(busy.run(), .initExited(status: 0))
        XCTAssertEqual(busy.record("second waiter")?.error, .busy)
        XCTAssertEqual(busy.record("first woke")?.x0, 3)
    }

    func testABoundNotificationEndsAReceiveFromAnyone() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .notifyBind(1), .spawn("client"), .notifyGrant(1, 2),
                                 .recv(), .record("first"), .recv(), .record("second"), .reply(), .exit(0)]),
            TestProgram("client", [.compute(1 * ms), .notifySignal(1, 0x30), .call(1, tag: 9), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let first = try XCTUnwrap(sys.record("first"))
        XCTAssertEqual(Array(first.x[0...2]), [0, 0x30, 1], "x0 = 0 (no sender), x1 = bits, x2 = id")
        let second = try XCTUnwrap(sys.record("second"))
        XCTAssertEqual(second.x0, 2, "a message still arrives with its sender id")
        XCTAssertEqual(second.x[1], 9)
    }

    func testPendingBoundBitsComeBeforeQueuedSendersAndOnlyForAnySender() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .notifyBind(1), .spawn("client"), .notifyGrant(1, 2),
                                 .yield,                                   // client signals, then blocks sending
                                 .recv(from: 2), .record("from client"),
                                 .recv(), .record("any"), .exit(0)]),
            TestProgram("client", [.notifySignal(1, 1), .send(1, tag: 5), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("from client")?.x0, 2, "a filtered receive ignores the notification")
        XCTAssertEqual(sys.record("any")?.x0, 0)
        XCTAssertEqual(sys.record("any")?.x[1], 1)
    }

    func testBindingIsExclusive() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .notifyCreate, .notifyBind(1), .record("bind"),
                                 .notifyBind(2), .record("second object"), .spawn("other"), .notifyGrant(1, 2),
                                 .wait(2), .exit(0)]),
            TestProgram("other", [.notifyBind(1), .record("other binds"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("bind")?.x0, 0)
        XCTAssertEqual(sys.record("second object")?.error, .busy)
        XCTAssertEqual(sys.record("other binds")?.error, .busy)
    }

    func testObjectsDieWithTheirLastHolderAndIdsGoStale() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("maker"), .wait(2), .notifyCreate, .record("reused slot"),
                                 .notifyPoll(1), .record("stale id"), .exit(0)]),
            TestProgram("maker", [.notifyCreate, .record("made"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("made")?.x0, 1)
        XCTAssertEqual(sys.record("reused slot")?.x0, 1 + 32, "the freed slot comes back with a new generation")
        XCTAssertEqual(sys.record("stale id")?.error, .invalidArgument)
    }
}
