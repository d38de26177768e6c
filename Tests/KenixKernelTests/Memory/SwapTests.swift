// Swapping (Memory/Kernel+Pager) on the scripted machine with a ScriptedDisk
// and little RAM, so that touching more pages than RAM holds forces pages out
// and back: data comes back intact, the clock gives second chances, disk
// failures lose nothing (a failed read kills only the owner), nothing leaks
// when tasks die or unmap with pages out or transfers in flight, rights
// follow a page through swap, and syscalls on swapped-out buffers wait and
// restart. Every test also checks the disk's log (SwapScript.swift): a slot
// is read only after a successful write, transfers on a slot never overlap.
// Fork: SwapForkTests; exhaustion, the disk's line, determinism: SwapLimitsTests.
import HAL
import KenixABI
import KenixKernel
import XCTest

private let page = SwapScript.page
private let base = SwapScript.region
private let pages = SwapScript.manyPages
private let smallRAM = SwapScript.smallRAM

final class SwapTests: XCTestCase {
    // MARK: Data

    func testEveryPageWrittenOutComesBackWithItsData() throws {
        var s = SwapScript()
        s.mapRegion()
        s.forEachPage { $0.stamp(0x1111) }
        s.forEachPage { $0.checkStamp(0x1111) }
        s.recordMismatches("verified")
        s.drain()
        s.add(.memInfo, .record("mem"), .exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        XCTAssertEqual(sys.record("verified")?.x[1], 0, "every word read back is the one written")
        // More pages than RAM: most of the region went out and came back.
        let initID = sys.kernel.initID.raw
        let cameBack = SwapScript.regionPages.filter { va in
            let kinds = sys.swapEvents(task: initID, page: va).map(\.kind)
            return kinds.firstIndex(of: .pageOut).map { kinds[$0...].contains(.pageIn) } ?? false
        }
        XCTAssertGreaterThan(cameBack.count, pages - SwapScript.taskRAM, "pages went out and were read back")
        let mem = try XCTUnwrap(sys.record("mem"))
        XCTAssertEqual(mem.x[2], UInt64(sys.kernel.swapSlots))
        XCTAssertEqual(mem.x[4], UInt64(sys.pageOuts.count), "mem_info counts the page-outs")
        XCTAssertEqual(mem.x[5], UInt64(sys.pageIns.count), "and the page-ins")
        XCTAssertEqual(sys.kernel.pagesOut, UInt64(sys.disk!.writes.count))
        XCTAssertEqual(sys.kernel.pagesIn, UInt64(sys.disk!.reads.count))
        sys.checkNothingLeaked()
    }

    // MARK: The clock

    /// One page is read again after every new page the task touches; every
    /// other page is touched once. What is asserted is what the clock
    /// promises observably: the page touched between the hand's visits never
    /// goes out, while the control run (no re-touching) shows the same page
    /// does go out otherwise, so the assertion can fail. (It holds for this
    /// run deterministically: a reclaim stops once it has started enough
    /// page-outs, which it finds among the cold pages long before the hand
    /// comes round again, and the task runs, touching the hot page, between
    /// any two reclaims.)
    func testAPageTouchedBetweenSweepsIsNotEvicted() throws {
        func run(retouch: Bool) throws -> TestSystem {
            var s = SwapScript()
            s.mapRegion(pages: pages + 1)
            s.add(.write(.imm(base), 0x40))
            s.forEachPage(from: base + page) {
                $0.stamp(0x2222)
                if retouch { $0.add(.read(.imm(base), into: 21)) }
            }
            s.add(.read(.imm(base), into: 1), .record("hot"))
            s.drain()
            s.add(.exit(0))
            let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
            XCTAssertEqual(sys.run(), .initExited(status: 0))
            sys.checkHarness()
            sys.checkDiskLog()
            XCTAssertEqual(sys.record("hot")?.x[1], 0x40)
            XCTAssertGreaterThan(sys.pageOuts.count, pages - SwapScript.taskRAM, "the pager was busy")
            return sys
        }
        let hot = try run(retouch: true)
        XCTAssertEqual(hot.swapEvents(task: hot.kernel.initID.raw, page: base).map(\.kind), [],
                       "the page touched between sweeps was never written out")
        let cold = try run(retouch: false)
        XCTAssertTrue(cold.swapEvents(task: cold.kernel.initID.raw, page: base).contains { $0.kind == .pageOut },
                      "control: left alone, the same page is written out")
    }

    // MARK: Disk failures

    func testAFailedWriteLeavesThePageInRAMWithItsData() throws {
        // Every third write fails.
        let disk = ScriptedDiskConfig(fails: { $0.operation == .write && $0.operationIndex % 3 == 0 })
        var s = SwapScript()
        s.mapRegion()
        s.forEachPage { $0.stamp(0x3333) }
        s.forEachPage { $0.checkStamp(0x3333) }
        s.recordMismatches("verified")
        s.drain()
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: disk)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        // The region's pages whose write failed (the page-out event of the request).
        let failedPages = sys.disk!.writes.filter { !$0.succeeds }.compactMap { w in
            sys.pageOuts.first { $0.time == w.submitted && $0.c * 8 == w.sector }?.b
        }.filter(SwapScript.regionPages.contains)
        XCTAssertGreaterThan(failedPages.count, 10, "writes of the region's pages failed")
        XCTAssertEqual(sys.record("verified")?.x[1], 0, "no data was lost")
        XCTAssertTrue(sys.uartText.contains("kenix: swap write failed; the page stays in RAM"), sys.uartText)
        sys.checkDiskLog()     // including: no slot whose write failed is ever read
        sys.checkNothingLeaked()
    }

