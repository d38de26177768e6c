// IPC errors a caller can cause: they return an error in x0 and never block
// or kill the caller. Stale ids never reach the task that reuses the slot.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class IPCErrorTests: XCTestCase {
    func testSendOrCallToSelfIsInvalidArgument() throws {
        let sys = try TestSystem([TestProgram("init", [
            .send(1), .record("send"), .call(1), .record("call"), .recv(from: 1), .record("recv"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("send")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("call")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("recv")?.error, .invalidArgument, "a receive from oneself would block for ever")
    }

    func testUnknownIdsAreNoSuchTask() throws {
        let sys = try TestSystem([TestProgram("init", [
            .send(0), .record("send 0"), .call(0), .record("call 0"),
            .send(5), .record("send free slot"), .call(65), .record("call other generation of self"),
            .send(.imm(UInt64.max)), .record("send max"), .recv(from: 9), .record("recv 9"),
            .replyTo(7), .record("reply_to 7"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        for label in ["send 0", "call 0", "send free slot", "call other generation of self", "send max", "recv 9",
                      "reply_to 7"] {
            XCTAssertEqual(sys.record(label)?.error, .noSuchTask, label)
        }
    }

    func testAStaleIdNeverReachesTheTaskReusingItsSlot() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("first"), .wait(2),              // slot 2 is free again
                                 .spawn("second"), .record("second id"),  // reuses slot 2
                                 .send(2, tag: 1), .record("send stale"), .call(2), .record("call stale"),
                                 .recv(from: 2), .record("recv stale"), .wait(2), .record("wait stale"),
                                 .send(66, tag: 0x66), .record("send new"), .wait(66), .exit(0)]),
            TestProgram("first", [.exit(0)]),
            TestProgram("second", [.recv(), .record("got"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("second id")?.x0, 66, "slot 2, generation 1")
        XCTAssertEqual(sys.record("send stale")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("call stale")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("recv stale")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("wait stale")?.error, .notChild)
        XCTAssertEqual(sys.record("send new")?.x0, 0)
        XCTAssertEqual(sys.records("got").map(\.x[1]), [0x66], "only the message to the live id arrived")
    }

    func testSendToAZombieIsNoSuchTask() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child"), .sleep(.imm(10 * us)), .send(2), .record("send"),
                                 .call(2), .record("call"), .recv(from: 2), .record("recv"),
                                 .wait(2), .record("reaped"), .exit(0)]),
            TestProgram("child", [.exit(3)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("send")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("call")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("recv")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("reaped")?.x[0...2], [0, 3, 0], "the zombie is still there to reap")
    }

    func testReplyWithNoCallerIsNoSuchTask() throws {
        let sys = try TestSystem([TestProgram("init", [.reply(tag: 1), .record("reply"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("reply")?.error, .noSuchTask)
    }

    func testReplyToATaskThatIsNotWaitingForMeIsNotPermitted() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("server"), .spawn("client"), .spawn("other"), .sleep(.imm(100 * us)),
                                 .replyTo(3), .record("reply_to another server's client"),
                                 .replyTo(4), .record("reply_to a sleeper"),
                                 .replyTo(1), .record("reply_to self"),
                                 .send(2, tag: 1), .wait(3), .exit(0)]),
            TestProgram("server", [.recv(from: 3), .record("got call"), .recv(from: 1),
                                   .replyTo(3, tag: 0x5E), .exit(0)]),
            TestProgram("client", [.call(2, tag: 0xC), .record("answered"), .exit(0)]),
            TestProgram("other", [.sleep(.imm(1 * ms)), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("reply_to another server's client")?.error, .notPermitted)
        XCTAssertEqual(sys.record("reply_to a sleeper")?.error, .notPermitted)
        XCTAssertEqual(sys.record("reply_to self")?.error, .notPermitted)
        XCTAssertEqual(sys.record("answered")?.x[0...1], [0, 0x5E], "the wrong replies did not wake the client")
    }

    func testReplyToAClientStillQueuedIsNotPermitted() throws {
        // The client called but the server has not received it yet.
        let sys = try TestSystem([
            TestProgram("init", [.spawn("server"), .spawn("client"), .wait(3), .exit(0)]),
            TestProgram("server", [.sleep(.imm(100 * us)), .replyTo(3, tag: 1), .record("early"),
                                   .recv(), .replyTo(3, tag: 2), .record("late"), .exit(0)]),
            TestProgram("client", [.call(2), .record("answered"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("early")?.error, .notPermitted)
        XCTAssertEqual(sys.record("late")?.x0, 0)
        XCTAssertEqual(sys.record("answered")?.x[1], 2)
    }

    func testErrorsLeaveTheMessageRegistersAlone() throws {
        let sys = try TestSystem([TestProgram("init", [.send(1, tag: 1, 2, 3, 4, 5), .record("after"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("after")?.x, [errorValue(.invalidArgument), 1, 2, 3, 4, 5])
    }
}
