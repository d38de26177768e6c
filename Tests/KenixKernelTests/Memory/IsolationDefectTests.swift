// Regression tests for the isolation defects hostile programs found
// (issue 13): a frame with two owners copies before any write, whatever
// mprotect says; rights apply to pages already present (PROT_NONE blocks
// every access; write implies read); brk never undoes mprotect; page tables
// that map nothing are freed on munmap.
import HAL
import KenixABI
import KenixKernel
import XCTest

private let page: UInt64 = 0x1000
private let base = UserLayout.mmapBase
private let r = MemoryProtection.read
private let rw = MemoryProtection.read | MemoryProtection.write

final class IsolationDefectTests: XCTestCase {
    /// Defect 1: a page read-only at fork time, made writable by one side,
    /// must not be written through to the other.
    func testAReadOnlyPageSharedByForkCopiesBeforeAWriteEitherWay() throws {
        let parent: [Step] = [.wait(.reg(21)), .read(.imm(base), into: 0), .record("parent sees"), .exit(0)]
        let child: [Step] = [.mprotect(base, page, rw), .record("child mprotect"), .write(.imm(base), 2),
                             .read(.imm(base), into: 0), .record("child sees"), .exit(0)]
        let start: [Step] = [.mmap(page, rw), .write(.imm(base), 1), .mprotect(base, page, r),
                             .sys(.fork), .save(into: 21)]
        let sys = try TestSystem([TestProgram("init", start
            + [.branch(ifRegister: 21, equals: 0, to: start.count + 1 + parent.count)] + parent + child)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("child mprotect")?.x0, 0)
        XCTAssertEqual(sys.record("child sees")?.x0, 2)
        XCTAssertEqual(sys.record("parent sees")?.x0, 1, "the child's write stayed in the child's copy")
    }

    /// The reverse direction: the parent makes its copy writable and writes
    /// while the child still reads the shared page.
    func testTheParentsWriteAfterMprotectDoesNotReachTheChild() throws {
        let parent: [Step] = [.mprotect(base, page, rw), .write(.imm(base), 99), .wait(.reg(21)), .exit(0)]
        let child: [Step] = [.sleep(.imm(100 * us)), .read(.imm(base), into: 0), .record("child reads"), .exit(0)]
        let start: [Step] = [.mmap(page, rw), .write(.imm(base), 1), .mprotect(base, page, r),
                             .sys(.fork), .save(into: 21)]
        let sys = try TestSystem([TestProgram("init", start
            + [.branch(ifRegister: 21, equals: 0, to: start.count + 1 + parent.count)] + parent + child)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("child reads")?.x0, 1)
    }

    /// Defect 2: PROT_NONE on a page already touched blocks reads.
    func testProtNoneBlocksReadsOfAPresentPage() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("victim"), .save(into: 19), .wait(.reg(19)), .record("status"), .exit(0)]),
            TestProgram("victim", [.mmap(page, rw), .write(.imm(base), 7), .read(.imm(base), into: 0),
                                   .record("before"), .mprotect(base, page, 0), .record("none"),
                                   .read(.imm(base), into: 0), .record("read after none"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("before")?.x0, 7)
        XCTAssertEqual(sys.record("none")?.x0, 0)
        XCTAssertNil(sys.records("read after none").first)
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.memoryFault.rawValue)
        XCTAssertTrue(sys.uartText.contains("(permission fault, level 3) on read at 0x200000000"), sys.uartText)
    }

    /// PROT_NONE and back: the page and its contents return.
    func testProtNoneThenReadRestoresAccess() throws {
        let sys = try TestSystem([TestProgram("init", [
            .mmap(page, rw), .write(.imm(base), 7), .mprotect(base, page, 0), .mprotect(base, page, r),
            .read(.imm(base), into: 0), .record("back"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("back")?.x0, 7)
    }

    /// Write implies read: AArch64 has no write-only EL0 pages, so a
    /// write-only mapping is defined (and documented) as readable.
    func testWriteOnlyMemoryIsReadable() throws {
        let sys = try TestSystem([TestProgram("init", [
            .mmap(page, MemoryProtection.write), .write(.imm(base), 5), .read(.imm(base), into: 0), .record("read"),
            .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("read")?.x0, 5)
    }

    /// Defect 3: growing the heap after mprotect split it leaves the
    /// read-only piece read-only (it was untouched, so demand paging decides).
    func testBrkDoesNotUndoMprotect() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("victim"), .save(into: 19), .wait(.reg(19)), .record("status"), .exit(0)]),
            TestProgram("victim", [
                .sys(.brk, 0), .save(into: 20),                                   // heap start
                .sys(.brk, .regPlus(20, 2 * page)), .record("grow"),
                .sys(.mprotect, .regPlus(20, page), .imm(page), .imm(r)), .record("mprotect"),
                .sys(.brk, .regPlus(20, 4 * page)), .record("grow again"),
                .write(.regPlus(20, 3 * page), 1), .record("new piece writable"),
                .write(.regPlus(20, 0), 1), .record("first piece writable"),
                .write(.regPlus(20, page), 1), .record("read-only piece written"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("mprotect")?.x0, 0)
        XCTAssertNotNil(sys.record("new piece writable"))
        XCTAssertNotNil(sys.record("first piece writable"))
        XCTAssertNil(sys.records("read-only piece written").first)
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.memoryFault.rawValue)
    }

    /// Defect 5 (page tables): map, touch and unmap a large range many
    /// times; free frames come back exactly, tables included.
    func testUnmappingGivesBackItsPageTables() throws {
        let span: UInt64 = 1 << 30
        var steps: [Step] = [.memInfo, .record("start")]
        for _ in 0..<8 {
            steps += [.mmap(span, rw, hint: .imm(base), flags: MapFlags.fixed), .write(.imm(base), 1),
                      .write(.imm(base + span / 2), 2),
                      .write(.imm(base + span - page), 3), .munmap(base, span)]
        }
        steps += [.memInfo, .record("end"), .exit(0)]
        let sys = try TestSystem([TestProgram("init", steps)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("end")?.x0, sys.record("start")?.x0)
    }
}
