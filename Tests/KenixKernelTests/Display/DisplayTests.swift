// The display: fb_info reports the platform's mode; fb_map maps the
// platform's pixels, never the kernel's frames, into the caller's
// shared-memory area, once per task and inherited by fork, and no task's end
// frees them (mapping needs the framebuffer's device handle, init's or one
// it handed down); fb_present checks its rectangle before the platform sees it.
import HAL
import KenixABI
import KenixKernel
import XCTest

/// 60×40 pixels with rows of 256 bytes: 10240 bytes, three pages, the last
/// one partly used.
let testDisplayMode = FramebufferMode(width: 60, height: 40, stride: 256)
private let page: UInt64 = 0x1000
private let rw = MemoryProtection.read | MemoryProtection.write

extension Step {
    static let fbInfo = sys(.fbInfo)
    /// `fb_map(device)`: init's framebuffer handle by default.
    static func fbMap(_ device: Operand = .imm(InitHandle.framebuffer)) -> Step { sys(.fbMap, device) }
    static func fbPresent(_ x: Operand, _ y: Operand, _ width: Operand, _ height: Operand) -> Step {
        sys(.fbPresent, x, y, width, height)
    }
}

final class DisplayTests: XCTestCase {
    func testWithoutADisplayEverythingIsNotFound() throws {
        let sys = try TestSystem([TestProgram("init", [
            .fbInfo, .record("info"), .fbMap(), .record("map"), .fbPresent(0, 0, 1, 1), .record("present"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("info")?.error, .notFound)
        XCTAssertEqual(sys.record("map")?.error, .notFound)
        XCTAssertEqual(sys.record("present")?.error, .notFound)
    }

    func testFbInfoReportsTheExactMode() throws {
        let sys = try TestSystem([TestProgram("init", [.fbInfo, .record("info"), .exit(0)])],
                                 display: testDisplayMode)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("info").map { Array($0.x[0...3]) }, [60, 40, 256, 0x3432_5258])   // "XR24"
    }

    func testFbMapMapsThePixelsOnceInTheSharedMemoryArea() throws {
        let sys = try TestSystem([TestProgram("init", [
            .sys(.memInfo), .record("before"),
            .fbMap(), .record("map"), .save(into: 19), .sys(.memInfo), .record("after map"),
            .fbMap(), .record("again"),
            // Row 2, pixels 6 and 7; the last two pixels of the last row (third page).
            .write(.regPlus(19, 2 * 256 + 6 * 4), .imm(0x00FF_0000_0000_FF00)),
            .write(.regPlus(19, 39 * 256 + 58 * 4), .imm(0x0012_3456_0065_4321)),
            .read(.regPlus(19, 8), into: 1), .record("read"),
            .shmCreate(size: 1), .shmMap(.reg(0)), .record("shm"),
            .exit(0)])], display: testDisplayMode)
        let display = try XCTUnwrap(sys.display)
        XCTAssertEqual(display.pageCount, 3)
        display.setWord(0x0BAD_CAFE_0000_0001, at: 8)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()

        let address = try XCTUnwrap(sys.record("map")?.x0)
        XCTAssertEqual(address & (page - 1), 0)
        XCTAssertTrue(address >= UserLayout.shmBase && address + 3 * page <= UserLayout.shmLimit,
                      "0x\(String(address, radix: 16)) is not in the shared-memory area")
        XCTAssertEqual(sys.record("again")?.x0, address, "a second call returns the same mapping")
        XCTAssertEqual(display.word(at: 2 * 256 + 6 * 4), 0x00FF_0000_0000_FF00, "the write landed at its offset")
        XCTAssertEqual(display.word(at: 39 * 256 + 58 * 4), 0x0012_3456_0065_4321)
        XCTAssertEqual(sys.record("read")?.x[1], 0x0BAD_CAFE_0000_0001, "the task reads the platform's pixels")
        let shm = try XCTUnwrap(sys.record("shm")?.x0)
        XCTAssertGreaterThanOrEqual(shm, address + 3 * page, "shared memory is placed after the pixels")

        // The pixels cost no frame: the mapping took only its level-2 and
        // level-3 tables, and every frame came back when init ended.
        let before = try XCTUnwrap(sys.record("before")?.x0)
        XCTAssertEqual(before, UInt64(sys.bootFreeFrames - sys.footprint(of: "init")),
                       "the pixel frames are not in the free pool")
        XCTAssertEqual(sys.record("after map")?.x0, before - 2)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames, "no frame lost, and no pixel frame freed")
    }

    func testPixelFramesAreNeverHandedOutOrFreed() throws {
        // The hog maps the display, then takes RAM page by page until only
        // the kernel's reserve is left, then one page more (and is killed).
        let reserve: UInt64 = 16    // PagerPolicy: min(16, 256 frames / 8)
        let sys = try TestSystem([
            TestProgram("init", [.spawn("hog", share: .imm(QuotaShare.whole)), .save(into: 19),
                                 .sendHandle(to: .reg(19), handle: .imm(InitHandle.framebuffer)),
                                 .wait(.reg(19)), .record("hog"), .exit(0)]),
            TestProgram("hog", [
                /* 0 */ .recv(from: parentHandle), .fbMap(.reg(5)), .save(into: 20), .mmap(UInt64(1) << 30, rw), .save(into: 19),
                /* 5 */ .write(.reg(19), .reg(19)), .sys(.memInfo),
                /* 7 */ .branch(ifRegister: 0, equals: .imm(reserve), to: 10),
                /* 8 */ .move(19, .regPlus(19, page)), .jump(5),
                /* 10 */ .pause, .write(.regPlus(19, page), 1), .exit(0)]),
        ], frames: 256 + SwapScript.tableFrames, display: testDisplayMode)
        let display = try XCTUnwrap(sys.display)
        XCTAssertEqual(Set(display.bytes), [0xA5], "booting touched no pixel (the allocator's first frames)")
        display.fill(0x5A)

        XCTAssertEqual(sys.run(), .halted, "the hog paused with RAM full")
        XCTAssertEqual(sys.kernel.runningTask?.raw, 2)
        let root = try XCTUnwrap(sys.machine.activeRoot, "the hog's space is the active one")
        let leaves = userLeaves(root: root, machine: sys.machine)
        XCTAssertGreaterThan(leaves.count, 150, "the hog holds most of RAM")
        for (va, frame) in leaves {
            let inFramebuffer = va >= UserLayout.shmBase && va < UserLayout.shmBase + 3 * page
            if inFramebuffer {
                XCTAssertEqual(frame, display.pixels.base.adding(va - UserLayout.shmBase))
            } else {
                XCTAssertFalse(display.contains(frame), "page 0x\(String(va, radix: 16)) has a pixel frame")
            }
        }
        XCTAssertEqual(leaves.filter { display.contains($0.frame) }.count, 3)
        for table in translationTables(root: root, machine: sys.machine) {
            XCTAssertFalse(display.contains(table), "a translation table in the pixels")
        }

        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("hog")?.x[1], KillReason.outOfMemory.rawValue)
        XCTAssertEqual(Set(display.bytes), [0x5A], "no pixel was zeroed, copied to or written by a non-pixel page")
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames, "the hog's end freed its frames and no pixel frame")
    }

