// Copy-on-write fork: the child returns 0 and the parent the child's id;
// each side sees only its own writes to private pages (and chains of forks
// work), shared mappings stay shared, and every frame comes back when the
// tasks end.
import HAL
import KenixABI
import KenixKernel
import XCTest

private let data: UInt64 = 0x40_2000        // program 0's data page
private let rw = MemoryProtection.read | MemoryProtection.write

extension Step {
    static let fork = sys(.fork)
    /// Continues at step `index` in the child (x0 = 0 after fork).
    static func inChild(goTo index: Int) -> Step { .branch(ifRegister: 0, equals: 0, to: index) }
}

final class ForkTests: XCTestCase {
    func testParentAndChildEachSeeOnlyTheirOwnWrites() throws {
        let sys = try TestSystem([TestProgram("init", [
            /* 0 */ .write(.imm(data), 1), .sys(.memInfo), .record("before fork"),
            /* 3 */ .fork, .inChild(goTo: 11), .move(19, .reg(0)), .record("parent"),
            /* 7 */ .write(.imm(data + 8), 3), .wait(.reg(19)), .read(.imm(data), into: 1), .jump(15),
            /* 11 child */ .write(.imm(data), 2), .read(.imm(data), into: 1), .read(.imm(data + 8), into: 2),
            /* 14 */ .jump(17),
            /* 15 parent */ .record("parent sees"), .jump(19),
            /* 17 child */ .record("child sees"), .exit(0),
            /* 19 */ .read(.imm(data + 8), into: 2), .record("parent's own"), .sys(.memInfo), .record("after"),
            .exit(0)], bss: 4096)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("parent")?.x[1], 2, "the parent gets a handle to the child, and its id")
        XCTAssertEqual(sys.record("child sees")?.x[1], 2)
        XCTAssertEqual(sys.record("child sees")?.x[2], 0, "the parent's later write is not the child's")
        XCTAssertEqual(sys.record("parent sees")?.x[1], 1, "the child's write is not the parent's")
        XCTAssertEqual(sys.record("parent's own")?.x[2], 3)
        // The parent's data page was copied once (its first write after the fork).
        XCTAssertEqual(sys.record("after")?.x0, try XCTUnwrap(sys.record("before fork")?.x0),
                       "every frame of the child came back; the parent's copy replaced the shared frame")
    }

    func testChainsOfForks() throws {
        // Each generation writes its depth and checks it after its child wrote its own.
        let sys = try TestSystem([TestProgram("init", [
            /* 0 */ .write(.imm(data), 0), .move(20, 0),
            /* 2 */ .fork, .branch(ifRegister: 0, equals: 0, to: 8),
            /* 4 parent */ .wait(.reg(0)), .read(.imm(data), into: 1), .record("after child"), .exit(.reg(20)),
            /* 8 child */ .move(20, .regPlus(20, 1)), .write(.imm(data), .reg(20)),
            /* 10 */ .branch(ifRegister: 20, equals: 3, to: 12), .jump(2),
            /* 12 deepest */ .read(.imm(data), into: 1), .record("after child"), .exit(.reg(20)),
        ], bss: 4096)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let seen = sys.records("after child").map { $0.x[1] }
        XCTAssertEqual(seen, [3, 2, 1, 0], "each generation still sees its own value, deepest first")
    }

    func testSharedMappingsStaySharedAndPrivateOnesDoNot() throws {
        let base = UserLayout.mmapBase
        let sys = try TestSystem([TestProgram("init", [
            /* 0 */ .sys(.mmap, 0, 0x1000, .imm(rw), .imm(MapFlags.shared)), .sys(.mmap, 0, 0x1000, .imm(rw), 0),
            /* 2 */ .write(.imm(base), 5), .write(.imm(base + 0x1000), 5),
            /* 4 */ .fork, .inChild(goTo: 9),
            /* 6 parent */ .wait(.reg(0)), .read(.imm(base), into: 1), .jump(12),
            /* 9 child */ .write(.imm(base), 6), .write(.imm(base + 0x1000), 6), .exit(0),
            /* 12 */ .read(.imm(base + 0x1000), into: 2), .record("parent"), .exit(0),
        ])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("parent")?.x[1], 6, "shared: the child's write is visible")
        XCTAssertEqual(sys.record("parent")?.x[2], 5, "private: copied on write")
    }

    func testTheKernelCopiesBeforeWritingIntoACopyOnWritePage() throws {
        let sys = try TestSystem([TestProgram("init", [
            /* 0 */ .uartClaim(), .write(.imm(data), 0x41),
            /* 2 */ .fork, .inChild(goTo: 7),
            /* 4 parent */ .wait(.reg(0)), .read(.imm(data), into: 1), .jump(9),
            /* 7 child */ .sys(.uartRead, .imm(data), 1), .exit(0),
            /* 9 */ .record("parent"), .exit(0),
        ], bss: 4096)])
        sys.machine.uartInput = [0x42]
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("parent")?.x[1], 0x41, "uart_read in the child did not write the parent's page")
    }

    func testMprotectStillHoldsOnACopyOnWritePage() throws {
        let base = UserLayout.mmapBase
        let sys = try TestSystem([TestProgram("init", [
            /* 0 */ .sys(.mmap, 0, 0x1000, .imm(rw), 0), .write(.imm(base), 1),
            /* 2 */ .fork, .inChild(goTo: 7),
            /* 4 parent */ .wait(.reg(0)), .record("child"), .exit(0),
            /* 7 child */ .sys(.mprotect, .imm(base), 0x1000, .imm(MemoryProtection.read)),
            /* 8 */ .write(.imm(base), 2), .exit(0),
        ])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("child")?.x[1], KillReason.memoryFault.rawValue,
                       "a write to a read-only page is refused even though it is copy-on-write")
    }

    func testFramesComeBackWhenForkedTasksEnd() throws {
        let sys = try TestSystem([TestProgram("init", [
            /* 0 */ .sys(.memInfo), .record("start"),
            /* 2 */ .fork, .inChild(goTo: 7),
            /* 4 */ .wait(.reg(0)), .sys(.memInfo), .jump(9),
            /* 7 child */ .write(.imm(UserLayout.stackTop - 8), 1), .exit(0),
            /* 9 */ .record("end"), .exit(0),
        ])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("end")?.x0, sys.record("start")?.x0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames, "init's exit returned everything")
    }
}
