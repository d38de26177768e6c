// IPC errors a caller can cause: they return an error in x0 and never block
// or kill the caller. IPC names its partner by handle: a value that names
// nothing is `badHandle`, and a handle to a task that has ended (stale)
// never reaches the task that reuses the slot.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class IPCErrorTests: XCTestCase {
    func testSendOrCallToSelfIsInvalidArgument() throws {
        let sys = try TestSystem([TestProgram("init", [.taskSelf, .save(into: 19),
            .send(.reg(19)), .record("send"), .call(.reg(19)), .record("call"), .recv(from: .reg(19)), .record("recv"),
            .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("send")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("call")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("recv")?.error, .invalidArgument, "a receive from oneself would block for ever")
    }

    /// Task ids are not handles: a number that names no handle of the
    /// caller's (0, a free entry, an entry's other generation, anything
    /// past the table, another kind of object) is `badHandle`. `reply_to`
    /// names a client by the id its receive returned: an unknown one is
    /// `noSuchTask`.
    func testValuesThatNameNoTaskHandleAreBadHandle() throws {
        let sys = try TestSystem([TestProgram("init", [
            .send(0), .record("send 0"), .call(0), .record("call 0"),
            .send(9), .record("send free entry"), .call(.imm(HandleValue.of(entry: 2, generation: 1))),
            .record("call other generation"),
            .send(.imm(UInt64.max)), .record("send max"), .recv(from: 9), .record("recv 9"),
            .send(.imm(InitHandle.uart)), .record("send to a device"),
            .replyTo(7), .record("reply_to 7"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        for label in ["send 0", "call 0", "send free entry", "call other generation", "send max", "recv 9",
                      "send to a device"] {
            XCTAssertEqual(sys.record(label)?.error, .badHandle, label)
        }
        XCTAssertEqual(sys.record("reply_to 7")?.error, .noSuchTask)
    }

    func testAStaleIdNeverReachesTheTaskReusingItsSlot() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("first"), .save(into: 19), .wait(.reg(19)),  // slot 2 is free again
                                 .spawn("second"), .record("second id"), .save(into: 20),  // reuses slot 2
                                 .send(.reg(19), tag: 1), .record("send stale"), .call(.reg(19)), .record("call stale"),
                                 .recv(from: .reg(19)), .record("recv stale"), .wait(.reg(19)), .record("wait stale"),
                                 .send(66, tag: 0x66), .record("send to the id"),
                                 .send(.reg(20), tag: 0x66), .record("send new"), .wait(.reg(20)), .exit(0)]),
            TestProgram("first", [.exit(0)]),
            TestProgram("second", [.recv(), .record("got"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("second id")?.x[1], 66, "slot 2, generation 1")
        XCTAssertEqual(sys.record("send to the id")?.error, .badHandle, "an id is not a handle")
        XCTAssertEqual(sys.record("send stale")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("call stale")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("recv stale")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("wait stale")?.error, .notChild)
        XCTAssertEqual(sys.record("send new")?.x0, 0)
        XCTAssertEqual(sys.records("got").map(\.x[1]), [0x66], "only the message to the live id arrived")
    }

    func testSendToAZombieIsNoSuchTask() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child"), .save(into: 19), .sleep(.imm(10 * us)), .send(.reg(19)),
                                 .record("send"), .call(.reg(19)), .record("call"), .recv(from: .reg(19)), .record("recv"),
                                 .wait(.reg(19)), .record("reaped"), .exit(0)]),
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
            TestProgram("init", Family.initSteps(["server", "client", "other"], clients: [1], handOut: [
                .handOver(child: 1, to: 0), .sleep(.imm(100 * us)),
                .replyTo(3), .record("reply_to another server's client"),
                .replyTo(4), .record("reply_to a sleeper"),
                .replyTo(1), .record("reply_to self"),
                .send(.reg(19), tag: 1)], waitFor: [1])),
            TestProgram("server", Step.takeHandle(into: 20) + [.recv(from: .reg(20)), .record("got call"),
                                                              .recv(from: parentHandle),
                                                              .replyTo(3, tag: 0x5E), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 0xC),
                                                                        .record("answered"), .exit(0)]),
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
            TestProgram("init", Family.initSteps(["server", "client"], clients: [1], waitFor: [1])),
            TestProgram("server", [.sleep(.imm(100 * us)), .replyTo(3, tag: 1), .record("early"),
                                   .recv(), .replyTo(3, tag: 2), .record("late"), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle)),
                                                                        .record("answered"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("early")?.error, .notPermitted)
        XCTAssertEqual(sys.record("late")?.x0, 0)
        XCTAssertEqual(sys.record("answered")?.x[1], 2)
    }

    func testErrorsLeaveTheMessageRegistersAlone() throws {
        let sys = try TestSystem([TestProgram("init", [.send(1, tag: 1, 2, 3, 4, 5), .record("after"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("after")?.x, [errorValue(.badHandle), 1, 2, 3, 4, 5], "init has no handle 1")
    }
}