    func testThePagerNeverMovesPixels() throws {
        // init maps the display, then touches more pages than RAM holds.
        var s = SwapScript()
        s.add(.fbMap(), .save(into: 21))
        s.mapRegion()
        s.forEachPage { $0.stamp(0x1111) }
        s.forEachPage { $0.checkStamp(0x1111) }
        s.recordMismatches("verified")
        s.add(.read(.reg(21), into: 1), .write(.regPlus(21, 8), .imm(0x77)), .record("pixel"))
        s.drain()
        s.add(.exit(0))
        let sys = try TestSystem([TestProgram("init", s.steps)], frames: SwapScript.smallRAM,
                                 disk: ScriptedDiskConfig(), display: testDisplayMode)
        let display = try XCTUnwrap(sys.display)
        display.setWord(0x42, at: 0)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        sys.checkDiskLog()
        XCTAssertEqual(sys.record("verified")?.x[1], 0)
        XCTAssertGreaterThan(sys.pageOuts.count, 50, "the pager was busy")
        XCTAssertEqual(sys.pageOuts.filter { $0.b >= UserLayout.shmBase && $0.b < UserLayout.mmapBase }, [],
                       "no page of the mapping went out")
        XCTAssertEqual(sys.disk?.requests.filter { display.contains($0.request.memory) }.map(\.description), [],
                       "the disk never touched a pixel frame")
        XCTAssertEqual(sys.record("pixel")?.x[1], 0x42, "the mapping still shows the pixels")
        XCTAssertEqual(display.word(at: 8), 0x77)
        sys.checkNothingLeaked()
    }

