// Frame shares and the pager (docs/capabilities.md, "Quotas"): a task at
// its frame share pages its own pages out while its swap share allows, even
// with RAM to spare; with no swap share left, or no swap, a hog is killed at
// its share while its sibling goes on, and every frame comes back.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class QuotaPagingTests: XCTestCase {
    /// The child's frame ceiling is half of init's (~460 frames of 1,024);
    /// it touches 600 pages, so it must page against its own ceiling while
    /// RAM still has hundreds of free frames.
    func testATaskAtItsFrameSharePagesItsOwnPagesOut() throws {
        let pages = 600
        var child = SwapScript()
        child.mapRegion(pages: pages)
        child.forEachPage(count: pages) { $0.stamp(0x9999) }
        child.forEachPage(count: pages) { $0.checkStamp(0x9999) }
        child.add(.taskQuota(), .record("quota"))
        child.recordMismatches("child")
        child.add(.exit(0))
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child", share: 128), .save(into: 19), .record("child id"), .wait(.reg(19)),
                                 .record("status"), .sleep(.imm(10 * ms)), .exit(0)]),
            TestProgram("child", child.steps),
        ], disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0), sys.uartText)
        sys.checkHarness()
        sys.checkDiskLog()
        let quota = try XCTUnwrap(sys.record("quota")).x
        XCTAssertLessThan(quota[1], UInt64(pages), "the share is smaller than the region")
        XCTAssertLessThanOrEqual(quota[0], quota[1], "never above its share")
        XCTAssertGreaterThan(quota[4], 0, "pages of the child are in swap")
        XCTAssertEqual(sys.record("child")?.x[1], 0, "every page came back intact")
        XCTAssertEqual(Array(try XCTUnwrap(sys.record("status")).x[1...2]), [0, ExitKind.exited.rawValue])
        let childID = try XCTUnwrap(sys.record("child id")).x[1]
        XCTAssertTrue(sys.pageOuts.allSatisfy { $0.a == childID }, "only the child's own pages went out")
        sys.checkNothingLeaked()
    }

    /// Without swap a hog given half of init's ceiling is killed at it, not
    /// when RAM runs out: its
    /// sibling and init go on, and init can still start tasks.
    func testAMemoryHogIsKilledAtItsShareAndTheOthersGoOn() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("hog", share: 128), .save(into: 19), .spawn("worker"), .save(into: 20),
                .wait(.reg(19)), .record("hog"), .sys(.memInfo), .record("mem after hog"),
                .wait(.reg(20)), .record("worker"),
                .spawn("worker"), .save(into: 21), .record("spawn after"), .wait(.reg(21)), .exit(0)]),
            TestProgram("hog", [.mmap(UInt64(1) << 30, MemoryProtection.read | MemoryProtection.write),
                                .move(19, .reg(0)), .write(.reg(19), 1), .move(19, .regPlus(19, 0x1000)), .jump(2)]),
            TestProgram("worker", [.compute(1 * ms), .yield, .compute(1 * ms), .exit(42)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(Array(try XCTUnwrap(sys.record("hog")).x[1...2]),
                       [KillReason.outOfMemory.rawValue, ExitKind.killed.rawValue])
        XCTAssertGreaterThan(try XCTUnwrap(sys.record("mem after hog")).x0, UInt64(sys.bootFreeFrames / 3),
                             "the hog stopped at its share: RAM was never exhausted")
        XCTAssertEqual(sys.record("worker")?.x[1], 42, "the sibling finished its work")
        XCTAssertEqual(sys.record("spawn after")?.error, nil)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }
}
