// Every bad argument to the block syscalls is an error value, never a trap
// and never a change: unknown disks, operations and notifications, no disk
// handle, not the owner, sectors outside the disk, counts too large or zero,
// objects the caller does not hold or holds without `dma`, offsets
// misaligned or past the object, a full queue.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class BlockErrorTests: XCTestCase {
    func testClaimErrors() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate,
                .blockClaim(.disk(5), note: 1, bit: 0), .record("no such disk"),
                .blockClaim(.imm(InitHandle.uart), note: 1, bit: 0), .record("another device"),
                .blockClaim(.disk(0), note: 1, bit: 64), .record("no such bit"),
                .blockClaim(.disk(0), note: 77, bit: 0), .record("unknown notification"),
                .handleDuplicate(1, rights: .imm(HandleRights.receive)), .save(into: 22),
                .blockClaim(.disk(0), note: .reg(22), bit: 0), .record("notification without signal"),
                .handleDuplicate(.disk(0), rights: .imm(HandleRights.transfer)), .save(into: 23),
                .blockClaim(.reg(23), note: 1, bit: 0), .record("disk handle without use"),
                .blockClaim(.disk(0), note: 1, bit: 2), .record("claimed"),
                .blockClaim(.disk(0), note: 1, bit: 3), .record("claimed again"),
                .spawn("rival"), .save(into: 21), .sendHandle(to: .reg(21), handle: .disk(0)),
                .wait(.reg(21)), .exit(0)]),
            TestProgram("rival", [
                .notifyCreate, .save(into: 19),
                .blockClaim(.disk(0), note: .reg(19), bit: 0), .record("not holder"),
                .recv(from: parentHandle), .move(21, .reg(5)),
                .blockClaim(.reg(21), note: .reg(19), bit: 0), .record("taken"),
                .blockComplete(0), .record("complete, not owner"),
                .shmCreate(size: 4096), .save(into: 20),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(20), tag: 1), .record("submit, not owner"),
                .exit(0)]),
        ], dataDisks: [BlockScript.disk()])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("no such disk")?.error, .badHandle, "init holds handles for the disks there are")
        XCTAssertEqual(sys.record("another device")?.error, .badHandle)
        XCTAssertEqual(sys.record("no such bit")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("unknown notification")?.error, .badHandle)
        XCTAssertEqual(sys.record("notification without signal")?.error, .notPermitted)
        XCTAssertEqual(sys.record("disk handle without use")?.error, .notPermitted)
        XCTAssertEqual(sys.record("claimed")?.x0, 0)
        XCTAssertEqual(sys.record("claimed again")?.x0, 0, "the owner may name another bit")
        XCTAssertEqual(sys.record("not holder")?.error, .badHandle, "init's disk value means nothing to the rival")
        XCTAssertEqual(sys.record("taken")?.error, .busy)
        XCTAssertEqual(sys.record("complete, not owner")?.error, .notPermitted)
        XCTAssertEqual(sys.record("submit, not owner")?.error, .notPermitted)
        XCTAssertTrue(sys.dataDisks[0].requests.isEmpty)
    }

    func testSubmitErrors() throws {
        let maxCount = SyscallLimits.maxBlockTransfer / 512
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate, .blockClaim(.disk(0), note: 1, bit: 0),
                .shmCreate(size: 8192), .save(into: 19),
                .handleDuplicate(.reg(19), rights: .imm(HandleRights.map | HandleRights.write)), .save(into: 22),
                .spawn("other"), .save(into: 21), .sleep(.imm(1 * ms)),   // other's object: its handle 2
                .blockSubmit(9, .read, sector: 0, count: 1, shm: .reg(19), tag: 0), .record("no such disk"),
                .sys(.blockSubmit, .imm(3 << 8), 0, 1, .reg(19), 0, 0), .record("no such op"),
                .sys(.blockSubmit, .imm(1 << 16), 0, 1, .reg(19), 0, 0), .record("high bits"),
                .blockSubmit(0, .read, sector: 0, count: 0, shm: .reg(19), tag: 0), .record("count 0"),
                .blockSubmit(0, .read, sector: 63, count: 2, shm: .reg(19), tag: 0), .record("across the end"),
                .blockSubmit(0, .read, sector: 64, count: 1, shm: .reg(19), tag: 0), .record("past the end"),
                .blockSubmit(0, .read, sector: .imm(UInt64.max), count: 2, shm: .reg(19), tag: 0), .record("overflow"),
                .blockSubmit(0, .read, sector: 0, count: .imm(maxCount + 1), shm: .reg(19), tag: 0), .record("too long"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: 77, tag: 0), .record("unknown object"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: 2, tag: 0), .record("object not held"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(22), tag: 0), .record("object without dma"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), offset: 100, tag: 0), .record("misaligned"),
                .blockSubmit(0, .read, sector: 0, count: 2, shm: .reg(19), offset: 7680, tag: 0), .record("past the object"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), offset: .imm(UInt64.max - 511), tag: 0),
                .record("offset overflow"),
                .blockSubmit(0, .read, sector: 0, count: 16, shm: .reg(19), offset: 0, tag: 0), .record("whole object"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), tag: 1),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), tag: 2),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), tag: 3), .record("depth reached"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), tag: 4), .record("queue full"),
                .sleep(.imm(200 * us)),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), tag: 4), .record("still full: not collected"),
                .blockComplete(0), .record("collected"),
                .blockSubmit(0, .read, sector: 0, count: 1, shm: .reg(19), tag: 5), .record("room again"),
                .wait(.reg(21)), .exit(0)]),
            TestProgram("other", [.shmCreate(size: 4096), .sleep(.imm(10 * ms)), .exit(0)]),
        ], dataDisks: [BlockScript.disk()])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        for (label, error) in [("no such disk", SyscallError.notFound), ("no such op", .invalidArgument),
                               ("high bits", .invalidArgument), ("count 0", .invalidArgument),
                               ("across the end", .invalidArgument), ("past the end", .invalidArgument),
                               ("overflow", .invalidArgument), ("too long", .invalidArgument),
                               ("unknown object", .badHandle), ("object not held", .badHandle),
                               ("object without dma", .notPermitted),
                               ("misaligned", .invalidArgument), ("past the object", .invalidArgument),
                               ("offset overflow", .invalidArgument), ("queue full", .limitReached),
                               ("still full: not collected", .limitReached)] {
            XCTAssertEqual(sys.record(label)?.error, error, label)
        }
        XCTAssertEqual(sys.record("whole object")?.x0, 0, "exactly the object is fine")
        XCTAssertEqual(sys.record("depth reached")?.x0, 0)
        XCTAssertEqual(sys.record("collected")?.x0, completions(4))
        XCTAssertEqual(sys.record("room again")?.x0, 0)
        XCTAssertEqual(sys.dataDisks[0].requests.count, 5, "no refused request reached the disk")
        XCTAssertTrue(sys.dataDisks[0].refused.isEmpty, "the kernel checked everything first")
    }
}
