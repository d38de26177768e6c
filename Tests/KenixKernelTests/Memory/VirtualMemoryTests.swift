// Demand paging and the memory syscalls: mmap reserves, the first touch of a
// page maps a zeroed frame, munmap (also of part of a region) frees, mprotect
// takes effect at once (TLB included), brk moves the heap, W^X holds, and a
// touch outside every region or against its rights kills the task alone.
import HAL
import KenixABI
import KenixKernel
import XCTest

private let page: UInt64 = 0x1000
private let base = UserLayout.mmapBase
private let rw = MemoryProtection.read | MemoryProtection.write

extension Step {
    static func mmap(_ length: UInt64, _ prot: UInt64, hint: Operand = 0, flags: UInt64 = 0) -> Step {
        sys(.mmap, hint, .imm(length), .imm(prot), .imm(flags))
    }
    static func munmap(_ address: UInt64, _ length: UInt64) -> Step { sys(.munmap, .imm(address), .imm(length)) }
    static func mprotect(_ address: UInt64, _ length: UInt64, _ prot: UInt64) -> Step {
        sys(.mprotect, .imm(address), .imm(length), .imm(prot))
    }
    static func setBreak(_ address: Operand) -> Step { sys(.brk, address) }
    static let memInfo = sys(.memInfo)
}

