// A partner that ends (exit or a fatal fault) while tasks are blocked on it:
// every caller, sender and specific receiver gets partnerDied, a receiver
// from anyone is untouched, and the kernel and the other tasks go on.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class IPCPartnerDeathTests: XCTestCase {
    func testCallerAwaitingAReplyGetsPartnerDiedWhenTheServerExits() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "client"], clients: [1], waitFor: [1],
                                                 then: [.record("client ended"), .wait(.reg(19)), .exit(0)])),
            TestProgram("server", [.recv(), .compute(30 * us), .exit(5)]),
            TestProgram("client", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 1),
                                                                        .record("answered"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("answered")?.error, .partnerDied)
        XCTAssertEqual(sys.record("answered")?.time, 30 * us)
        sys.checkHarness()
    }

    func testQueuedCallersAndSendersGetPartnerDiedWhenTheServerIsKilled() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("server", 20), ("caller", 0), ("sender", 0), ("bystander", 10)],
                                                 clients: [1, 2], waitFor: [1, 2, 3, 0],
                                                 then: [.record("server reaped"), .exit(0)])),
            TestProgram("server", [.sleep(.imm(50 * us)), .read(0x10, into: 0), .exit(0)]),
            TestProgram("caller", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle), tag: 1),
                                                                        .record("call"), .exit(0)]),
            TestProgram("sender", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 2),
                                                                        .record("send"), .exit(0)]),
            TestProgram("bystander", [.compute(200 * us), .record("still running"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("call")?.error, .partnerDied)
        XCTAssertEqual(sys.record("send")?.error, .partnerDied)
        XCTAssertEqual(sys.record("call")?.time, 50 * us)
        XCTAssertEqual(sys.record("send")?.time, 50 * us)
        XCTAssertEqual(sys.record("still running")?.time, 200 * us, "the bystander lost no time")
        XCTAssertEqual(sys.record("server reaped")?.x[1...2], [KillReason.memoryFault.rawValue, ExitKind.killed.rawValue])
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 2 (server): data abort (translation fault, level 2) on read at 0x10, pc 0x410004\n")
    }

    func testReceiverWaitingForASpecificSenderGetsPartnerDied() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["receiver", "peer"], clients: [],
                                                 handOut: [.handOver(child: 1, to: 0)], waitFor: [0, 1])),
            TestProgram("receiver", Step.takeHandle(into: 20) + [.recv(from: .reg(20)), .record("recv"), .exit(0)]),
            TestProgram("peer", [.compute(40 * us), .undefined]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("recv")?.error, .partnerDied)
        XCTAssertEqual(sys.record("recv")?.time, 40 * us)
        XCTAssertEqual(sys.uartText, "kenix: killed task 3 (peer): undefined instruction, pc 0x420004\n")
    }

    func testReceiverFromAnyoneIsNotWokenByAnUnrelatedDeath() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("receiver"), .save(into: 19), .spawn("peer"), .wait(.reg(0)), .pause,
                                 .send(.reg(19), tag: 9), .wait(.reg(19)), .exit(0)]),
            TestProgram("receiver", [.recv(), .record("recv"), .exit(0)]),
            TestProgram("peer", [.exit(1)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 2)), .blocked(.receiving(from: nil)))
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("recv")?.x[0...1], [1, 9])
    }

    func testServerDyingWithHeldClientsFailsAllOfThem() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "c1", "c2", "c3"], clients: [1, 2, 3],
                                                 handOut: [.handOver(child: 1, to: 0), .handOver(child: 2, to: 0)],
                                                 waitFor: [1, 2, 3, 0])),
            // Holds c1 and c2 (received, unanswered); c3 is still queued.
            TestProgram("server", [.sleep(.imm(10 * us)), .recv(from: parentHandle), .move(20, .reg(5)),
                                   .recv(from: parentHandle), .move(21, .reg(5)),
                                   .recv(from: .reg(20)), .recv(from: .reg(21)), .exit(0)]),
            TestProgram("c1", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle)), .record("answer"), .exit(0)]),
            TestProgram("c2", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle)), .record("answer"), .exit(0)]),
            TestProgram("c3", Step.takeHandle(into: serverHandle) + [.call(.reg(serverHandle)), .record("answer"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("answer").map { "\($0.program) \($0.error.map { "\($0)" } ?? "ok")" }.sorted(),
                       ["c1 partnerDied", "c2 partnerDied", "c3 partnerDied"])
        XCTAssertEqual(sys.kernel.liveTaskCount, 0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    func testReplyingToADeadTaskIsNoSuchTaskAndTheServerGoesOn() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "client"], clients: [1], waitFor: [0])),
            TestProgram("server", [.recv(), .save(into: 19), .sleep(.imm(100 * us)),
                                   .replyTo(.reg(19), tag: 1), .record("reply_to"),
                                   .reply(tag: 1), .record("reply"), .exit(0)]),
            // The client can only die while running, so it sends (not calls) and then faults.
            TestProgram("client", Step.takeHandle(into: serverHandle) + [.send(.reg(serverHandle), tag: 1), .undefined]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("reply_to")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("reply")?.error, .noSuchTask, "a send leaves no caller to reply to")
    }
}