    func testAFailedReadKillsOnlyTheOwner() throws {
        let disk = ScriptedDiskConfig(fails: { $0.operation == .read && $0.operationIndex == 0 })
        var victim = SwapScript()
        victim.mapRegion()
        victim.forEachPage { $0.stamp(0x4444) }
        victim.forEachPage { $0.checkStamp(0x4444) }
        victim.recordMismatches("victim finished")
        victim.add(.exit(0))
        // init is the bystander: its pages may go out during the victim's life.
        var bystander = SwapScript()
        bystander.mapRegion(pages: 4)
        bystander.forEachPage(count: 4) { $0.stamp(0x5555) }
        // All init has left: a smaller share stops the victim at its own frame
        // share before the pager runs. So init has no swap share left and its
        // pages stay in RAM (the pager swaps only tasks with swap share left).
        bystander.add(.spawn("victim", share: .imm(QuotaShare.whole)), .record("victim id"), .wait(.reg(0)),
                      .record("victim"))
        bystander.forEachPage(count: 4) { $0.checkStamp(0x5555) }
        bystander.recordMismatches("bystander")
        bystander.add(.sleep(.imm(10 * ms)), .exit(0))
        let sys = try TestSystem([
            TestProgram("init", bystander.steps),
            TestProgram("victim", victim.steps),
        ], frames: smallRAM, disk: disk)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let victimID = try XCTUnwrap(sys.record("victim id")).x[1]
        let failedRead = try XCTUnwrap(sys.disk!.reads.first)
        XCTAssertFalse(failedRead.succeeds)
        XCTAssertEqual(sys.pageIns.first { $0.time == failedRead.submitted }?.a, victimID, "the victim's page")
        XCTAssertEqual(Array(try XCTUnwrap(sys.record("victim")).x[1...2]),
                       [KillReason.memoryFault.rawValue, ExitKind.killed.rawValue])
        XCTAssertTrue(sys.records("victim finished").isEmpty)
        XCTAssertTrue(sys.uartText.contains("kenix: swap read failed\nkenix: killed task \(victimID) (victim)"),
                      sys.uartText)
        XCTAssertEqual(sys.record("bystander")?.x[1], 0, "the bystander's pages came back intact")
        sys.checkDiskLog()
        sys.checkNothingLeaked()
    }

    // MARK: Ending tasks

    /// The victim (of higher priority) tells init it is about to read a
    /// swapped-out page, reads it and blocks; init runs and kills it while
    /// the read is on the disk.
    func testKillingATaskWhosePageInIsInFlightLeaksNothing() throws {
        var victim = SwapScript()
        victim.mapRegion()
        victim.forEachPage { $0.stamp(0x6666) }
        victim.drain()      // no page-out of the region is still on the disk
        victim.add(.send(parentHandle, tag: 1), .read(.imm(base), into: 20), .record("never"), .exit(0))
        let sys = try TestSystem([
            TestProgram("init", [.spawn("victim", priority: 20, authority: .imm(InitHandle.spawnAuthority), share: .imm(QuotaShare.whole)),
                                 .record("victim id"), .save(into: 23),
                                 .recv(from: .reg(23)),
                                 .kill(.reg(23)), .record("kill"), .wait(.reg(23)), .record("status"),
                                 .sleep(.imm(10 * ms)), .exit(0)]),
            TestProgram("victim", victim.steps),
        ], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        XCTAssertEqual(sys.record("kill")?.x0, 0)
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.killedByTask.rawValue)
        XCTAssertTrue(sys.records("never").isEmpty)
        let victimID = try XCTUnwrap(sys.record("victim id")).x[1]
        let exit = try XCTUnwrap(sys.trace.first { $0.kind == .taskExit && $0.a == victimID })
        let pageIn = try XCTUnwrap(sys.swapEvents(task: victimID, page: base).last)
        XCTAssertEqual(pageIn.kind, .pageIn)
        let read = try XCTUnwrap(sys.disk!.reads.first { $0.submitted == pageIn.time && $0.sector == pageIn.c * 8 })
        XCTAssertLessThan(exit.time, read.finishes, "the page-in was on the disk when the victim died")
        sys.checkNothingLeaked()
    }

