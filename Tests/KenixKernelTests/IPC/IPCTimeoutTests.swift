// IPC timeouts and non-blocking forms: a timed call or receive returns
// `timedOut` exactly at its deadline on the kernel clock; a call's deadline
// covers both waiting to be received and waiting for the reply; a wait that
// ends early leaves no timer behind. Non-blocking send and receive return
// `wouldBlock` at once when no partner is ready.
import HAL
import KenixABI
import KenixKernel
import XCTest

extension Step {
    static func recvTimeout(from sender: Operand = 0, _ ns: UInt64) -> Step { sys(.recvTimeout, sender, .imm(ns)) }
    static func callTimeout(_ dest: Operand, tag: Operand = 0, _ ns: UInt64) -> Step {
        sys(.callTimeout, dest, tag, 0, 0, 0, 0, .imm(ns))
    }
    static func sendNonBlocking(_ dest: Operand, tag: Operand = 0) -> Step { sys(.sendNonBlocking, dest, tag) }
    static func recvNonBlocking(from sender: Operand = 0) -> Step { sys(.recvNonBlocking, sender) }
}

final class IPCTimeoutTests: XCTestCase {
    func testTimedReceiveExpiresExactlyAtItsDeadline() throws {
        let sys = try TestSystem([TestProgram("init", [
            .compute(1 * ms), .record("start"), .recvTimeout(2 * ms), .record("expired"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let start = try XCTUnwrap(sys.record("start")), expired = try XCTUnwrap(sys.record("expired"))
        XCTAssertEqual(expired.error, .timedOut)
        XCTAssertEqual(expired.time - start.time, 2 * ms)
    }

    func testAMessageBeforeTheDeadlineEndsTheWaitAndLeavesNoTimer() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("sender", priority: 5), .recvTimeout(3 * ms), .record("got"),
                                 .recv(), .record("second"), .exit(0)]),
            TestProgram("sender", [.compute(1 * ms), .send(1, tag: 4), .compute(5 * ms), .send(1, tag: 6), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("got")?.x0, 2)
        XCTAssertEqual(sys.record("got")?.x[1], 4)
        let second = try XCTUnwrap(sys.record("second"))
        XCTAssertEqual(second.x[1], 6, "the stale 3 ms deadline did not break the later receive")
        XCTAssertEqual(second.time, 6 * ms)
    }

    func testATimedCallNobodyReceivesLeavesTheQueue() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("server", priority: 5), .save(into: 19), .callTimeout(.reg(19), tag: 1, 2 * ms),
                                 .record("call"), .wait(.reg(19)), .record("server done"), .exit(0)]),
            TestProgram("server", [.compute(5 * ms), .recvNonBlocking(), .record("late receive"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let call = try XCTUnwrap(sys.record("call"))
        XCTAssertEqual(call.error, .timedOut)
        XCTAssertEqual(call.time, 2 * ms)
        XCTAssertEqual(sys.record("late receive")?.error, .wouldBlock, "the timed-out caller left the queue")
    }

    func testACallsDeadlineCoversTheWaitForTheReply() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("server", priority: 5), .save(into: 19), .callTimeout(.reg(19), tag: 1, 4 * ms),
                                 .record("call"), .wait(.reg(19)), .exit(0)]),
            TestProgram("server", [.recv(), .record("received"), .compute(10 * ms), .reply(tag: 2),
                                   .record("late reply"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("received")?.x0, 1)
        let call = try XCTUnwrap(sys.record("call"))
        XCTAssertEqual(call.error, .timedOut)
        XCTAssertEqual(call.time, 4 * ms, "the deadline counts from the call, not from its receipt")
        XCTAssertEqual(sys.record("late reply")?.error, .noSuchTask, "the caller no longer waits")
    }

    func testNonBlockingFormsReturnAtOnce() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("peer", priority: 5), .save(into: 19),
                                 .sendNonBlocking(.reg(19), tag: 1), .record("send, peer busy"),
                                 .recvNonBlocking(), .record("recv, nobody"),
                                 .wait(.reg(19)), .record("peer done"), .exit(0)]),
            TestProgram("peer", [.recv(), .record("peer got"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .deadlock, "the peer waits for a message that never comes")
        XCTAssertEqual(sys.record("send, peer busy")?.error, .wouldBlock)
        XCTAssertEqual(sys.record("recv, nobody")?.error, .wouldBlock)

        let ready = try TestSystem([
            TestProgram("init", [.spawn("peer"), .save(into: 19), .yield, .sendNonBlocking(.reg(19), tag: 7),
                                 .record("send"), .wait(.reg(19)), .exit(0)]),
            TestProgram("peer", [.recv(), .record("peer got"), .exit(0)]),
        ])
        XCTAssertEqual(ready.run(), .initExited(status: 0))
        XCTAssertEqual(ready.record("send")?.x0, 0)
        XCTAssertEqual(ready.record("peer got")?.x[1], 7)
    }

    func testZeroTimeoutsAreInvalid() throws {
        let sys = try TestSystem([TestProgram("init", [
            .recvTimeout(0), .record("recv"), .callTimeout(1, 0), .record("call"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("recv")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("call")?.error, .invalidArgument)
    }
}
