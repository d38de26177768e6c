// The edges of swapping: with RAM and swap exhausted the task that asked is
// killed for out of memory and the others run on, exactly as without a disk;
// the disk's interrupt line is the kernel's; and a run with swapping, disk
// failures and two tasks interleaving is a pure function of its setup.
import HAL
import KenixABI
import KenixKernel
import XCTest

private let page = SwapScript.page

final class SwapLimitsTests: XCTestCase {
    // MARK: Out of memory

    /// A hog touching pages for ever, and a bystander, init, whose pages
    /// may go out while it waits for the hog. The hog gets all init has
    /// left (a bystander child would need a share of its own, which the
    /// hog could then not use: shares are carved, never borrowed).
    private func hogAndBystander(disk: ScriptedDiskConfig?,
                                 file: StaticString = #filePath, line: UInt = #line) throws -> TestSystem {
        var bystander = SwapScript()
        bystander.mapRegion(pages: 4)
        bystander.forEachPage(count: 4) { $0.stamp(0xCCCC) }
        bystander.add(.spawn("hog", share: .imm(QuotaShare.whole)), .record("hog id"), .wait(.reg(0)), .record("hog"))
        bystander.forEachPage(count: 4) { $0.checkStamp(0xCCCC) }
        bystander.recordMismatches("bystander")
        bystander.add(.sleep(.imm(10 * ms)), .exit(0))
        let sys = try TestSystem([
            TestProgram("init", bystander.steps),
            TestProgram("hog", [.mmap(UInt64(1) << 30, MemoryProtection.read | MemoryProtection.write),
                                .move(19, .reg(0)), .write(.reg(19), 1), .move(19, .regPlus(19, page)), .jump(2)]),
        ], frames: SwapScript.smallRAM, disk: disk)
        XCTAssertEqual(sys.run(), .initExited(status: 0), file: file, line: line)
        sys.checkHarness(file: file, line: line)
        let hogID = try XCTUnwrap(sys.record("hog id")).x[1]
        XCTAssertEqual(Array(try XCTUnwrap(sys.record("hog")).x[1...2]),
                       [KillReason.outOfMemory.rawValue, ExitKind.killed.rawValue], file: file, line: line)
        XCTAssertTrue(sys.uartText.contains("kenix: killed task \(hogID) (hog): out of memory at 0x2"), sys.uartText,
                      file: file, line: line)
        XCTAssertEqual(sys.record("bystander")?.x[1], 0, file: file, line: line)
        sys.checkNothingLeaked(file: file, line: line)
        return sys
    }

    func testWhenRAMAndSwapAreExhaustedTheTaskThatAskedIsKilled() throws {
        let sys = try hogAndBystander(disk: ScriptedDiskConfig(sectors: 128))    // 16 slots
        sys.checkDiskLog()
        XCTAssertEqual(sys.kernel.swapSlots, 16)
        let hogID = try XCTUnwrap(sys.record("hog id")).x[1]
        let death = try XCTUnwrap(sys.trace.firstIndex { $0.kind == .taskExit && $0.a == hogID })
        XCTAssertGreaterThanOrEqual(Set(sys.trace[..<death].filter { $0.kind == .pageOut }.map(\.c)).count, 16,
                                    "every slot was used before the kill")
    }

    func testWithoutADiskRunningOutOfMemoryKillsAsBefore() throws {
        let sys = try hogAndBystander(disk: nil)
        XCTAssertEqual(sys.kernel.swapSlots, 0)
        XCTAssertTrue(sys.pageOuts.isEmpty && sys.pageIns.isEmpty)
        XCTAssertFalse(sys.machine.enabledIRQs.contains(ScriptedDisk.defaultIRQ.number))
    }

    // MARK: The disk's interrupt line

    func testTheDiskInterruptLineIsTheKernels() throws {
        func register(disk: ScriptedDiskConfig?) throws -> TestSystem {
            let sys = try TestSystem([TestProgram("init", [
                .notifyCreate, .save(into: 23),
                .irqRegister(.imm(UInt64(ScriptedDisk.defaultIRQ.number)), note: .reg(23), bit: 0), .record("disk line"),
                .irqRegister(49, note: .reg(23), bit: 1), .record("other line"), .exit(0)])], disk: disk)
            XCTAssertEqual(sys.run(), .initExited(status: 0))
            sys.checkHarness()
            return sys
        }
        let with = try register(disk: ScriptedDiskConfig())
        XCTAssertEqual(with.record("disk line")?.error, .busy)
        XCTAssertEqual(with.record("other line")?.x0, 0)
        XCTAssertTrue(with.machine.enabledIRQs.contains(ScriptedDisk.defaultIRQ.number), "the kernel took it")
        let without = try register(disk: nil)
        XCTAssertEqual(without.record("disk line")?.x0, 0, "control: without a disk the line is free")
    }

    // MARK: Determinism

    func testTheSameSystemRunTwiceGivesTheSameTrace() throws {
        func run(latency: UInt64) throws -> (trace: [TimedTraceEvent], log: [LogEntry], uart: String,
                                             disk: [ScriptedDiskRequest]) {
            let half = SwapScript.manyPages / 2
            var worker = SwapScript()
            worker.add(.move(21, .reg(0)))
            worker.mapRegion(pages: half)
            worker.forEachPage(count: half) { $0.stamp(0xDDDD); $0.add(.compute(2 * us)) }
            worker.forEachPage(count: half) { $0.checkStamp(0xDDDD) }
            worker.recordMismatches("worker")
            worker.add(.exit(.reg(21)))
            let sys = try TestSystem([
                // One worker with all init has left (two would each stop at their share before
                // RAM ran short); init computes beside it.
                TestProgram("init", [.spawn("worker", arg: 1, share: .imm(QuotaShare.whole)), .save(into: 23),
                                     .compute(300 * us), .yield, .compute(300 * us),
                                     .wait(.reg(23)), .sleep(.imm(10 * ms)), .exit(0)]),
                TestProgram("worker", worker.steps),
            ], frames: SwapScript.smallRAM,
               disk: ScriptedDiskConfig(latency: latency, fails: { $0.operation == .write && $0.operationIndex % 7 == 3 }))
            XCTAssertEqual(sys.run(), .initExited(status: 0))
            sys.checkHarness()
            sys.checkDiskLog()
            sys.checkNothingLeaked()
            XCTAssertEqual(sys.records("worker").map { $0.x[1] }, [0])
            return (sys.trace, sys.log, sys.uartText, sys.disk!.requests)
        }
        let a = try run(latency: 20 * us), b = try run(latency: 20 * us)
        XCTAssertGreaterThan(a.trace.filter { $0.kind == .pageIn }.count, 50)
        XCTAssertTrue(a.disk.contains { !$0.succeeds })
        XCTAssertEqual(a.trace, b.trace)
        XCTAssertEqual(a.log, b.log)
        XCTAssertEqual(a.uart, b.uart)
        XCTAssertEqual(a.disk, b.disk)
        let c = try run(latency: 30 * us)
        XCTAssertNotEqual(a.trace, c.trace, "control: another disk latency gives another trace")
    }
}
