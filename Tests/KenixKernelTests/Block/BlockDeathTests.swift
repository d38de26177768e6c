// A driver that ends with requests in flight: the kernel keeps the memory
// the device is moving data in or out of until the device completes (the
// frames are neither freed nor handed out meanwhile), then frees it; the dead
// owner's completions reach nobody, the disk is free to claim again, and its
// next owner never sees them. shm_info and handle_close: how a server checks
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
                .spawn("driver"), .save(into: 21), .sendHandle(to: .reg(21), handle: .disk(0)),
                .wait(.reg(21)), .record("driver died"),
                .sys(.memInfo), .record("while in flight"),
                .sleep(.imm(2 * ms)),
                .sys(.memInfo), .record("after completion"),
                .notifyCreate, .save(into: 19), .blockClaim(.disk(0), note: .reg(19), bit: 0), .record("claim again"),
                .blockComplete(0), .record("nothing for the new owner"),
                .exit(0)]),
            TestProgram("driver", Step.takeHandle(into: 20) + [
                .notifyCreate, .save(into: 22), .blockClaim(.reg(20), note: .reg(22), bit: 0),
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
                .spawn("driver"), .save(into: 21), .sendHandle(to: .reg(21), handle: .disk(0)),
                .sendHandle(to: .reg(21), handle: .reg(19)),
                .wait(.reg(21)), .sleep(.imm(2 * ms)),
                .read(.reg(20), into: 1), .record("data"),
                .shmInfo(.reg(19)), .record("size"),
                .handleClose(.reg(19)), .record("released"),
                .shmInfo(.reg(19)), .record("gone"),
                .exit(0)]),
            TestProgram("driver", Step.takeHandle(into: 20) + Step.takeHandle(into: 19) + [
                .notifyCreate, .save(into: 22), .blockClaim(.reg(20), note: .reg(22), bit: 0),
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
        XCTAssertEqual(sys.record("gone")?.error, .badHandle, "a closed handle names nothing")
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    /// Completions the owner had not collected die with it.
    func testUncollectedCompletionsAreDroppedWithTheOwner() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("driver"), .save(into: 21), .sendHandle(to: .reg(21), handle: .disk(0)), .wait(.reg(21)),
                .notifyCreate, .save(into: 19), .blockClaim(.disk(0), note: .reg(19), bit: 0),
                .blockComplete(0), .record("new owner"), .exit(0)]),
            TestProgram("driver", Step.takeHandle(into: 20) + [
                .notifyCreate, .save(into: 22), .blockClaim(.reg(20), note: .reg(22), bit: 0),
                .shmCreate(size: 4096), .save(into: 19),
                .blockSubmit(0, .write, sector: 0, count: 1, shm: .reg(19), tag: 1),
                .blockSubmit(0, .write, sector: 1, count: 1, shm: .reg(19), tag: 2),
                .notifyWait(.reg(22)), .sleep(.imm(100 * us)), .exit(0)]),
        ], dataDisks: [BlockScript.disk()])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.dataDisks[0].writes.count, 2)
        XCTAssertTrue(sys.dataDisks[0].writes.allSatisfy(\.finished))
        XCTAssertEqual(sys.record("new owner")?.x0, 0)
        XCTAssertEqual(sys.kernel.outstandingBlockRequests(disk: 0), 0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    /// shm_info needs a live handle; closing one's handle lets go of the
    /// object (its mapping stays until unmapped), and another holder keeps it.
    func testShmInfoAndCloseErrors() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .shmCreate(size: 5000), .save(into: 19),
                .spawn("other"), .save(into: 21),
                .shmInfo(.reg(19)), .record("mine"),
                .shmInfo(.reg(21)), .record("a task handle"),
                .shmInfo(77), .record("unknown"),
                .handleClose(77), .record("close unknown"),
                .shmMap(.reg(19)), .save(into: 20), .write(.reg(20), 0x5EED),
                .sendHandle(to: .reg(21), handle: .reg(19)),
                .handleClose(.reg(19)), .record("closed"),
                .handleClose(.reg(19)), .record("closed twice"),
                .shmInfo(.reg(19)), .record("info after close"),
                .shmMap(.reg(19)), .record("map after close"),
                .read(.reg(20), into: 1), .record("touch after close"),
                .shmUnmap(.reg(19)), .record("unmap after close"),
                .send(.reg(21)), .wait(.reg(21)),
                .exit(0)]),
            TestProgram("other", Step.takeHandle(into: 19) + [
                .shmInfo(.reg(19)), .record("other's view"),
                .recv(from: parentHandle), .shmMap(.reg(19)), .save(into: 20),
                .read(.reg(20), into: 1), .record("other reads"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("mine")?.x0, 8192, "whole pages")
        XCTAssertEqual(sys.record("a task handle")?.error, .badHandle)
        XCTAssertEqual(sys.record("unknown")?.error, .badHandle)
        XCTAssertEqual(sys.record("close unknown")?.error, .badHandle)
        XCTAssertEqual(sys.record("closed")?.x0, 0)
        XCTAssertEqual(sys.record("closed twice")?.error, .badHandle)
        XCTAssertEqual(sys.record("info after close")?.error, .badHandle)
        XCTAssertEqual(sys.record("map after close")?.error, .badHandle)
        XCTAssertEqual(sys.record("touch after close")?.x[1], 0x5EED, "a mapping keeps the object")
        XCTAssertEqual(sys.record("unmap after close")?.error, .badHandle, "unmapping names the object by a handle")
        XCTAssertEqual(sys.record("other's view")?.x0, 8192)
        XCTAssertEqual(sys.record("other reads")?.x[1], 0x5EED, "the other holder keeps it")
        XCTAssertEqual(sys.kernel.liveSharedMemoryCount, 0)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }
}
