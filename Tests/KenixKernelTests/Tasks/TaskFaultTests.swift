// Faults kill only the faulting task: the exact one-line diagnostic on the
// UART (format of Kernel+TaskControl.swift `kill`), the trace events, the
// parent's `wait` (killed + KillReason), its frames returned, and every
// other task carrying on. Program k's text starts at 0x40_0000 + k × 0x1_0000
// and step i is at pc entry + 4i.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class TaskFaultTests: XCTestCase {
    /// init spawns `victim` (id 2) and `bystander` (id 3), waits for both and
    /// records the victim's wait result.
    func run(victim steps: [Step], name: String = "victim") throws -> TestSystem {
        let sys = try TestSystem([
            TestProgram("init", [.spawn(name), .save(into: 19), .spawn("bystander"), .save(into: 20),
                                 .wait(.reg(19)), .record("victim"), .wait(.reg(20)),
                                 .record("bystander"), .pause, .exit(0)]),
            TestProgram(name, steps),
            TestProgram("bystander", [.compute(3 * ms), .record("done"), .exit(7)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        return sys
    }

    func testUnmappedReadKillsTheTaskWithADiagnosticAndTheOthersGoOn() throws {
        let sys = try run(victim: [.compute(20 * us), .read(0x8, into: 0), .exit(0)])
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 2 (victim): data abort (translation fault, level 2) on read at 0x8, pc 0x410004\n")
        XCTAssertEqual(sys.record("victim")?.x[0...2], [0, KillReason.memoryFault.rawValue, ExitKind.killed.rawValue])
        XCTAssertEqual(sys.record("done")?.time, 3020 * us, "the bystander finished its work")
        XCTAssertEqual(sys.record("bystander")?.x[0...2], [0, 7, ExitKind.exited.rawValue])
        let events = sys.trace.filter { $0.kind == .taskFault || $0.kind == .taskExit }
        XCTAssertEqual(events.first, TimedTraceEvent(time: 20 * us, kind: .taskFault, a: 2, b: 0x41_0004, c: 8))
        XCTAssertEqual(events.dropFirst().first, TimedTraceEvent(time: 20 * us, kind: .taskExit, a: 2, b: 1, c: 1))
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames - sys.footprint(of: "init"),
                       "the killed task's frames are back")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
    }

    func testFaultLevelsFollowTheMissingTable() throws {
        let cases: [(UInt64, String)] = [
            (0x1_0000_0000, "translation fault, level 1) on read at 0x100000000"),
            (0x8000_0000_0000, "translation fault, level 0) on read at 0x800000000000"),
            (0xFFFF_0000_0000_0000, "translation fault, level 0) on read at 0xffff000000000000"),
            (0x40_F000, "translation fault, level 3) on read at 0x40f000"),
        ]
        for (address, text) in cases {
            let sys = try run(victim: [.read(.imm(address), into: 0), .exit(0)])
            XCTAssertEqual(sys.uartText, "kenix: killed task 2 (victim): data abort (\(text), pc 0x410000\n")
        }
    }

    func testWritingReadOnlyDataIsAPermissionFault() throws {
        // The victim's strings page (entry + 0x1000) is read-only; "x" puts a string there.
        let sys = try run(victim: [.move(19, .string("x")), .read(.reg(19), into: 0), .record("readable"),
                                   .write(.reg(19), 1), .exit(0)])
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 2 (victim): data abort (permission fault, level 3) on write at 0x411000, pc 0x41000c\n")
        XCTAssertEqual(sys.record("readable")?.x0, UInt64(UInt8(ascii: "x")))
    }

    func testUndefinedInstruction() throws {
        let sys = try run(victim: [.compute(1 * us), .undefined])
        XCTAssertEqual(sys.uartText, "kenix: killed task 2 (victim): undefined instruction, pc 0x410004\n")
        XCTAssertEqual(sys.record("victim")?.x[1...2], [KillReason.undefinedInstruction.rawValue, ExitKind.killed.rawValue])
        XCTAssertEqual(sys.trace.first { $0.kind == .taskFault },
                       TimedTraceEvent(time: 1 * us, kind: .taskFault, a: 2, b: 0x41_0004, c: 0))
    }

    func testBrkIsASoftwareTrap() throws {
        let sys = try run(victim: [.compute(2 * us), .brk(1)])
        XCTAssertEqual(sys.uartText, "kenix: killed task 2 (victim): software trap (brk), pc 0x410004\n")
        XCTAssertEqual(sys.record("victim")?.x[1...2], [KillReason.softwareTrap.rawValue, ExitKind.killed.rawValue])
        XCTAssertEqual(sys.record("done")?.time, 3002 * us)
    }

    func testAlignmentFault() throws {
        let sys = try run(victim: [.read(.imm(UserLayout.stackTop - 12), into: 0), .exit(0)])
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 2 (victim): data abort (alignment fault) on read at 0x7ffffff4, pc 0x410000\n")
    }

    func testJumpToUnmappedCodeIsAnInstructionAbort() throws {
        let sys = try run(victim: [.execute(0x5000_0000), .exit(0)])
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 2 (victim): instruction abort (translation fault, level 2) on execute at 0x50000000, pc 0x50000000\n")
    }

    func testLongProgramNamesAreCutToSixteenBytesInTheDiagnostic() throws {
        let sys = try run(victim: [.undefined], name: "a-very-long-program-name")
        XCTAssertEqual(sys.uartText, "kenix: killed task 2 (a-very-long-prog): undefined instruction, pc 0x410000\n")
    }

    func testAFaultingInitEndsTheRun() throws {
        let sys = try TestSystem([TestProgram("init", [.compute(5 * us), .write(0x10, 1), .exit(0)])])
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 1 (init): data abort (translation fault, level 2) on write at 0x10, pc 0x400004\n")
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }
}
