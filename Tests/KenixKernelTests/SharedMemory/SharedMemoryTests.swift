// Shared memory: two tasks see the same bytes through their own mappings;
// mapping needs the creator's grant; unmapped pages fault (the TLB is
// flushed); pages are zeroed, read-write and never executable; the frames
// live exactly as long as some task holds the object.
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
                                 .spawn("reader", arg: .reg(19)), .save(into: 21),
                                 .shmGrant(.reg(19), to: .reg(21)), .record("granted"),
                                 .wait(.reg(21)),
                                 .read(.regPlus(20, 16), into: 0), .record("seen"), .exit(0)]),
            TestProgram("reader", [.move(19, .reg(0)), .shmMap(.reg(19), hint: 0x1_4000_0000), .save(into: 20),
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

    func testMappingNeedsAGrantAndOnlyAHolderMayGrant() throws {
        let sys = try TestSystem([
            TestProgram("init", [.shmCreate(size: 100), .save(into: 19), .spawn("other", arg: .reg(19)),
                                 .save(into: 21), .wait(.reg(21)), .exit(0)]),
            TestProgram("other", [.move(19, .reg(0)),
                                  .shmMap(.reg(19)), .record("map without grant"),
                                  .shmGrant(.reg(19), to: 2), .record("grant by a non-holder"),
                                  .shmUnmap(.reg(19)), .record("unmap not mapped"),
                                  .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("map without grant")?.error, .notPermitted)
        XCTAssertEqual(sys.record("grant by a non-holder")?.error, .notPermitted)
        XCTAssertEqual(sys.record("unmap not mapped")?.error, .invalidArgument)
    }

    func testArgumentErrors() throws {
        let sys = try TestSystem([TestProgram("init", [
            .shmCreate(size: 0), .record("size 0"),
            .shmCreate(size: .imm(SyscallLimits.maxSharedMemorySize + 1)), .record("too big"),
            .shmCreate(size: 4096), .save(into: 19), .record("created"),
            .shmMap(77), .record("map unknown id"), .shmMap(0), .record("map id 0"),
            .shmGrant(77, to: 1), .record("grant unknown id"),
            .shmGrant(.reg(19), to: 9), .record("grant to nobody"),
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
        XCTAssertEqual(sys.record("created")?.x0, 1, "the first object has id 1")
        XCTAssertEqual(sys.record("map unknown id")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("map id 0")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("grant unknown id")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("grant to nobody")?.error, .noSuchTask)
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
            TestProgram("init", [.spawn("user"), .wait(2), .record("waited"), .exit(0)]),
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

    func testObjectOutlivesItsCreatorWhileAGranteeHoldsIt() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("keeper"), .spawn("creator", arg: 2), .wait(3), .wait(2), .pause, .exit(0)]),
            TestProgram("keeper", [.recv(), .move(19, .reg(1)),                     // the object id, as the tag
                                   .recv(from: 3), .record("creator gone"), .pause,
                                   .shmMap(.reg(19)), .save(into: 20), .read(.regPlus(20, 0x1008), into: 0),
                                   .record("read"), .exit(0)]),
            TestProgram("creator", [.move(21, .reg(0)),                              // keeper's id, as the arg
                                    .shmCreate(size: 8192), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
                                    .write(.regPlus(20, 0x1008), 0x0DD),
                                    .shmGrant(.reg(19), to: .reg(21)), .send(.reg(21), tag: .reg(19)), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("creator gone")?.error, .noSuchTask, "creator has exited and was reaped")
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
            TestProgram("init", [.spawn("dirty"), .wait(2), .shmCreate(size: 4096), .shmMap(.reg(0)), .save(into: 20),
                                 .read(.reg(20), into: 0), .read(.regPlus(20, 0xFF8), into: 1), .record("fresh"),
                                 .exit(0)]),
            TestProgram("dirty", [.shmCreate(size: 4096), .shmMap(.reg(0)), .save(into: 20),
                                  .write(.reg(20), .imm(UInt64.max)), .write(.regPlus(20, 0xFF8), .imm(UInt64.max)),
                                  .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("fresh")?.x[0...1], [0, 0])
    }

    func testStaleObjectIdIsRejected() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("owner"), .wait(2), .shmMap(1), .record("map stale"),
                                 .shmGrant(1, to: 1), .record("grant stale"),
                                 .shmCreate(size: 1), .record("next id"),
                                 .shmMap(1), .record("map stale after reuse"),
                                 .shmGrant(1, to: 1), .record("grant stale after reuse"), .exit(0)]),
            TestProgram("owner", [.shmCreate(size: 1), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("map stale")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("grant stale")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("next id")?.x0, 1 + 32, "slot 1 again, next generation")
        XCTAssertEqual(sys.record("map stale after reuse")?.error, .invalidArgument, "id 1 must not reach object 33")
        XCTAssertEqual(sys.record("grant stale after reuse")?.error, .invalidArgument)
    }

    func testEightMappingsPerTaskAndThirtyOneObjects() throws {
        var steps: [Step] = []
        for _ in 0..<9 { steps += [.shmCreate(size: 1), .shmMap(.reg(0)), .record("map")] }
        for _ in 9..<31 { steps += [.shmCreate(size: 1), .record("create")] }
        steps += [.shmCreate(size: 1), .record("32nd"), .exit(0)]
        let sys = try TestSystem([TestProgram("init", steps)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let maps = sys.records("map").map(\.x0)
        XCTAssertEqual(Array(maps.prefix(8)), (0..<8).map { shmBase + UInt64($0) * 0x1000 })
        XCTAssertEqual(maps.last, errorValue(.limitReached))
        XCTAssertEqual(sys.records("create").map(\.x0), Array(10...31))
        XCTAssertEqual(sys.record("32nd")?.error, .limitReached)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
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