final class VirtualMemoryTests: XCTestCase {
    func testPagesAreAllocatedOnFirstTouchAndZeroFilled() throws {
        let sys = try TestSystem([TestProgram("init", [
            .mmap(3 * page, rw), .record("map"), .memInfo, .record("before"),
            .write(.imm(base + 8), 0x55), .read(.imm(base + 8), into: 3), .record("written"),
            .memInfo, .record("one page"),
            .read(.imm(base + 2 * page), into: 3), .record("untouched"), .memInfo, .record("two pages"),
            .read(.imm(base + 16), into: 3), .memInfo, .record("same page again"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("map")?.x0, base)
        let before = try XCTUnwrap(sys.record("before")?.x0)
        // The first touch in the mmap area also builds its level-2 and level-3 tables.
        XCTAssertEqual(sys.record("one page")?.x0, before - 3)
        XCTAssertEqual(sys.record("written")?.x[3], 0x55)
        XCTAssertEqual(sys.record("two pages")?.x0, before - 4)
        XCTAssertEqual(sys.record("untouched")?.x[3], 0, "zero-filled")
        XCTAssertEqual(sys.record("same page again")?.x0, before - 4)
    }

    func testTouchingOutsideEveryRegionOrAgainstItsRightsKills() throws {
        func victim(_ steps: [Step]) throws -> TestSystem {
            let sys = try TestSystem([TestProgram("init", [.spawn("victim"), .save(into: 19), .wait(.reg(19)), .record("status"), .exit(0)]),
                                      TestProgram("victim", steps)])
            XCTAssertEqual(sys.run(), .initExited(status: 0))
            return sys
        }
        let outside = try victim([.mmap(page, rw), .read(.imm(base + page), into: 0), .exit(0)])
        XCTAssertEqual(outside.record("status")?.x[1], KillReason.memoryFault.rawValue)
        XCTAssertTrue(outside.uartText.contains("(victim): data abort (translation fault, level 1) on read at 0x200001000"),
                      outside.uartText)

        let readOnly = try victim([.mmap(page, MemoryProtection.read), .read(.imm(base), into: 0),
                                   .record("read"), .write(.imm(base), 1), .exit(0)])
        XCTAssertEqual(readOnly.record("read")?.x0, 0)
        XCTAssertTrue(readOnly.uartText.contains("(permission fault, level 3) on write at 0x200000000"), readOnly.uartText)

        let noExecute = try victim([.mmap(page, rw), .execute(.imm(base)), .exit(0)])
        XCTAssertTrue(noExecute.uartText.contains("instruction abort (translation fault, level 1) on execute at 0x200000000"),
                      noExecute.uartText)
    }

    func testWriteXorExecuteAndArgumentErrors() throws {
        let rwx = MemoryProtection.read | MemoryProtection.write | MemoryProtection.execute
        let sys = try TestSystem([TestProgram("init", [
            .mmap(page, rwx), .record("rwx"), .mmap(0, rw), .record("empty"), .mmap(page, 8), .record("bad prot"),
            .mmap(page, rw, flags: 4), .record("bad flags"),
            .mmap(page, rw), .mprotect(base, page, MemoryProtection.write | MemoryProtection.execute), .record("wx"),
            .mprotect(base + page, page, MemoryProtection.read), .record("not mapped"),
            .munmap(base + 1, page), .record("unaligned"), .munmap(0x40_0000, page), .record("image"),
            .mmap(page, rw, hint: .imm(base), flags: MapFlags.fixed), .record("fixed taken"),
            .mmap(page, rw, hint: .imm(base + 5 * page)), .record("hint"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        for label in ["rwx", "empty", "bad prot", "bad flags", "wx", "not mapped", "unaligned", "image"] {
            XCTAssertEqual(sys.record(label)?.error, .invalidArgument, label)
        }
        XCTAssertEqual(sys.record("fixed taken")?.error, .busy)
        XCTAssertEqual(sys.record("hint")?.x0, base + 5 * page, "a free hint is honoured")
    }

    func testMunmapOfPartOfARegionFreesExactlyThosePages() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("victim"), .save(into: 19), .wait(.reg(19)), .record("status"), .exit(0)]),
            TestProgram("victim", [
                .mmap(4 * page, rw), .write(.imm(base), 1), .write(.imm(base + page), 2),
                .write(.imm(base + 2 * page), 3), .write(.imm(base + 3 * page), 4), .memInfo, .record("touched"),
                .munmap(base + page, 2 * page), .record("munmap"), .memInfo, .record("after"),
                .read(.imm(base), into: 1), .read(.imm(base + 3 * page), into: 2), .record("ends"),
                .read(.imm(base + page), into: 3), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("munmap")?.x0, 0)
        XCTAssertEqual(sys.record("after")?.x0, try XCTUnwrap(sys.record("touched")?.x0) + 2)
        XCTAssertEqual(sys.record("ends")?.x[1], 1)
        XCTAssertEqual(sys.record("ends")?.x[2], 4)
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.memoryFault.rawValue, "the hole is gone")
    }

    func testMprotectRevocationTakesEffectAtOnceIncludingTheTLB() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("victim"), .save(into: 19), .wait(.reg(19)), .record("status"), .exit(0)]),
            TestProgram("victim", [.mmap(page, rw), .write(.imm(base), 9),     // now cached in the TLB
                                   .mprotect(base, page, MemoryProtection.read), .record("mprotect"),
                                   .read(.imm(base), into: 1), .record("still readable"),
                                   .write(.imm(base), 10), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("mprotect")?.x0, 0)
        XCTAssertEqual(sys.record("still readable")?.x[1], 9)
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.memoryFault.rawValue)
        XCTAssertTrue(sys.uartText.contains("(permission fault, level 3) on write at 0x200000000"), sys.uartText)
    }

    func testHugeMappingsCostOnlyTheirPresentPages() throws {
        // 200 GiB reserved, two pages touched: mprotect and munmap walk only what is mapped.
        let huge: UInt64 = 200 << 30
        let sys = try TestSystem([TestProgram("init", [
            .mmap(huge, rw), .write(.imm(base), 1), .write(.imm(base + huge - page), 2), .memInfo, .record("touched"),
            .mprotect(base, huge, MemoryProtection.read), .record("mprotect"),
            .read(.imm(base + huge - page), into: 3), .record("read"),
            .munmap(base, huge), .record("munmap"), .memInfo, .record("after"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("mprotect")?.x0, 0)
        XCTAssertEqual(sys.record("read")?.x[3], 2)
        XCTAssertEqual(sys.record("munmap")?.x0, 0)
        // The two pages, and the tables that mapped only them: the level-2
        // and level-3 table of each (the level-1 table also maps the image).
        XCTAssertEqual(sys.record("after")?.x0, try XCTUnwrap(sys.record("touched")?.x0) + 2 + 4)
    }

    func testBrkGrowsAndShrinksTheHeap() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("victim"), .save(into: 19), .wait(.reg(19)), .record("status"), .exit(0)]),
            TestProgram("victim", [
                .setBreak(0), .record("start"), .move(19, .reg(0)),
                .setBreak(.regPlus(19, 5000)), .record("grown"),
                .write(.regPlus(19, 4096), 7), .read(.regPlus(19, 4096), into: 1), .record("heap"),
                .memInfo, .record("before shrink"), .setBreak(.reg(19)), .record("shrunk"), .memInfo, .record("after"),
                .setBreak(.imm(0x10)), .record("below start"),
                .read(.reg(19), into: 1), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let start = try XCTUnwrap(sys.record("start")?.x0)
        XCTAssertEqual(start & 0xFFF, 0)
        XCTAssertGreaterThan(start, UserLayout.imageBase)
        XCTAssertEqual(sys.record("grown")?.x0, start + 5000)
        XCTAssertEqual(sys.record("heap")?.x[1], 7)
        XCTAssertEqual(sys.record("shrunk")?.x0, start)
        XCTAssertEqual(sys.record("after")?.x0, try XCTUnwrap(sys.record("before shrink")?.x0) + 1)
        XCTAssertEqual(sys.record("below start")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("status")?.x[1], KillReason.memoryFault.rawValue, "the heap is empty again")
    }

    func testSyscallsPageInUntouchedPagesOfARegion() throws {
        let sys = try TestSystem([TestProgram("init", [
            .uartClaim(), .mmap(page, rw), .sys(.uartWrite, .imm(base), 3), .record("write"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("write")?.x0, 3)
        XCTAssertEqual(sys.machine.uartOutput, [0, 0, 0])
    }

    func testRunningOutOfMemoryKillsOnlyTheTaskThatAsked() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("hog"), .save(into: 19), .wait(.reg(19)), .record("hog"), .memInfo, .record("mem"), .exit(0)]),
            TestProgram("hog", [.mmap(UInt64(1) << 30, rw), .move(19, .reg(0)),
                                .write(.reg(19), 1), .move(19, .regPlus(19, page)), .jump(2)]),
        ], frames: 256)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let hog = try XCTUnwrap(sys.record("hog"))
        XCTAssertEqual(Array(hog.x[1...2]), [KillReason.outOfMemory.rawValue, ExitKind.killed.rawValue])
        XCTAssertTrue(sys.uartText.contains("kenix: killed task 2 (hog): out of memory at 0x2"), sys.uartText)
        XCTAssertEqual(sys.record("mem")?.x0, UInt64(sys.bootFreeFrames - sys.footprint(of: "init")),
                       "every frame of the hog came back")
    }
}
