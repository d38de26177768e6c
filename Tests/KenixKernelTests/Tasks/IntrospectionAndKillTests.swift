// What the shell needs: `task_info` by slot, `mem_info`, and `kill`.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class IntrospectionAndKillTests: XCTestCase {
    func testTaskInfoReportsIdStatePriorityAndName() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("worker", priority: 5),
                                 .sys(.taskInfo, 1), .record("init"),
                                 .sys(.taskInfo, 2), .record("worker"),
                                 .sys(.taskInfo, 3), .record("free"),
                                 .sys(.taskInfo, 64), .record("out of range"),
                                 .sys(.memInfo), .record("mem"),
                                 .sys(.kill, 2), .record("kill"), .wait(2), .record("reaped"), .exit(0)]),
            TestProgram("worker", [.exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let me = try XCTUnwrap(sys.record("init"))
        XCTAssertEqual(Array(me.x[0...2]), [1, TaskStateCode.running.rawValue, 16])
        XCTAssertEqual(me.x[3], 0x74_69_6E_69, "\"init\", little-endian")
        let worker = try XCTUnwrap(sys.record("worker"))
        XCTAssertEqual(Array(worker.x[0...2]), [2, TaskStateCode.ready.rawValue, 5])
        XCTAssertEqual(sys.record("free")?.x0, 0)
        XCTAssertEqual(sys.record("out of range")?.error, .invalidArgument)
        let mem = try XCTUnwrap(sys.record("mem"))
        XCTAssertEqual(mem.x[1], UInt64(sys.kernel.totalFrames))
        XCTAssertEqual(mem.x[0], UInt64(sys.bootFreeFrames - sys.footprint(of: "init") - sys.footprint(of: "worker")))
        XCTAssertEqual(sys.record("kill")?.x0, 0)
        let reaped = try XCTUnwrap(sys.record("reaped"))
        XCTAssertEqual(Array(reaped.x[0...2]), [0, KillReason.killedByTask.rawValue, ExitKind.killed.rawValue])
    }

    func testKillFailsTheVictimsPartnersAndRefusesInitAndSelf() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("server"), .spawn("killer"), .call(2, tag: 1), .record("call"),
                                 .wait(3), .exit(0)]),
            TestProgram("server", [.recv(), .compute(5 * ms), .exit(0)]),
            TestProgram("killer", [.sys(.kill, 1), .record("kill init"), .sys(.kill, 3), .record("kill self"),
                                   .sys(.kill, 99), .record("kill nobody"),
                                   .sys(.kill, 2), .record("kill server"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("kill init")?.error, .notPermitted)
        XCTAssertEqual(sys.record("kill self")?.error, .notPermitted)
        XCTAssertEqual(sys.record("kill nobody")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("kill server")?.x0, 0)
        XCTAssertEqual(sys.record("call")?.error, .partnerDied)
    }
}
