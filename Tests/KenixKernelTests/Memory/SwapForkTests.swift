// Fork of a task with pages in swap (Memory/Kernel+Fork, Kernel+Pager): the
// child's leaves name the parent's slots, each side reads its pages back
// into frames of its own and sees only its own writes, a slot is freed only
// when neither side names it any more, and a fork never lets the child name
// a slot whose page-out may still fail. Under memory pressure right after a
// fork, pages both sides share can go out too (one side at a time).
import HAL
import KenixABI
import KenixKernel
import XCTest

private let page = SwapScript.page
private let base = SwapScript.region
private let pages = SwapScript.manyPages
private let smallRAM = SwapScript.smallRAM

final class SwapForkTests: XCTestCase {
    /// The fork comes right after the parent filled RAM, so every page in RAM
    /// becomes shared: the pager must be able to write shared pages out (one
    /// side's leaf at a time) or the first side to need a frame is killed
    /// for out of memory while swap is nearly empty.
    func testForkedTasksEachReadTheRightValuesAndOnlyTheirOwnWrites() throws {
        var s = SwapScript()
        s.mapRegion()
        s.forEachPage { $0.stamp(0x1000) }
        s.add(.fork)
        let toChild = s.placeholder()
        // Parent: overwrite everything while the child reads, then check its own values.
        s.add(.save(into: 23))
        s.forEachPage { $0.stamp(0x2000) }
        s.add(.wait(.reg(23)), .record("child status"))
        s.forEachPage { $0.checkStamp(0x2000) }
        s.recordMismatches("parent sees its own")
        s.drain()
        s.add(.exit(0))
        // Child.
        s.steps[toChild] = .inChild(goTo: s.next)
        s.forEachPage { $0.checkStamp(0x1000) }
        s.recordMismatches("child sees the fork's")
        s.forEachPage { $0.stamp(0x3000) }
        s.forEachPage { $0.checkStamp(0x3000) }
        s.recordMismatches("child sees its own")
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0), sys.uartText)
        sys.checkHarness()
        sys.checkDiskLog()
        XCTAssertEqual(sys.record("child status")?.x[1], 0)
        XCTAssertEqual(sys.record("child sees the fork's")?.x[1], 0)
        XCTAssertEqual(sys.record("child sees its own")?.x[1], 0)
        XCTAssertEqual(sys.record("parent sees its own")?.x[1], 0)
        let initID = sys.kernel.initID.raw
        let fork = try XCTUnwrap(sys.syscallIndices(.fork, by: initID).first)
        XCTAssertGreaterThan(sys.swappedOut(task: initID, pages: SwapScript.regionPages, before: fork),
                             pages - SwapScript.taskRAM, "the fork copied swapped-out pages")
        sys.checkNothingLeaked()
    }

    /// The parent unmaps the region first: no slot is freed, since the child
    /// still names them all, and the child then reads every page intact.
    func testSlotsSharedByForkAreFreedOnlyWhenBothTasksAreDone() throws {
        var s = SwapScript()
        s.mapRegion()
        s.forEachPage { $0.stamp(0x1000) }
        s.drain()
        s.add(.memInfo, .record("before fork"), .fork)
        let toChild = s.placeholder()
        // The fork may page some of the parent's pages out first (room under
        // its ceiling): count the slots once it is done.
        s.add(.save(into: 23), .memInfo, .record("after fork"), .munmap(base, UInt64(pages) * page), .record("munmap"),
              .memInfo, .record("parent unmapped"), .send(.reg(23)), .wait(.reg(23)), .record("child status"))
        s.drain()
        s.add(.memInfo, .record("both done"), .exit(0))
        s.steps[toChild] = .inChild(goTo: s.next)
        s.add(.recv(from: 0))
        s.forEachPage { $0.checkStamp(0x1000) }
        s.recordMismatches("child")
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0), sys.uartText)
        sys.checkHarness()
        sys.checkDiskLog()
        let initID = sys.kernel.initID.raw
        let fork = try XCTUnwrap(sys.syscallIndices(.fork, by: initID).first)
        let out = sys.swappedOut(task: initID, pages: SwapScript.regionPages, before: fork)
        XCTAssertGreaterThan(out, pages - SwapScript.taskRAM)
        let before = try XCTUnwrap(sys.record("after fork")).x[3]
        XCTAssertEqual(sys.record("munmap")?.x0, 0)
        XCTAssertEqual(sys.record("parent unmapped")?.x[3], before, "the child still names every slot")
        XCTAssertEqual(sys.record("child")?.x[1], 0, "and reads every page intact")
        XCTAssertEqual(sys.record("child status")?.x[1], 0)
        // Once both are done with the region, only init's pages outside it may hold slots.
        let initPages = Set(sys.pageOuts.filter { $0.a == initID }.map(\.b)).filter { $0 < base }
        XCTAssertLessThanOrEqual(try XCTUnwrap(sys.record("both done")).x[3], UInt64(initPages.count))
        sys.checkNothingLeaked()
    }

    /// A fork while page-outs are on the disk, which then fail: the parent
    /// gets those pages back in RAM, so the child must not be left naming
    /// slots that never received the data. The fork waits for the disk.
    func testAForkWaitsForPageOutsThatMayFail() throws {
        var s = SwapScript()
        s.mapRegion()
        s.forEachPage { $0.stamp(0x1000) }
        s.add(.pause, .fork)
        let toChild = s.placeholder()
        s.add(.wait(.reg(0)), .record("child status"))
        s.forEachPage { $0.checkStamp(0x1000) }
        s.recordMismatches("parent")
        s.drain()
        s.add(.exit(0))
        s.steps[toChild] = .inChild(goTo: s.next)
        s.forEachPage { $0.checkStamp(0x1000) }
        s.recordMismatches("child")
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .halted)
        let failing = sys.disk!.failInFlight { $0.operation == .write }
        XCTAssertGreaterThan(failing, 0, "page-outs are in flight at the fork")
        XCTAssertEqual(sys.run(), .initExited(status: 0), sys.uartText)
        sys.checkHarness()
        sys.checkDiskLog()     // including: the child never reads a slot whose write failed
        XCTAssertGreaterThanOrEqual(sys.syscallIndices(.fork, by: sys.kernel.initID.raw).count, 2,
                                    "the fork waited, then ran again")
        XCTAssertEqual(sys.record("parent")?.x[1], 0)
        XCTAssertEqual(sys.record("child")?.x[1], 0, "the child sees the data too")
        XCTAssertEqual(sys.record("child status")?.x[1], 0)
        sys.checkNothingLeaked()
    }
}