    func testExitingWithPagesInSwapReleasesTheirSlots() throws {
        var child = SwapScript()
        child.mapRegion()
        child.forEachPage { $0.stamp(0x7777) }
        child.add(.memInfo, .record("child"), .exit(0))     // with page-outs in flight
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child", share: .imm(QuotaShare.whole)), .record("child id"), .wait(.reg(0)), .sleep(.imm(10 * ms)),
                                 .memInfo, .record("after"), .exit(0)]),
            TestProgram("child", child.steps),
        ], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        let childID = try XCTUnwrap(sys.record("child id")).x[1]
        let exit = try XCTUnwrap(sys.trace.firstIndex { $0.kind == .taskExit && $0.a == childID })
        XCTAssertGreaterThan(sys.swappedOut(task: childID, pages: SwapScript.regionPages, before: exit),
                             pages - SwapScript.taskRAM)
        XCTAssertGreaterThan(try XCTUnwrap(sys.record("child")).x[3], UInt64(pages - SwapScript.taskRAM))
        // Only init's own pages may hold slots after the child's end.
        let initPages = Set(sys.pageOuts.filter { $0.a == sys.kernel.initID.raw }.map(\.b))
        XCTAssertLessThanOrEqual(try XCTUnwrap(sys.record("after")).x[3], UInt64(initPages.count))
        sys.checkNothingLeaked()
    }

    // MARK: Unmapping

    func testMunmapReleasesTheSlotsOfSwappedOutPages() throws {
        var s = SwapScript()
        s.mapRegion()
        s.forEachPage { $0.stamp(0x8888) }
        s.drain()
        s.add(.memInfo, .record("before"), .munmap(base, UInt64(pages) * page), .memInfo, .record("after"))
        s.drain()
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        let initID = sys.kernel.initID.raw
        let munmap = try XCTUnwrap(sys.syscallIndices(.munmap, by: initID).first)
        let out = sys.swappedOut(task: initID, pages: SwapScript.regionPages, before: munmap)
        XCTAssertGreaterThan(out, pages - SwapScript.taskRAM)
        let before = try XCTUnwrap(sys.record("before")).x[3], after = try XCTUnwrap(sys.record("after")).x[3]
        XCTAssertEqual(before - after, UInt64(out), "munmap released exactly the slots of the region's swapped pages")
        sys.checkNothingLeaked()
    }

    func testShrinkingTheBreakReleasesTheSlotsOfSwappedOutPages() throws {
        let heapSize = UInt64(pages) * page
        var s = SwapScript()
        s.add(.setBreak(0), .move(25, .reg(0)), .setBreak(.regPlus(25, heapSize)), .move(SwapScript.cursor, .reg(25)))
        let top = s.next
        s.stamp(0x9999)
        s.add(.move(SwapScript.cursor, .regPlus(SwapScript.cursor, page)))
        s.add(.branch(ifRegister: SwapScript.cursor, equals: .regPlus(25, heapSize), to: s.next + 2), .jump(top))
        s.drain()
        s.add(.memInfo, .record("before"), .setBreak(.reg(25)), .record("brk"), .memInfo, .record("after"))
        s.drain()
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        let initID = sys.kernel.initID.raw
        let heap = try XCTUnwrap(sys.record("brk")).x0
        let shrink = try XCTUnwrap(sys.syscallIndices(.brk, by: initID).last)
        let out = sys.swappedOut(task: initID, pages: (0..<pages).map { heap + UInt64($0) * page }, before: shrink)
        XCTAssertGreaterThan(out, pages - SwapScript.taskRAM)
        let before = try XCTUnwrap(sys.record("before")).x[3], after = try XCTUnwrap(sys.record("after")).x[3]
        XCTAssertEqual(before - after, UInt64(out), "brk released exactly the slots of the heap's swapped pages")
        sys.checkNothingLeaked()
    }

    // MARK: Rights

    func testRightsChangedWhileAPageIsSwappedOutHoldWhenItComesBack() throws {
        var victim = SwapScript()
        victim.mapRegion()
        victim.forEachPage { $0.stamp(0xAAAA) }
        victim.add(.mprotect(base, page, MemoryProtection.read), .record("mprotect"),
                   .read(.imm(base), into: 1), .record("read"), .write(.imm(base), 1), .record("never"), .exit(0))
        let sys = try TestSystem([
            TestProgram("init", [.spawn("victim", share: .imm(QuotaShare.whole)), .record("victim id"), .wait(.reg(0)), .record("status"),
                                 .sleep(.imm(10 * ms)), .exit(0)]),
            TestProgram("victim", victim.steps),
        ], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        let victimID = try XCTUnwrap(sys.record("victim id")).x[1]
        let mprotect = try XCTUnwrap(sys.syscallIndices(.mprotect, by: victimID).first)
        XCTAssertEqual(sys.swappedOut(task: victimID, pages: [base], before: mprotect), 1,
                       "the page was in swap when its rights changed")
        XCTAssertEqual(sys.record("mprotect")?.x0, 0)
        XCTAssertEqual(sys.record("read")?.x[1], base + 0xAAAA, "it came back with its data")
        XCTAssertTrue(sys.records("never").isEmpty)
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.memoryFault.rawValue)
        XCTAssertTrue(sys.uartText.contains("(victim): data abort (permission fault, level 3) on write at 0x200000000"),
                      sys.uartText)
        sys.checkNothingLeaked()
    }

    // MARK: Syscalls on swapped-out buffers

    /// Stamps enough pages that the program's read-only data page (where its
    /// strings live) goes out to swap.
    private func pushStringsOut(_ s: inout SwapScript) {
        s.mapRegion()
        s.forEachPage { $0.stamp(0xBBBB) }
    }

    /// The syscall's tries (a restart is a new try) and whether `page` came
    /// back from swap between the first and the last.
    private func tries(_ sys: TestSystem, _ call: Syscall, pageBackBetween va: UInt64) -> (Int, Bool) {
        let tries = sys.syscallIndices(call, by: sys.kernel.initID.raw)
        guard let first = tries.first, let last = tries.last else { return (0, false) }
        return (tries.count, sys.trace[first..<last].contains { $0.kind == .pageIn && $0.b == va })
    }

    func testUARTWriteFromASwappedOutBufferWaitsAndRestarts() throws {
        var s = SwapScript()
        s.add(.uartClaim())
        pushStringsOut(&s)
        s.add(.uartWrite("written from swap\n"), .record("write"))
        s.drain()
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        let strings = sys.images["init"]!.rodataAddress
        let write = try XCTUnwrap(sys.syscallIndices(.uartWrite, by: sys.kernel.initID.raw).first)
        XCTAssertEqual(sys.swappedOut(task: sys.kernel.initID.raw, pages: [strings], before: write), 1,
                       "the buffer was in swap")
        // It may also wait for a free transfer first (page-outs can fill the disk's queue).
        let (count, pagedIn) = tries(sys, .uartWrite, pageBackBetween: strings)
        XCTAssertGreaterThanOrEqual(count, 2, "the syscall waited, then ran again")
        XCTAssertTrue(pagedIn, "the buffer was read back between the tries")
        XCTAssertEqual(sys.record("write")?.x0, 18)
        XCTAssertEqual(sys.uartText, "written from swap\n", "the right bytes, once")
        sys.checkNothingLeaked()
    }

    func testSpawnWithItsNameInASwappedOutPageWaitsAndRestarts() throws {
        var s = SwapScript()
        pushStringsOut(&s)
        // Loading a program takes frames straight from the allocator: let the pager free some first.
        s.drain()
        s.add(.spawn("child", share: .imm(QuotaShare.whole)), .record("spawn"), .wait(.reg(0)), .record("child status"))
        s.drain()
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps), TestProgram("child", [.record("child ran"), .exit(5)])],
                                 frames: smallRAM, disk: ScriptedDiskConfig())
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        let strings = sys.images["init"]!.rodataAddress
        let spawn = try XCTUnwrap(sys.syscallIndices(.spawn, by: sys.kernel.initID.raw).first)
        XCTAssertEqual(sys.swappedOut(task: sys.kernel.initID.raw, pages: [strings], before: spawn), 1)
        let (count, pagedIn) = tries(sys, .spawn, pageBackBetween: strings)
        XCTAssertGreaterThanOrEqual(count, 2)
        XCTAssertTrue(pagedIn)
        let child = try XCTUnwrap(sys.trace.first { $0.kind == .taskSpawn && $0.a == sys.kernel.initID.raw })
        XCTAssertEqual(sys.record("spawn")?.x[1], child.b, "one child, of the right program")
        XCTAssertEqual(sys.records("child ran").count, 1)
        XCTAssertEqual(sys.record("child status")?.x[1], 5)
        sys.checkNothingLeaked()
    }
}