    func testAForkedChildSharesTheMapping() throws {
        let sys = try TestSystem([TestProgram("init", [
            /* 0 */ .fbMap(), .record("map"), .save(into: 19), .write(.reg(19), 0x1111),
            /* 4 */ .sys(.memInfo), .record("before fork"),
            /* 6 */ .fork, .inChild(goTo: 13), .move(20, .reg(0)), .wait(.reg(20)),
            /* 10 */ .read(.regPlus(19, 8), into: 1), .record("parent sees"), .jump(19),
            /* 13 child */ .fbMap(), .record("child map"), .read(.reg(19), into: 1), .record("child sees"),
            /* 17 */ .write(.regPlus(19, 8), 0x2222), .exit(0),
            /* 19 */ .sys(.memInfo), .record("after child"), .fbMap(), .record("map again"), .exit(0)])],
            display: testDisplayMode)
        let display = try XCTUnwrap(sys.display)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        let address = try XCTUnwrap(sys.record("map")?.x0)
        XCTAssertEqual(sys.record("child map")?.x0, address, "the child has the mapping already")
        XCTAssertEqual(sys.record("child sees")?.x[1], 0x1111)
        XCTAssertEqual(sys.record("parent sees")?.x[1], 0x2222, "the child's write is the parent's: one memory")
        XCTAssertEqual(sys.record("map again")?.x0, address)
        XCTAssertEqual(display.word(at: 0), 0x1111)
        XCTAssertEqual(display.word(at: 8), 0x2222)
        XCTAssertEqual(sys.record("after child")?.x0, try XCTUnwrap(sys.record("before fork")?.x0),
                       "the child's end gave back its own frames, no pixel frame")
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    func testFbPresentChecksTheRectangle() throws {
        let big = UInt64.max
        let bad: [(Operand, Operand, Operand, Operand)] = [
            (0, 0, 0, 1), (0, 0, 1, 0),               // empty
            (60, 0, 1, 1), (0, 40, 1, 1),             // starts outside
            (59, 0, 2, 1), (0, 39, 1, 2),             // ends outside
            (.imm(big), 0, 1, 1), (0, .imm(big), 1, 1),
            (1, 0, .imm(big), 1), (0, 1, 1, .imm(big)), // x + width, y + height overflow
            (.imm(big), .imm(big), .imm(big), .imm(big)),
        ]
        var steps: [Step] = []
        for (i, r) in bad.enumerated() { steps += [.fbPresent(r.0, r.1, r.2, r.3), .record("bad \(i)")] }
        steps += [.fbPresent(0, 0, 60, 40), .record("whole"), .fbPresent(59, 39, 1, 1), .record("last pixel"),
                  .fbPresent(3, 4, 5, 6), .record("inside"), .exit(0)]
        let sys = try TestSystem([TestProgram("init", steps)], display: testDisplayMode)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        for i in bad.indices { XCTAssertEqual(sys.record("bad \(i)")?.error, .invalidArgument, "rectangle \(i)") }
        for label in ["whole", "last pixel", "inside"] { XCTAssertEqual(sys.record(label)?.x0, 0, label) }
        XCTAssertEqual(sys.display?.presents, [ScreenRect(x: 0, y: 0, width: 60, height: 40),
                                               ScreenRect(x: 59, y: 39, width: 1, height: 1),
                                               ScreenRect(x: 3, y: 4, width: 5, height: 6)])
    }
}

// MARK: Reading a task's tables (independently of the kernel's code)

/// (virtual page, frame) of every valid leaf under `root`.
private func userLeaves(root: PhysAddr, machine: SimMachine) -> [(va: UInt64, frame: PhysAddr)] {
    var leaves: [(UInt64, PhysAddr)] = []
    walk(root, level: 0, base: 0, machine: machine, table: { _ in }, leaf: { leaves.append(($0, $1)) })
    return leaves
}

/// Every translation table under `root`, the root included.
private func translationTables(root: PhysAddr, machine: SimMachine) -> [PhysAddr] {
    var tables: [PhysAddr] = []
    walk(root, level: 0, base: 0, machine: machine, table: { tables.append($0) }, leaf: { _, _ in })
    return tables
}

private func walk(_ table: PhysAddr, level: Int, base: UInt64, machine: SimMachine,
                  table visitTable: (PhysAddr) -> Void, leaf: (UInt64, PhysAddr) -> Void) {
    visitTable(table)
    let entries = machine.pointer(to: table).assumingMemoryBound(to: UInt64.self)
    let span: UInt64 = 1 << (39 - 9 * UInt64(level))
    for i in 0..<512 {
        let d = PageDescriptor(raw: entries[i])
        guard d.isValid else { continue }
        let va = base | UInt64(i) * span
        if level < 3 {
            walk(d.outputAddress, level: level + 1, base: va, machine: machine, table: visitTable, leaf: leaf)
        } else {
            leaf(va, d.outputAddress)
        }
    }
}
