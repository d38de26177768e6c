// The ELF loader as a task sees it: file bytes at their addresses (also
// across a page boundary and at an unaligned start), bss zeroed, text
// read-only and executable, data and stack read-write and never executable,
// the stack exactly 64 KiB below 0x8000_0000, and the start registers.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class ELFLoaderTests: XCTestCase {
    /// data = 0x00..0x27 (40 bytes) at entry + 0x2000, then bss up to 0x1800 bytes after it.
    func loaderProgram(_ steps: [Step]) -> TestProgram {
        TestProgram("init", steps, data: (0..<40).map { UInt8($0) }, bss: 0x1800 - 40)
    }

    func testFileBytesBssAndStackAreWhereTheTaskLooksForThem() throws {
        let entry = UserLayout.imageBase
        let data = entry + 0x2000
        let sys = try TestSystem([loaderProgram([
            .record("start"),
            .read(.imm(data), into: 19), .read(.imm(data + 32), into: 20),
            .read(.imm(data + 40), into: 21), .read(.imm(data + 0x17F8), into: 22),
            .read(.imm(entry + 0xFF8), into: 23),
            .move(0, .reg(19)), .move(1, .reg(20)), .move(2, .reg(21)), .move(3, .reg(22)), .move(4, .reg(23)),
            .record("values"),
            .write(.imm(UserLayout.stackTop - 8), 0x1234), .read(.imm(UserLayout.stackTop - 8), into: 0),
            .write(.imm(UserLayout.stackTop - UserLayout.stackSize), 0x5678),
            .read(.imm(UserLayout.stackTop - UserLayout.stackSize), into: 1),
            .write(.imm(data + 0x17F8), 0x9ABC), .read(.imm(data + 0x17F8), into: 2),
            .record("stack"),
            .exit(0),
        ])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let start = sys.record("start")
        XCTAssertEqual(start?.x[0], 0, "x0 = spawn arg (0 for init)")
        XCTAssertEqual(start?.x[1], 0, "x1 = parent id (none for init)")
        let v = sys.record("values")
        XCTAssertEqual(v?.x[0], 0x0706_0504_0302_0100)
        XCTAssertEqual(v?.x[1], 0x2726_2524_2322_2120)
        XCTAssertEqual(v?.x[2], 0, "bss after the file bytes is zero")
        XCTAssertEqual(v?.x[3], 0, "bss on the second page is zero")
        XCTAssertEqual(v?.x[4], 0xD400_0001_D400_0001, "text bytes from the file")
        let s = sys.record("stack")
        XCTAssertEqual(s?.x[0], 0x1234)
        XCTAssertEqual(s?.x[1], 0x5678)
        XCTAssertEqual(s?.x[2], 0x9ABC)
    }

    func testSegmentStartingMidPageAndCrossingAPageIsCopiedByAddress() throws {
        // A raw ELF: text at 0x40_0000, data at 0x40_2FF0 (16 bytes on page 0x40_2000, 16 on 0x40_3000).
        let entry = UserLayout.imageBase
        var text: [UInt8] = []
        for _ in 0..<1024 { text += [0x01, 0x00, 0x00, 0xD4] }
        let elf = ELFBuilder(entry: entry, segments: [
            Seg(flags: Seg.rx, vaddr: entry, bytes: text),
            Seg(flags: Seg.rw, vaddr: 0x40_2FF0, bytes: (0..<32).map { UInt8(0xC0 + $0) }, memsz: 0x20),
        ]).build()
        let steps: [Step] = [
            .read(0x40_2FF0, into: 0), .read(0x40_2FF8, into: 1), .read(0x40_3000, into: 2), .read(0x40_3008, into: 3),
            .read(0x40_2000, into: 4), .read(0x40_3010, into: 5),
            .record("bytes"), .exit(0),
        ]
        var cpio = CPIOBuilder()
        cpio.addFile("init", elf)
        let hal = ScriptedHAL(frames: 256, initrd: cpio.build())
        hal.machine.scripts = [entry: LoadedScript(name: "init", entry: entry, steps: steps, strings: [:])]
        var kernel = try Kernel(hal: hal)
        XCTAssertEqual(kernel.run(), .initExited(status: 0))
        let r = hal.machine.log.first
        XCTAssertEqual(r?.x[0], 0xC7C6_C5C4_C3C2_C1C0)
        XCTAssertEqual(r?.x[1], 0xCFCE_CDCC_CBCA_C9C8)
        XCTAssertEqual(r?.x[2], 0xD7D6_D5D4_D3D2_D1D0)
        XCTAssertEqual(r?.x[3], 0xDFDE_DDDC_DBDA_D9D8)
        XCTAssertEqual(r?.x[4], 0, "the page head before the segment is zero, not 0xA5 garbage")
        XCTAssertEqual(r?.x[5], 0, "the page tail after the segment is zero")
        XCTAssertEqual(hal.machine.harnessErrors, [])
    }

    func testWritingTheTextSegmentIsAPermissionFault() throws {
        let sys = try TestSystem([loaderProgram([.write(.imm(UserLayout.imageBase + 0x10), 1), .exit(0)])])
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 1 (init): data abort (permission fault, level 3) on write at 0x400010, pc 0x400000\n")
    }

    func testExecutingTheDataSegmentIsAnInstructionAbort() throws {
        let sys = try TestSystem([loaderProgram([.execute(.imm(UserLayout.imageBase + 0x2008)), .exit(0)])])
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 1 (init): instruction abort (permission fault, level 3) on execute at 0x402008, pc 0x402008\n")
    }

    func testExecutingTheStackIsAnInstructionAbort() throws {
        let sys = try TestSystem([loaderProgram([.execute(.imm(UserLayout.stackTop - 0x1000)), .exit(0)])])
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertTrue(sys.uartText.contains("instruction abort (permission fault, level 3) on execute at 0x7ffff000"),
                      sys.uartText)
    }

    func testTheStackGrowsOnDemandDownToItsLimit() throws {
        let below = UserLayout.stackTop - UserLayout.stackSize - 8
        let deepest = UserLayout.stackTop - UserLayout.stackLimit
        let grows = try TestSystem([loaderProgram([
            .write(.imm(below), 0x77), .read(.imm(below), into: 0), .read(.imm(deepest), into: 1),
            .record("grown"), .exit(0)])])
        XCTAssertEqual(grows.run(), .initExited(status: 0))
        XCTAssertEqual(grows.record("grown")?.x[0], 0x77)
        XCTAssertEqual(grows.record("grown")?.x[1], 0, "a new stack page is zero-filled")

        let sys = try TestSystem([loaderProgram([.read(.imm(deepest - 8), into: 0), .exit(0)])])
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 1 (init): data abort (translation fault, level 3) on read at 0x7feffff8, pc 0x400000\n")
    }

    func testCodeIsMadeVisibleToInstructionFetchesAndDataIsNot() throws {
        let sys = try TestSystem([loaderProgram([.exit(0)])])
        // Booting loaded init: exactly its one text page was synchronized, after the copy.
        XCTAssertEqual(sys.machine.instructionSyncs.count, 1)
        let text = try XCTUnwrap(sys.machine.instructionSyncs.first)
        XCTAssertEqual(text.size, 4096)
        XCTAssertEqual(sys.machine.pointer(to: text.base).load(as: UInt32.self), ProgramImage.textWord,
                       "the synchronized frame holds the program's code")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
    }

    func testTheTextPageIsExecutable() throws {
        let sys = try TestSystem([loaderProgram([.execute(.imm(UserLayout.imageBase + 0xFFC)), .exit(3)])])
        XCTAssertEqual(sys.run(), .initExited(status: 3))
        XCTAssertEqual(sys.uartText, "")
    }

    func testTaskStartsWithArgParentAndZeroedRegisters() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child", arg: 0xFEED_F00D), .save(into: 19), .wait(.reg(19)), .exit(0)]),
            TestProgram("child", [.move(0, .reg(0)), .move(2, .reg(19)), .move(3, .reg(26)), .move(4, .reg(8)),
                                  .record("regs"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let r = sys.record("regs")
        XCTAssertEqual(r?.x[0], 0xFEED_F00D)
        XCTAssertEqual(r?.x[1], 1, "the parent is init, id 1")
        XCTAssertEqual(r?.x[2], 0)
        XCTAssertEqual(r?.x[3], 0)
        XCTAssertEqual(r?.x[4], 0)
        XCTAssertEqual(r?.sp, UserLayout.stackTop)
    }
}
