// No frame leaks: with everything the workload does (address spaces, page
// tables for shared mappings, shared objects, a killed task, zombies), the
// free-frame count is exact at every checkpoint and returns to its boot value.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class FrameAccountingTests: XCTestCase {
    func testTheWorkloadLeavesNoFrameBehind() throws {
        let sys = try TestSystem(Workload.programs, frames: Workload.frames)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames - sys.footprint(of: "init"), "after boot")
        XCTAssertEqual(sys.run(), .halted)
        sys.checkHarness()
        XCTAssertEqual(sys.kernel.liveTaskCount, 1)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames - sys.footprint(of: "init"),
                       "every child reaped: only init's own frames are in use")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
        XCTAssertEqual(sys.kernel.liveTaskCount, 0)
    }

    func testTheWorkloadDidWhatItShould() throws {
        let sys = try TestSystem(Workload.programs, frames: Workload.frames)
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.records("reply").count, 6)
        XCTAssertTrue(sys.records("reply").allSatisfy { $0.x[0] == 0 && $0.x[1] == 0x600D })
        XCTAssertEqual(sys.record("shm")?.x0, 0xABC)
        XCTAssertEqual(sys.record("woke")?.x0, 2 * ms)
        XCTAssertEqual(sys.record("grandchild")?.x[1], 1)
        // faulty dies at 50 µs, before the clients' first calls (at 450 µs and later).
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 8 (faulty): data abort (translation fault, level 2) on read at 0x10, pc 0x460004\n"
                       + String(repeating: "msg\n", count: 6))
        XCTAssertEqual(sys.trace.filter { $0.kind == .taskSpawn }.count, 10)
    }

    func testRepeatedSpawnAndExitIsStable() throws {
        var steps: [Step] = []
        for _ in 0..<100 { steps += [.spawn("child"), .wait(.reg(0))] }
        steps += [.pause, .exit(0)]
        let sys = try TestSystem([TestProgram("init", steps),
                                  TestProgram("child", [.shmCreate(size: 4096), .shmMap(.reg(0)), .exit(0)])])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames - sys.footprint(of: "init"))
    }
}
