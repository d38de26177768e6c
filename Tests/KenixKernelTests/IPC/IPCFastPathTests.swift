// The IPC fast path is taken exactly where the general path would make the
// same decisions, and a run is identical with it on or off. (`make test` also
// runs every kernel test with KENIX_IPC_FAST_PATH=0.)
import HAL
import KenixABI
import KenixKernel
import XCTest

final class IPCFastPathTests: XCTestCase {
    func programs() -> [TestProgram] {
        [TestProgram("init", [.spawn("server", priority: 20, authority: .imm(InitHandle.spawnAuthority)),
                              .save(into: 19), .call(.reg(19), tag: 1, 10), .record("reply 1"),
                              .call(.reg(19), tag: 2, 20), .record("reply 2"), .wait(.reg(19)), .exit(0)]),
         // The peer, ready at the server's priority, must run before init gets the first reply.
         TestProgram("server", [.recv(), .spawn("peer", priority: 20), .replyRecv(tag: 11), .reply(tag: 12),
                                .exit(0)]),
         TestProgram("peer", [.compute(1_000), .exit(0)])]
    }

    func testTakenOnlyWhereThePartnerRunsNextAndIdenticalOtherwise() throws {
        let fast = try TestSystem(programs())
        XCTAssertEqual(fast.run(), .initExited(status: 0))
        var config = KernelConfig()
        config.ipcFastPath = false
        let slow = try TestSystem(programs(), config: config)
        XCTAssertEqual(slow.run(), .initExited(status: 0))
        XCTAssertEqual(fast.log, slow.log)
        XCTAssertEqual(fast.trace, slow.trace)
        XCTAssertEqual(fast.record("reply 1")?.x[1], 11)
        XCTAssertEqual(fast.record("reply 2")?.x[1], 12)
        XCTAssertEqual(slow.kernel.ipcFastPathCount, 0)
        XCTAssertEqual(fast.timeline, ["init.reply 1", "init.reply 2"])
        // Taken: both calls (the server is waiting and runs next). Not taken:
        // the reply_recv while the peer is ready at a priority above init's
        // (and the final plain reply, which has no fast path).
        if ProcessInfo.processInfo.environment["KENIX_IPC_FAST_PATH"] != "0" {
            XCTAssertEqual(fast.kernel.ipcFastPathCount, 2)
        }
    }
}
