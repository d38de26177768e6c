// Synchronous IPC semantics: call blocks until the reply, send until the
// receive; recv from anyone or from one sender; senders are taken in the
// order they blocked; reply answers the most recent caller, reply_to any held
// caller in any order; reply_recv replies then receives in one trap.
// Ids: init 1, then 2, 3, … in spawn order; all tasks run at priority 16.
// A client reaches the server through a handle init hands it (Family).
import HAL
import KenixABI
import KenixKernel
import XCTest

final class IPCBlockingTests: XCTestCase {
    func testCallBlocksUntilTheReplyAndCarriesBothMessages() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "client"], clients: [1], waitFor: [1, 0])),
            TestProgram("server", [.recv(), .record("got"), .compute(50 * us), .pause,
                                   .reply(tag: 0x77, 1, 2, 3, 4), .record("replied"), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: serverHandle) + [
                .call(.reg(serverHandle), tag: 0x55, 10, 20, 30, 40), .record("reply"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 3)), .blocked(.awaitingReply(from: TaskID(raw: 2))),
                       "receiving the call does not make the caller ready")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.timeline, ["server.got", "server.replied", "client.reply"])
        XCTAssertEqual(sys.record("got")?.x, [3, 0x55, 10, 20, 30, 40], "x0 = sender id, x1–x5 = message")
        XCTAssertEqual(sys.record("replied")?.x0, 0)
        XCTAssertEqual(sys.record("reply")?.x, [0, 0x77, 1, 2, 3, 4])
        XCTAssertEqual(sys.record("reply")?.time, 50 * us)
        let delivers = sys.trace.filter { $0.kind == .ipcDeliver }.map { [$0.time, $0.a, $0.b, $0.c] }
        XCTAssertEqual(delivers, [[0, 1, 3, IPCTag.transfersHandle], [0, 3, 2, 0x55], [50 * us, 2, 3, 0x77]],
                       "init's message with the server handle, the call, the reply")
    }

    func testSenderIsReadyAfterTheReceiveButACallerWaitsForTheReply() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "sender", "caller"], clients: [1, 2], waitFor: [1, 2, 0])),
            TestProgram("server", [.sleep(.imm(100 * us)),
                                   .recv(), .record("first"), .pause,
                                   .recv(), .record("second"), .pause,
                                   .compute(10 * us), .reply(tag: 9), .exit(0)]),
            TestProgram("sender", Step.takeHandle(into: serverHandle) + [
                .send(.reg(serverHandle), tag: 1, 11), .record("sent"), .exit(0)]),
            TestProgram("caller", Step.takeHandle(into: serverHandle) + [
                .call(.reg(serverHandle), tag: 2, 22), .record("answered"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 3)), .ready, "a sender is done once received")
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 4)), .blocked(.sending(to: TaskID(raw: 2), isCall: true)))
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 4)), .blocked(.awaitingReply(from: TaskID(raw: 2))))
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("first")?.x, [3, 1, 11, 0, 0, 0])
        XCTAssertEqual(sys.record("second")?.x, [4, 2, 22, 0, 0, 0])
        XCTAssertEqual(sys.record("sent")?.x0, 0)
        XCTAssertEqual(sys.record("sent")?.time, 110 * us, "ready at 100 µs, ran once the server was done")
        XCTAssertEqual(sys.record("answered")?.x[0...1], [0, 9])
        XCTAssertEqual(sys.timeline, ["server.first", "server.second", "sender.sent", "caller.answered"])
    }

    func testSendersAreReceivedInTheOrderTheyBlocked() throws {
        // Spawned s1, s2, s3 but blocking in the order s2 (10 µs), s3 (20 µs), s1 (30 µs).
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "s1", "s2", "s3"], clients: [1, 2, 3],
                                                 waitFor: [1, 2, 3, 0])),
            TestProgram("server", [.sleep(.imm(100 * us)), .recv(), .record("got"), .recv(), .record("got"),
                                   .recv(), .record("got"), .exit(0)]),
            TestProgram("s1", Step.takeHandle(into: serverHandle) + [.sleep(.imm(30 * us)),
                                                                    .send(.reg(serverHandle), tag: 1), .exit(0)]),
            TestProgram("s2", Step.takeHandle(into: serverHandle) + [.sleep(.imm(10 * us)),
                                                                    .send(.reg(serverHandle), tag: 2), .exit(0)]),
            TestProgram("s3", Step.takeHandle(into: serverHandle) + [.sleep(.imm(20 * us)),
                                                                    .send(.reg(serverHandle), tag: 3), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("got").map { [$0.x[0], $0.x[1]] }, [[4, 2], [5, 3], [3, 1]])
    }

    func testSendersOfHigherPriorityAreStillTakenInArrivalOrder() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("server", 0), ("low", 3), ("high", 30)], clients: [1, 2],
                                                 waitFor: [0])),
            TestProgram("server", [.sleep(.imm(100 * us)), .recv(), .record("got"), .recv(), .record("got"), .exit(0)]),
            TestProgram("low", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 3), .exit(0)]),
            TestProgram("high", Step.takeHandle(into: serverHandle) + [.sleep(.imm(50 * us)),
                                                                      .send(.reg(serverHandle), tag: 30), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("got").map(\.x0), [3, 4])
    }

    func testReceiveFromASpecificSenderSkipsAndWaitsPastOthers() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "a", "b", "late"], clients: [1, 2, 3],
                                                 handOut: [.handOver(child: 2, to: 0), .handOver(child: 3, to: 0)],
                                                 waitFor: [1, 2, 3, 0])),
            // The server learns its clients' handles from init (a filter is a task handle).
            TestProgram("server", [.sleep(.imm(100 * us)),
                                   .recv(from: parentHandle), .move(20, .reg(5)),
                                   .recv(from: parentHandle), .move(21, .reg(5)),
                                   .recv(from: .reg(20)), .record("from b"),       // a is queued first
                                   .recv(from: .reg(21)), .record("from late"),    // waits though a is queued
                                   .recv(), .record("any"), .exit(0)]),
            TestProgram("a", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 0xA), .exit(0)]),
            TestProgram("b", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 0xB), .exit(0)]),
            TestProgram("late", Step.takeHandle(into: serverHandle) + [.sleep(.imm(300 * us)),
                                                                      .send(.reg(serverHandle), tag: 0x1A7E), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("from b").map { [$0.time, $0.x[0], $0.x[1]] }, [[100 * us, 4, 0xB]])
        XCTAssertEqual(sys.records("from late").map { [$0.time, $0.x[0], $0.x[1]] }, [[300 * us, 5, 0x1A7E]])
        XCTAssertEqual(sys.records("any").map { [$0.time, $0.x[0], $0.x[1]] }, [[300 * us, 3, 0xA]])
    }

    func testTakingTheLastQueuedSenderKeepsTheQueueIntact() throws {
        // Queue [a, b]; b is taken from the tail; c arrives later and must queue after a.
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "a", "b", "c"], clients: [1, 2, 3],
                                                 handOut: [.handOver(child: 2, to: 0)], waitFor: [1, 2, 3, 0])),
            TestProgram("server", [.sleep(.imm(100 * us)), .recv(from: parentHandle), .move(20, .reg(5)),
                                   .recv(from: .reg(20)), .record("got"), .sleep(.imm(100 * us)),
                                   .recv(), .record("got"), .recv(), .record("got"), .exit(0)]),
            TestProgram("a", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 0xA), .exit(0)]),
            TestProgram("b", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 0xB), .exit(0)]),
            TestProgram("c", Step.takeHandle(into: serverHandle) + [.sleep(.imm(150 * us)),
                                                                   .send(.reg(serverHandle), tag: 0xC), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("got").map(\.x[1]), [0xB, 0xA, 0xC])
    }

    func testReceiveFromAnyoneBlocksUntilASenderArrives() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "client"], clients: [1], waitFor: [1, 0])),
            TestProgram("server", [.recv(), .record("got"), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: serverHandle) + [
                .sleep(.imm(70 * us)), .send(.reg(serverHandle), tag: 5, 6, 7, 8, 9), .record("sent"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("got")?.time, 70 * us)
        XCTAssertEqual(sys.record("got")?.x, [3, 5, 6, 7, 8, 9])
        XCTAssertEqual(sys.timeline, ["client.sent", "server.got"],
                       "the sender keeps the CPU; an equal-priority receiver is only made ready")
    }

    func testReplyToAnswersHeldClientsInAnyOrder() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "c1", "c2"], clients: [1, 2], waitFor: [1, 2, 0])),
            TestProgram("server", [.sleep(.imm(100 * us)),
                                   .recv(), .save(into: 19), .recv(), .save(into: 20),
                                   .compute(5 * us), .replyTo(.reg(20), tag: 2, 0x22), .record("r2"),
                                   .compute(5 * us), .replyTo(.reg(19), tag: 1, 0x11), .record("r1"),
                                   .reply(), .record("no caller left"), .exit(0)]),
            TestProgram("c1", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 0xC1),
                                                                    .record("answered"), .exit(0)]),
            TestProgram("c2", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 0xC2),
                                                                    .record("answered"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("r2")?.x0, 0)
        XCTAssertEqual(sys.record("r1")?.x0, 0)
        XCTAssertEqual(sys.record("no caller left")?.error, .noSuchTask)
        XCTAssertEqual(sys.records("answered").map { "\($0.program) \($0.x[1]) \($0.x[2])" }, ["c2 2 34", "c1 1 17"])
        XCTAssertEqual(sys.trace.filter { $0.kind == .ipcDeliver && $0.a == 2 }.map { [$0.time, $0.b] },
                       [[105 * us, 4], [110 * us, 3]])
    }

    func testReplyAnswersTheMostRecentCallerOnlyOnce() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "c1", "c2"], clients: [1, 2], waitFor: [1, 2, 0])),
            TestProgram("server", [.sleep(.imm(100 * us)), .recv(), .save(into: 19), .recv(),
                                   .reply(tag: 0xBB), .record("first reply"),
                                   .reply(tag: 0xCC), .record("second reply"),
                                   .replyTo(.reg(19), tag: 0xAA), .exit(0)]),
            TestProgram("c1", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle)), .record("answered"),
                                                                    .exit(0)]),
            TestProgram("c2", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle)), .record("answered"),
                                                                    .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("first reply")?.x0, 0)
        XCTAssertEqual(sys.record("second reply")?.error, .noSuchTask, "c1 is held, but it is not the last caller")
        XCTAssertEqual(sys.records("answered").map { "\($0.program) \(String($0.x[1], radix: 16))" }, ["c2 bb", "c1 aa"])
    }

    func testReplyRecvRepliesThenReceivesInOneTrap() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "c1", "c2"], clients: [1, 2], waitFor: [1, 2])),
            TestProgram("server", [.sleep(.imm(100 * us)),
                                   .replyRecv(), .record("got"),                     // nobody to reply to yet
                                   .compute(1 * us), .replyRecv(tag: 100, 1), .record("got"),
                                   .compute(1 * us), .replyRecv(tag: 200, 2), .record("never")]),
            TestProgram("c1", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 0xC1),
                                                                    .record("answered"), .exit(0)]),
            TestProgram("c2", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 0xC2),
                                                                    .record("answered"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("got").map { [$0.time, $0.x[0], $0.x[1]] }, [[100 * us, 3, 0xC1], [101 * us, 4, 0xC2]])
        XCTAssertEqual(sys.records("answered").map { "\($0.program) \($0.x[0]) \($0.x[1]) \($0.x[2])" },
                       ["c1 0 100 1", "c2 0 200 2"])
        XCTAssertEqual(sys.records("never"), [])
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 2)), .blocked(.receiving(from: nil)),
                       "the server is left waiting for the next client")
        XCTAssertEqual(sys.trace.filter { $0.kind == .syscall && $0.a == 2 && $0.b == Syscall.replyRecv.rawValue }.count, 3)
    }

    func testReplyRecvWithAFilter() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "c1", "c2"], clients: [1, 2],
                                                 handOut: [.handOver(child: 1, to: 0), .handOver(child: 2, to: 0)],
                                                 waitFor: [1, 2])),
            TestProgram("server", [.sleep(.imm(100 * us)),
                                   .recv(from: parentHandle), .move(20, .reg(5)),      // c1
                                   .recv(from: parentHandle), .move(21, .reg(5)),      // c2
                                   .recv(from: .reg(21)), .record("got"),
                                   .replyRecv(from: .reg(20), tag: 7), .record("got"), .reply(tag: 8), .exit(0)]),
            TestProgram("c1", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 0xC1),
                                                                    .record("answered"), .exit(0)]),
            TestProgram("c2", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 0xC2),
                                                                    .record("answered"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("got").map(\.x0), [4, 3])
        XCTAssertEqual(sys.records("answered").map { "\($0.program) \($0.x[1])" }, ["c2 7", "c1 8"])
    }

    func testAReceiverWokenByASendQueuesBehindItsReadyPeers() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["receiver", "sender", "peer"], clients: [1], waitFor: [0, 1, 2])),
            TestProgram("receiver", [.recv(), .record("got"), .exit(0)]),
            TestProgram("sender", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 1),
                                                                        .record("sent"), .exit(0)]),
            TestProgram("peer", [.record("ran"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.timeline, ["sender.sent", "peer.ran", "receiver.got"])
    }

    func testAHigherPriorityReceiverPreemptsTheSender() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("server", 20), ("client", 5)], clients: [1], waitFor: [1, 0])),
            TestProgram("server", [.recv(), .record("got"), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: serverHandle) + [
                .compute(20 * us), .send(.reg(serverHandle), tag: 1), .record("sent"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.timeline, ["server.got", "client.sent"])
        XCTAssertEqual(sys.record("got")?.time, 20 * us)
        XCTAssertEqual(sys.record("sent")?.x0, 0)
    }
}
