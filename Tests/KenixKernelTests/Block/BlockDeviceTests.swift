// The kernel's block interface on scripted data disks: geometry, one owner
// per disk, reads and writes straight between a shared-memory object and the
// disk, several requests in flight, completions signalled on the owner's
// notification bit and collected several at a time, out-of-order
// completion, device failures as failed completions, flushes, read-only
// disks, and a swap disk beside the data disks.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class BlockDeviceTests: XCTestCase {
    func testInfoDescribesEachDataDisk() throws {
        var readOnly = BlockScript.disk(sectors: 128, depth: 32, irq: 51)
        readOnly.readOnly = true
        readOnly.writeCache = false
        let sys = try TestSystem([TestProgram("init", [
            .blockInfo(0), .record("disk 0"), .blockInfo(1), .record("disk 1"),
            .blockInfo(2), .record("disk 2"), .blockInfo(.imm(UInt64.max)), .record("huge"), .exit(0)])],
            dataDisks: [BlockScript.disk(), readOnly])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("disk 0")?.x, [512, 64, 4, BlockDiskFlags.writeCache, 2, 0])
        XCTAssertEqual(sys.record("disk 1")?.x, [512, 128, UInt64(KernelCapacity.blockRequestsPerDisk),
                                                 BlockDiskFlags.readOnly, 2, 0], "the depth is capped")
        XCTAssertEqual(sys.record("disk 2")?.error, .notFound)
        XCTAssertEqual(sys.record("huge")?.error, .notFound)
        XCTAssertEqual(sys.kernel.dataDiskTotal, 2)
    }

    /// Writes a word to sector 3 and reads preloaded sector 10 back, both in
    /// flight at once; each completion signals the owner, who collects it.
    func testReadsAndWritesMoveBytesBetweenSharedMemoryAndTheDisk() throws {
        let sys = try TestSystem([TestProgram("init", [
            .notifyCreate, .blockClaim(.disk(0), note: 1, bit: 5), .record("claim"),
            .shmCreate(size: 8192), .save(into: 19), .shmMap(.reg(19)), .save(into: 20),
            .write(.reg(20), 0x1111_2222_3333_4444),
            .blockSubmit(0, .write, sector: 3, count: 1, shm: .reg(19), offset: 0, tag: 0xAA), .record("write"),
            .blockSubmit(0, .read, sector: 10, count: 2, shm: .reg(19), offset: 4096, tag: 0xBB), .record("read"),
            .blockComplete(0), .record("nothing yet"),
            .notifyWait(1), .record("signal 1"), .blockComplete(0), .record("first"),
            .notifyWait(1), .record("signal 2"), .blockComplete(0), .record("second"),
            .read(.regPlus(20, 4096), into: 1), .read(.regPlus(20, 4096 + 512), into: 2), .record("memory"),
            .exit(0)])], dataDisks: [BlockScript.disk()])
        let disk = sys.dataDisks[0]
        disk.preload(BlockScript.sector(10) + BlockScript.sector(11), atSector: 10)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("claim")?.x0, 0)
        XCTAssertEqual(sys.record("write")?.x0, 0)
        XCTAssertEqual(sys.record("read")?.x0, 0)
        XCTAssertEqual(sys.record("nothing yet")?.x[0...1], [0, 0], "completions never block")
        XCTAssertEqual(sys.record("signal 1")?.x0, 1 << 5, "the owner's bit")
        XCTAssertEqual(sys.record("first")?.x[0...1], [completions(1), 0xAA])
        XCTAssertEqual(sys.record("second")?.x[0...1], [completions(1), 0xBB])
        XCTAssertEqual(BlockScript.word(disk.bytes(atSector: 3, count: 8)), 0x1111_2222_3333_4444, "written from the object")
        XCTAssertEqual(sys.record("memory")?.x[1...2], [BlockScript.word(BlockScript.sector(10)),
                                                        BlockScript.word(BlockScript.sector(11))], "read into the object")
        // The device moved the object's own frames: both requests were in flight together.
        XCTAssertEqual(disk.requests.map(\.request.count), [1, 2])
        XCTAssertEqual(disk.requests[1].submitted, disk.requests[0].submitted)
        XCTAssertEqual(sys.kernel.outstandingBlockRequests(disk: 0), 0)
    }

    func testCompletionsComeInTheOrderTheDeviceFinishedThem() throws {
        var config = BlockScript.disk()
        config.latencyOf = { $0.index == 0 ? 50 * us : 10 * us }    // the first submitted finishes last
        var steps: [Step] = [.notifyCreate, .blockClaim(.disk(0), note: 1, bit: 0), .shmCreate(size: 4096), .save(into: 19)]
        for t in 0..<3 {
            steps.append(.blockSubmit(0, .read, sector: .imm(UInt64(t)), count: 1, shm: .reg(19), tag: .imm(0x10 + UInt64(t))))
        }
        steps += [.sleep(.imm(100 * us)), .blockComplete(0), .record("all"), .blockComplete(0), .record("none"), .exit(0)]
        let sys = try TestSystem([TestProgram("init", steps)], dataDisks: [config])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("all")?.x[0...3], [completions(3), 0x11, 0x12, 0x10], "up to five at a time, oldest first")
        XCTAssertEqual(sys.record("none")?.x0, 0)
    }

    func testAFailedTransferIsReportedAndTheDiskGoesOn() throws {
        let config = BlockScript.disk(fails: { $0.operation == .write && $0.operationIndex == 1 })
        let sys = try TestSystem([TestProgram("init", [
            .notifyCreate, .blockClaim(.disk(0), note: 1, bit: 0), .shmCreate(size: 4096), .save(into: 19),
            .blockSubmit(0, .write, sector: 1, count: 1, shm: .reg(19), tag: 1),
            .blockSubmit(0, .write, sector: 2, count: 1, shm: .reg(19), tag: 2),
            .blockSubmit(0, .write, sector: 3, count: 1, shm: .reg(19), tag: 3),
            .sleep(.imm(100 * us)), .blockComplete(0), .record("done"), .exit(0)])], dataDisks: [config])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("done")?.x[0...3], [completions(3, failed: 0b010), 1, 2, 3], "the second write failed")
    }

    func testFlushesAndReadOnlyDisks() throws {
        var readOnly = BlockScript.disk(irq: 51)
        readOnly.readOnly = true
        readOnly.writeCache = false
        let sys = try TestSystem([TestProgram("init", [
            .notifyCreate, .blockClaim(.disk(0), note: 1, bit: 0), .blockClaim(.disk(1), note: 1, bit: 1),
            .shmCreate(size: 4096), .save(into: 19),
            .blockSubmit(0, .flush, sector: 0, count: 0, shm: 0, tag: 7), .record("flush"),
            .blockSubmit(0, .flush, sector: 0, count: 1, shm: 0, tag: 8), .record("flush with a count"),
            .blockSubmit(0, .flush, sector: 0, count: 0, shm: .reg(19), tag: 8), .record("flush with memory"),
            .blockSubmit(1, .flush, sector: 0, count: 0, shm: 0, tag: 9), .record("flush without a cache"),
            .blockSubmit(1, .write, sector: 0, count: 1, shm: .reg(19), tag: 9), .record("write read-only"),
            .blockSubmit(1, .read, sector: 0, count: 1, shm: .reg(19), tag: 10), .record("read read-only"),
            .sleep(.imm(100 * us)),
            .blockComplete(0), .record("flushed"), .blockComplete(1), .record("read"), .exit(0)])],
            dataDisks: [BlockScript.disk(), readOnly])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("flush")?.x0, 0)
        XCTAssertEqual(sys.record("flush with a count")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("flush with memory")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("flush without a cache")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("write read-only")?.error, .notPermitted)
        XCTAssertEqual(sys.record("read read-only")?.x0, 0)
        XCTAssertEqual(sys.record("flushed")?.x[0...1], [completions(1), 7])
        XCTAssertEqual(sys.record("read")?.x[0...1], [completions(1), 10])
        XCTAssertEqual(sys.dataDisks[0].flushes.count, 1)
        XCTAssertTrue(sys.dataDisks[1].writes.isEmpty)
    }

    /// With a swap disk too, data disk 0 is the first disk after it, and
    /// both work side by side.
    func testDataDisksBesideTheSwapDisk() throws {
        let sys = try TestSystem([TestProgram("init", [
            .blockInfo(0), .record("info"), .blockInfo(1), .record("only one"),
            .notifyCreate, .blockClaim(.disk(0), note: 1, bit: 0), .shmCreate(size: 4096), .save(into: 19),
            .blockSubmit(0, .read, sector: 5, count: 1, shm: .reg(19), tag: 3),
            .notifyWait(1), .blockComplete(0), .record("done"),
            .irqRegister(48, note: 1, bit: 0), .record("swap line"),
            .irqRegister(50, note: 1, bit: 0), .record("data line"), .exit(0)])],
            disk: ScriptedDiskConfig(sectors: 1024), dataDisks: [BlockScript.disk(sectors: 32)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("info")?.x[1], 32, "the data disk, not the swap disk")
        XCTAssertEqual(sys.record("only one")?.error, .notFound)
        XCTAssertEqual(sys.record("done")?.x[0...1], [completions(1), 3])
        XCTAssertEqual(sys.dataDisks[0].reads.count, 1)
        XCTAssertTrue(sys.disk!.requests.isEmpty, "nothing reached the swap disk")
        XCTAssertEqual(sys.kernel.swapSlots, 1024 / 8)
        XCTAssertEqual(sys.record("swap line")?.error, .busy, "the disks' lines are the kernel's")
        XCTAssertEqual(sys.record("data line")?.error, .busy)
    }
}
