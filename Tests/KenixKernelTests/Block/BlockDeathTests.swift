// A driver that ends with requests in flight: the kernel keeps the memory
// the device is moving data in or out of until the device completes (the
// frames are neither freed nor handed out meanwhile), then frees it; the dead
// owner's completions reach nobody, the disk is free to claim again, and its
// next owner never sees them. shm_info and shm_release: how a server checks
// and lets go of a client's buffer.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class BlockDeathTests: XCTestCase {
    func testTheMemoryOfARequestInFlightOutlivesItsOwner() throws {
        // The driver's 8 KiB object (2 frames) is read into for 1 ms; the driver dies after 100 µs.
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("driver"), .save(into: 21), .wait(.reg(21)), .record("driver died"),
                .sys(.memInfo), .record("while in flight"),
                .sleep(.imm(2 * ms)),
                .sys(.memInfo), .record("after completion"),
                .notifyCreate, .save(into: 19), .blockClaim(0, note: .reg(19), bit: 0), .record("claim again"),
                .blockComplete(0), .record("nothing for the new owner"),
                .exit(0)]),
            TestProgram("driver", [
                .notifyCreate, .blockClaim(0, note: 1, bit: 0),
                .shmCreate(size: 8192), .save(into: 19),
                .blockSubmit(0, .read, sector: 0, count: 16, shm: .reg(19), tag: 1), .record("submitted"),
                .sleep(.imm(100 * us)), .exit(0)]),
        ], dataDisks: [BlockScript.disk(latency: 1 * ms)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("submitted")?.x0, 0)
        let during = try XCTUnwrap(sys.record("while in flight")).x0
        let after = try XCTUnwrap(sys.record("after completion")).x0
        XCTAssertEqual(after, during + 2, "the object's two frames are freed only once the device is done")
        let read = try XCTUnwrap(sys.dataDisks[0].reads.first)
        XCTAssertTrue(read.finished)
        XCTAssertGreaterThan(read.finishes, try XCTUnwrap(sys.record("driver died")).time,
                             "the read finished after its owner had gone")
        XCTAssertEqual(sys.record("claim again")?.x0, 0, "a dead owner's disk is free")
        XCTAssertEqual(sys.record("nothing for the new owner")?.x0, 0)
        XCTAssertEqual(sys.kernel.outstandingBlockRequests(disk: 0), 0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames, "every frame came back")
    }

    /// The object is held by another task too: the owner's death with the
    /// request in flight leaves it to that task, and its bytes arrive.
    func testAnObjectHeldElsewhereStaysAndGetsItsData() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .shmCreate(size: 4096), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
                .spawn("driver", arg: .reg(19)), .save(into: 21), .shmGrant(.reg(19), to: .reg(21)),
                .wait(.reg(21)), .sleep(.imm(2 * ms)),
                .read(.reg(20), into: 1), .record("data"),
                .shmInfo(.reg(19)), .record("size"),
                .shmRelease(.reg(19)), .record("released"),
                .shmInfo(.reg(19)), .record("gone"),
                .exit(0)]),
            TestProgram("driver", [
                .move(19, .reg(0)), .notifyCreate, .blockClaim(0, note: 1, bit: 0),
                .sleep(.imm(10 * us)),    // init grants meanwhile
                .blockSubmit(0, .read, sector: 2, count: 1, shm: .reg(19), tag: 1), .record("submitted"),
                .exit(0)]),
        ], dataDisks: [BlockScript.disk(latency: 1 * ms)])
        sys.dataDisks[0].preload(BlockScript.sector(2), atSector: 2)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("submitted")?.x0, 0)
        XCTAssertEqual(sys.record("data")?.x[1], BlockScript.word(BlockScript.sector(2)))
        XCTAssertEqual(sys.record("size")?.x0, 4096)
        XCTAssertEqual(sys.record("released")?.x0, 0)
        XCTAssertEqual(sys.record("gone")?.error, .invalidArgument, "freed with its last holder")
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    /// Completions the owner had not collected die with it.
    func testUncollectedCompletionsAreDroppedWithTheOwner() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("driver"), .save(into: 21), .wait(.reg(21)),
                .notifyCreate, .save(into: 19), .blockClaim(0, note: .reg(19), bit: 0),
                .blockComplete(0), .record("new owner"), .exit(0)]),
            TestProgram("driver", [
                .notifyCreate, .blockClaim(0, note: 1, bit: 0), .shmCreate(size: 4096), .save(into: 19),
                .blockSubmit(0, .write, sector: 0, count: 1, shm: .reg(19), tag: 1),
                .blockSubmit(0, .write, sector: 1, count: 1, shm: .reg(19), tag: 2),
                .notifyWait(1), .sleep(.imm(100 * us)), .exit(0)]),
        ], dataDisks: [BlockScript.disk()])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.dataDisks[0].writes.count, 2)
        XCTAssertTrue(sys.dataDisks[0].writes.allSatisfy(\.finished))
        XCTAssertEqual(sys.record("new owner")?.x0, 0)
        XCTAssertEqual(sys.kernel.outstandingBlockRequests(disk: 0), 0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    func testShmInfoAndReleaseErrors() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .shmCreate(size: 5000), .save(into: 19),
                .spawn("other"), .save(into: 21),
                .shmInfo(.reg(19)), .record("mine"),
                .shmInfo(.reg(19), task: .reg(21)), .record("other does not hold it"),
                .shmGrant(.reg(19), to: .reg(21)),
                .shmInfo(.reg(19), task: .reg(21)), .record("both hold it"),
                .shmInfo(.reg(19), task: 999), .record("no such task"),
                .shmInfo(77), .record("unknown"),
                .shmRelease(77), .record("release unknown"),
                .shmMap(.reg(19)), .save(into: 20),
                .shmRelease(.reg(19)), .record("released"),
                .shmRelease(.reg(19)), .record("released twice"),
                .shmMap(.reg(19)), .record("map after release"),
                .send(.reg(21)), .wait(.reg(21)),
                .read(.reg(20), into: 1), .record("touch after release"),
                .exit(0)]),
            TestProgram("other", [.recv(from: 1), .shmInfo(1), .record("other's view"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initKilled(reason: KillReason.memoryFault.rawValue))
        XCTAssertEqual(sys.record("mine")?.x0, 8192, "whole pages")
        XCTAssertEqual(sys.record("other does not hold it")?.error, .notPermitted)
        XCTAssertEqual(sys.record("both hold it")?.x0, 8192)
        XCTAssertEqual(sys.record("no such task")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("unknown")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("release unknown")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("released")?.x0, 0)
        XCTAssertEqual(sys.record("released twice")?.error, .notPermitted)
        XCTAssertEqual(sys.record("map after release")?.error, .notPermitted)
        XCTAssertEqual(sys.record("other's view")?.x0, 8192, "the other holder keeps it")
        XCTAssertNil(sys.records("touch after release").first, "release unmapped it: the touch faults")
    }
}
