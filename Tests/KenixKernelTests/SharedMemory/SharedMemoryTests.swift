// Shared memory: two tasks see the same bytes through their own mappings;
// mapping needs a handle (handed over in a message) with `map`, writing one
// with `write`; unmapped pages fault (the TLB is flushed); pages are zeroed,
// read-write and never executable; the frames live exactly as long as some
// handle or mapping holds the object.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class SharedMemoryTests: XCTestCase {
    let shmBase = UserLayout.shmBase

    func testTwoTasksSeeTheSameMemoryThroughTheirOwnMappings() throws {
        let sys = try TestSystem([
            TestProgram("init", [.shmCreate(size: 8192), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
                                 .record("mapped"),
                                 .write(.regPlus(20, 8), 0xDEAD), .write(.regPlus(20, 0x1000), 0xF00D),
                                 .spawn("reader"), .save(into: 21),
                                 .sendHandle(to: .reg(21), handle: .reg(19)), .record("granted"),
                                 .wait(.reg(21)),
                                 .read(.regPlus(20, 16), into: 0), .record("seen"), .exit(0)]),
            TestProgram("reader", Step.takeHandle(into: 19) + [.shmMap(.reg(19), hint: 0x1_4000_0000), .save(into: 20),
                                   .record("mapped"),
                                   .read(.regPlus(20, 8), into: 0), .read(.regPlus(20, 0x1000), into: 1),
                                   .read(.reg(20), into: 2), .record("read"),
                                   .write(.regPlus(20, 16), 0xBEEF), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.records("mapped").map(\.x0), [shmBase, 0x1_4000_0000])
        XCTAssertEqual(sys.record("granted")?.x0, 0)
        XCTAssertEqual(sys.record("read")?.x[0...2], [0xDEAD, 0xF00D, 0], "the rest of the object is zero")
        XCTAssertEqual(sys.record("seen")?.x0, 0xBEEF)
    }

    /// The child cannot name init's object with init's handle value (1: its
    /// own parent handle, another kind) nor any other; handed a copy with
    /// `map` but not `write`, it maps the object read-only, and a write
    /// kills it.
    func testMappingNeedsAHandleAndWritingNeedsTheRight() throws {
        let sys = try TestSystem([
            TestProgram("init", [.shmCreate(size: 100), .save(into: 19), .spawn("other"), .save(into: 21),
                                 .handleDuplicate(.reg(19), rights: .imm(HandleRights.map | HandleRights.transfer)),
                                 .save(into: 22), .sendHandle(to: .reg(21), handle: .reg(22)),
                                 .wait(.reg(21)), .record("other ended"), .exit(0)]),
            TestProgram("other", [.shmMap(1), .record("map through init's value"),
                                  .shmMap(2), .record("map a value never given"),
                                  .recv(from: parentHandle), .move(19, .reg(5)),
                                  .handleInfo(.reg(19)), .record("rights"),
                                  .shmUnmap(.reg(19)), .record("unmap not mapped"),
                                  .shmMap(.reg(19)), .save(into: 20), .record("mapped"),
                                  .read(.reg(20), into: 1), .record("read"),
                                  .write(.reg(20), 1), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("map through init's value")?.error, .badHandle)
        XCTAssertEqual(sys.record("map a value never given")?.error, .badHandle)
        XCTAssertEqual(sys.record("rights")?.x[0...1], [ObjectKind.sharedMemory.rawValue,
                                                         HandleRights.map | HandleRights.transfer])
        XCTAssertEqual(sys.record("unmap not mapped")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("mapped")?.x0, shmBase)
        XCTAssertEqual(sys.record("read")?.x[1], 0)
        XCTAssertEqual(sys.record("other ended")?.x[1...2], [KillReason.memoryFault.rawValue, ExitKind.killed.rawValue])
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 2 (other): data abort (permission fault, level 3) on write at 0x100000000, pc 0x41003c\n")
    }

    func testArgumentErrors() throws {
        let sys = try TestSystem([TestProgram("init", [
            .shmCreate(size: 0), .record("size 0"),
            .shmCreate(size: .imm(SyscallLimits.maxSharedMemorySize + 1)), .record("too big"),
            .shmCreate(size: 4096), .save(into: 19), .record("created"),
            .shmMap(77), .record("map unknown handle"), .shmMap(0), .record("map handle 0"),
            .shmMap(.imm(InitHandle.uart)), .record("map a device handle"),
            .shmMap(.reg(19), hint: .imm(shmBase + 0x800)), .record("unaligned hint"),
            .shmMap(.reg(19), hint: .imm(shmBase - 0x1000)), .record("hint below the area"),
            .shmMap(.reg(19), hint: .imm(UserLayout.shmLimit)), .record("hint at the limit"),
            .shmMap(.reg(19), hint: .imm(UserLayout.shmLimit - 0x1000)), .record("last page"),
            .shmMap(.reg(19)), .record("mapped twice"),
            .shmUnmap(.reg(19)), .record("unmapped"), .shmUnmap(.reg(19)), .record("unmapped twice"),
            .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("size 0")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("too big")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("created")?.x0, 1, "init's first handle (entry 0)")
        XCTAssertEqual(sys.record("map unknown handle")?.error, .badHandle)
        XCTAssertEqual(sys.record("map handle 0")?.error, .badHandle)
        XCTAssertEqual(sys.record("map a device handle")?.error, .badHandle)
        XCTAssertEqual(sys.record("unaligned hint")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("hint below the area")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("hint at the limit")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("last page")?.x0, UserLayout.shmLimit - 0x1000)
        XCTAssertEqual(sys.record("mapped twice")?.error, .busy)
        XCTAssertEqual(sys.record("unmapped")?.x0, 0)
        XCTAssertEqual(sys.record("unmapped twice")?.error, .invalidArgument)
    }

    func testObjectLargerThanFreeRAMIsOutOfMemoryAndTakesNothing() throws {
        let sys = try TestSystem([TestProgram("init", [.pause, .shmCreate(size: .imm(SyscallLimits.maxSharedMemorySize)),
                                                       .record("16 MiB"), .pause, .exit(0)])])
        XCTAssertEqual(sys.run(), .halted)
        let before = sys.kernel.freeFrames
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("16 MiB")?.error, .outOfMemory, "4 MiB of RAM")
        XCTAssertEqual(sys.kernel.freeFrames, before)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
    }

    func testObjectSizeIsRoundedUpToPages() throws {
        let sys = try TestSystem([TestProgram("init", [
            .pause, .shmCreate(size: 4097), .save(into: 19), .pause,
            .shmMap(.reg(19)), .save(into: 20), .write(.regPlus(20, 0x1FF8), 1),
            .read(.regPlus(20, 0x2000), into: 0), .exit(0)])])
        XCTAssertEqual(sys.run(), .halted)
        let before = sys.kernel.freeFrames
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.freeFrames, before - 2)
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 1 (init): data abort (translation fault, level 3) on read at 0x100002000, pc 0x40001c\n")
    }

    func testUnmappedPagesFaultEvenAfterTheyWereCachedInTheTLB() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("user"), .wait(.reg(0)), .record("waited"), .exit(0)]),
            TestProgram("user", [.shmCreate(size: 4096), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
                                 .write(.reg(20), 5), .read(.reg(20), into: 0), .record("before"),
                                 .shmUnmap(.reg(19)), .record("unmapped"),
                                 .read(.reg(20), into: 0), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("before")?.x0, 5)
        XCTAssertEqual(sys.record("unmapped")?.x0, 0)
        XCTAssertEqual(sys.record("waited")?.x[1...2], [KillReason.memoryFault.rawValue, ExitKind.killed.rawValue])
        // The page's tables mapped nothing else, so they went with it: the
        // walk now stops at level 1.
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 2 (user): data abort (translation fault, level 1) on read at 0x100000000, pc 0x410024\n")
        XCTAssertTrue(sys.machine.invalidations.contains { $0.asid == ASID(2) && $0.page == VirtAddr(shmBase) },
                      "shm_unmap invalidates the page it unmapped")
        XCTAssertTrue(sys.machine.invalidations.contains { $0.asid == ASID(2) && $0.page == nil },
                      "and drops the cached walks through the tables it freed")
    }

    func testSharedPagesAreNeverExecutable() throws {
        let sys = try TestSystem([TestProgram("init", [.shmCreate(size: 4096), .shmMap(.reg(0)),
                                                       .execute(.regPlus(0, 0x40)), .exit(0)])])
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertEqual(sys.uartText,
                       "kenix: killed task 1 (init): instruction abort (permission fault, level 3) on execute at 0x100000040, pc 0x100000040\n")
    }

    func testObjectOutlivesItsCreatorWhileAnotherTaskHoldsAHandle() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["keeper", "creator"], clients: [1], waitFor: [1, 0],
                                                 then: [.pause, .exit(0)])),
            TestProgram("keeper", [.recv(), .move(19, .reg(5)),                      // the object's handle
                                   .sleep(.imm(100 * us)), .record("creator gone"), .pause,
                                   .shmMap(.reg(19)), .save(into: 20), .read(.regPlus(20, 0x1008), into: 0),
                                   .record("read"), .exit(0)]),
            TestProgram("creator", Step.takeHandle(into: 21) + [                     // the keeper's handle
                .shmCreate(size: 8192), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
                .write(.regPlus(20, 0x1008), 0x0DD),
                .sendHandle(to: .reg(21), handle: .reg(19)), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertNotNil(sys.record("creator gone"))
        XCTAssertNil(sys.kernel.state(of: TaskID(raw: 3)), "creator has exited and was reaped")
        XCTAssertEqual(sys.kernel.freeFrames,
                       sys.bootFreeFrames - sys.footprint(of: "init") - sys.footprint(of: "keeper") - 2,
                       "the 2-page object is still held by keeper")
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("read")?.x0, 0x0DD)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames - sys.footprint(of: "init"),
                       "the last holder is gone: the object's frames are free")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
        sys.checkHarness()
    }

    func testReusedFramesAreZeroedForTheNextObject() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("dirty"), .wait(.reg(0)), .shmCreate(size: 4096), .shmMap(.reg(0)), .save(into: 20),
                                 .read(.reg(20), into: 0), .read(.regPlus(20, 0xFF8), into: 1), .record("fresh"),
                                 .exit(0)]),
            TestProgram("dirty", [.shmCreate(size: 4096), .shmMap(.reg(0)), .save(into: 20),
                                  .write(.reg(20), .imm(UInt64.max)), .write(.regPlus(20, 0xFF8), .imm(UInt64.max)),
                                  .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("fresh")?.x[0...1], [0, 0])
    }

    /// A closed handle's value goes stale: it names nothing, not even the
    /// next handle its entry holds (here a new object's).
    func testAStaleHandleIsRejected() throws {
        let sys = try TestSystem([
            TestProgram("init", [.pause, .shmCreate(size: 1), .save(into: 19), .handleClose(.reg(19)), .pause,
                                 .shmMap(.reg(19)), .record("map stale"),
                                 .shmCreate(size: 1), .save(into: 20), .record("next handle"),
                                 .shmMap(.reg(19)), .record("map stale after reuse"),
                                 .shmMap(.reg(20)), .record("map the new one"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        let before = sys.kernel.freeFrames
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.freeFrames, before, "closing the only handle freed the object")
        XCTAssertEqual(sys.kernel.liveSharedMemoryCount, 0)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("map stale")?.error, .badHandle)
        XCTAssertEqual(sys.record("next handle")?.x0, HandleValue.of(entry: 0, generation: 1), "entry 0 again, next generation")
        XCTAssertEqual(sys.record("map stale after reuse")?.error, .badHandle, "the old value must not reach the new object")
        XCTAssertEqual(sys.record("map the new one")?.x0, shmBase)
    }

    /// Eight mappings per task; the objects a task can hold are bounded by
    /// its handle table (64 entries, 8 of init's taken by its boot handles on
    /// this machine): the create that finds it full is refused and takes
    /// no frame.
    func testEightMappingsPerTaskAndObjectsUpToTheHandleTable() throws {
        let bootHandles = 4 + ServiceKey.allCases.count   // spawn authority, task directory, interrupts, UART, the keys
        var steps: [Step] = []
        for _ in 0..<9 { steps += [.shmCreate(size: 1), .shmMap(.reg(0)), .record("map")] }
        for _ in 9..<(64 - bootHandles) { steps += [.shmCreate(size: 1), .record("create")] }
        steps += [.pause, .shmCreate(size: 1), .record("one too many"), .pause, .exit(0)]
        let sys = try TestSystem([TestProgram("init", steps)])
        XCTAssertEqual(sys.run(), .halted)
        let before = sys.kernel.freeFrames
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.freeFrames, before, "the refused object's frame is back")
        XCTAssertEqual(sys.kernel.liveSharedMemoryCount, 64 - bootHandles)
        XCTAssertEqual(sys.kernel.handleCount(of: TaskID(raw: 1)), 64)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let maps = sys.records("map").map(\.x0)
        XCTAssertEqual(Array(maps.prefix(8)), (0..<8).map { shmBase + UInt64($0) * 0x1000 })
        XCTAssertEqual(maps.last, errorValue(.limitReached))
        XCTAssertEqual(sys.records("create").count, 64 - bootHandles - 9)
        XCTAssertTrue(sys.records("create").allSatisfy { $0.error == nil })
        XCTAssertEqual(sys.record("one too many")?.error, .limitReached)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
        XCTAssertEqual(sys.kernel.liveSharedMemoryCount, 0)
    }

    /// Regression (fixed in 1fce163): hint 0 means "any address", but the
    /// kernel used to try `shmNextAddress` only, which a hinted mapping may
    /// occupy, and failed with `busy`.
    func testMapWithoutAHintFindsAFreeAddressAfterAHintedMapping() throws {
        let sys = try TestSystem([TestProgram("init", [
            .shmCreate(size: 4096), .save(into: 19), .shmCreate(size: 4096), .save(into: 20),
            .shmMap(.reg(19), hint: .imm(shmBase)), .record("hinted"),
            .shmMap(.reg(20)), .record("any"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("hinted")?.x0, shmBase)
        let any = sys.record("any")
        XCTAssertNil(any?.error, "got \(String(describing: any?.error))")
        XCTAssertNotEqual(any?.x0, shmBase)
    }
}
