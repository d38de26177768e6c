// What the shell needs: `task_info` by slot and `kill` by id (both through
// the task directory handle, which init starts with), `mem_info`, and `kill`
// of a task through a handle with `kill`.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class IntrospectionAndKillTests: XCTestCase {
    func testTaskInfoReportsIdStatePriorityAndName() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("worker", priority: 5), .save(into: 19),
                                 .taskInfo(slot: 1), .record("init"),
                                 .taskInfo(slot: 2), .record("worker"),
                                 .taskInfo(slot: 3), .record("free"),
                                 .taskInfo(slot: 64), .record("out of range"),
                                 .sys(.memInfo), .record("mem"),
                                 .kill(.reg(19)), .record("kill"), .wait(.reg(19)), .record("reaped"), .exit(0)]),
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

    /// A task that was handed the task directory may end any task by id but
    /// init and itself; without it, a task can end nothing it holds no `kill`
    /// handle to (its parent handle has `send` only).
    func testKillFailsTheVictimsPartnersAndRefusesInitAndSelf() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("server"), .save(into: 19), .spawn("killer"), .save(into: 20),
                                 .sendHandle(to: .reg(20), handle: .imm(InitHandle.taskDirectory)),
                                 .call(.reg(19), tag: 1), .record("call"),
                                 .wait(.reg(20)), .exit(0)]),
            TestProgram("server", [.recv(), .compute(5 * ms), .exit(0)]),
            TestProgram("killer", [.kill(parentHandle), .record("kill parent by handle"),
                                   .kill(id: 2), .record("kill without the directory"),
                                   .recv(from: parentHandle), .move(19, .reg(5)), .yield,
                                   .kill(id: 1, directory: .reg(19)), .record("kill init"),
                                   .getpid, .move(20, .reg(0)),
                                   .kill(id: .reg(20), directory: .reg(19)), .record("kill self"),
                                   .kill(id: 99, directory: .reg(19)), .record("kill nobody"),
                                   .kill(id: 2, directory: .reg(19)), .record("kill server"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("kill parent by handle")?.error, .notPermitted, "send only")
        XCTAssertEqual(sys.record("kill without the directory")?.error, .badHandle,
                       "init's directory value names nothing in another task's table")
        XCTAssertEqual(sys.record("kill init")?.error, .notPermitted)
        XCTAssertEqual(sys.record("kill self")?.error, .notPermitted)
        XCTAssertEqual(sys.record("kill nobody")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("kill server")?.x0, 0)
        XCTAssertEqual(sys.record("call")?.error, .partnerDied)
    }
}
