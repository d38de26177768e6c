// Quota shares (docs/capabilities.md, "Quotas"): a child's share is carved
// out of what its parent has left, `spawn`'s x5 in 256ths (0 = half, 256 =
// all of it, more is invalidArgument); task_quota reports shares and use;
// a share goes back to the parent when the child ends.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class QuotaShareTests: XCTestCase {
    /// init spawns a child with each share in turn; each child reports its
    /// own quota (task_quota) and exits.
    func testSpawnCarvesTheAskedShareOutOfTheParentsRemainder() throws {
        let child = TestProgram("child", [.taskQuota(), .record("child"), .exit(0)])
        let sys = try TestSystem([
            TestProgram("init", [
                .taskQuota(), .record("before"),
                .spawn("child"), .save(into: 19), .taskQuota(), .record("after half"), .wait(.reg(19)),
                .taskQuota(), .record("half back"),
                .spawn("child", share: 64), .save(into: 19), .wait(.reg(19)),
                .spawn("child", share: 257), .record("too much"),
                .spawn("child", share: .imm(UInt64.max)), .record("far too much"),
                .taskQuota(), .record("refused took nothing"),
                .spawn("child", share: .imm(QuotaShare.whole)), .save(into: 19), .taskQuota(), .record("after whole"),
                .spawn("child"), .record("nothing left"),
                .wait(.reg(19)), .taskQuota(), .record("end"), .exit(0)]),
            child,
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let before = try XCTUnwrap(sys.record("before")).x
        let (used, limit, tasksUsed, taskLimit) = (before[0], before[1], before[2], before[3])
        XCTAssertEqual(tasksUsed, 0)
        let left = limit - used
        let children = sys.records("child").map(\.x)
        XCTAssertEqual(children.count, 3, "the half, quarter and whole children ran; the refused ones did not")
        guard children.count == 3 else { return }
        XCTAssertEqual(children[0][1], left / 2, "0 asks for half of what the parent has left")
        XCTAssertEqual(children[0][3], (taskLimit - 1) / 2, "half the task slots left beside its own")
        XCTAssertGreaterThan(children[0][0], 0, "the child's own pages are charged to its share")
        let afterHalf = try XCTUnwrap(sys.record("after half")).x
        XCTAssertEqual(afterHalf[1], limit - left / 2, "the parent's limit shrank by the child's share")
        XCTAssertEqual(afterHalf[0], used, "the child's pages are not the parent's")
        XCTAssertEqual(afterHalf[2], 1, "one child holds a slot")
        XCTAssertEqual(sys.record("half back")?.x[0...3], before[0...3], "the share came back when the child was reaped")
        XCTAssertEqual(children[1][1], left * 64 / 256, "64/256: a quarter")
        XCTAssertEqual(sys.record("too much")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("far too much")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("refused took nothing")?.x[0...3], before[0...3])
        XCTAssertEqual(children[2][1], left, "256/256: everything the parent had left")
        XCTAssertEqual(children[2][3], taskLimit - 1, "and every task slot beside its own")
        let afterWhole = try XCTUnwrap(sys.record("after whole")).x
        XCTAssertEqual(afterWhole[1] - afterWhole[0], 0, "the parent has no frame left to give")
        XCTAssertEqual(afterWhole[3] - afterWhole[2], 0, "nor a task slot")
        XCTAssertEqual(sys.record("nothing left")?.error, .limitReached)
        XCTAssertEqual(sys.record("end")?.x[0...3], before[0...3])
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    /// Shares compound down a chain: a grandchild gets its share of its
    /// parent's share, and the directory's task_quota reports any task's.
    func testSharesCompoundAndTheDirectoryReportsThem() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .taskQuota(), .record("init"),
                .spawn("middle", share: 128), .save(into: 19), .saveX1(into: 20),
                .recv(from: .reg(19)), .record("middle ready"),       // w0 = the leaf's id (its slot: generation 0)
                .taskQuota(directory: .imm(InitHandle.taskDirectory), slot: .reg(2)), .record("leaf by slot"),
                .taskQuota(directory: .imm(InitHandle.taskDirectory), slot: 0), .record("slot 0"),
                .taskQuota(directory: .imm(InitHandle.taskDirectory), slot: 63), .record("free slot"),
                .taskQuota(directory: .imm(InitHandle.uart), slot: 1), .record("not the directory"),
                .reply(), .wait(.reg(19)), .exit(0)]),
            TestProgram("middle", [
                .taskQuota(), .record("middle"),
                .spawn("leaf", share: 128), .save(into: 19),
                .recv(from: .reg(19)),                                 // the leaf has reported
                .call(parentHandle, tag: 0, .reg(2)),                  // w0 = the leaf's id, for init
                .send(.reg(19)), .wait(.reg(19)), .exit(0)]),
            TestProgram("leaf", [
                .taskQuota(), .record("leaf"), .getpid, .move(2, .reg(0)),
                .send(parentHandle, tag: 0, .reg(2)), .recv(from: parentHandle), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let i = try XCTUnwrap(sys.record("init")).x
        let m = try XCTUnwrap(sys.record("middle")).x
        let l = try XCTUnwrap(sys.record("leaf")).x
        XCTAssertEqual(m[1], (i[1] - i[0]) / 2)
        XCTAssertEqual(l[1], (m[1] - m[0]) / 2, "half of what the middle had left when it spawned")
        XCTAssertLessThan(try XCTUnwrap(sys.record("middle ready")).x[2], UInt64(sys.kernel.taskCapacity), "id = slot")
        XCTAssertEqual(sys.record("leaf by slot")?.x[1], l[1], "the directory reports the leaf's share")
        XCTAssertEqual(sys.record("slot 0")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("free slot")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("not the directory")?.error, .badHandle)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }
}
