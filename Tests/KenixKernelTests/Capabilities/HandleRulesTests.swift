// The rules of handles (docs/capabilities.md, "Handles"): values are
// unforgeable (a guess, a stale value after close, another task's value name
// nothing), rights only shrink (duplicate; a transfer drops `revoke`), a
// handle travels only to a task that receives (a full table refuses it and
// the receiver goes on waiting), a move closes the sender's, a revocation
// kills every other holder's handle and keeps the revoker's, and the last
// handle's close frees a notification or shared memory.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class HandleRulesTests: XCTestCase {
    func testValuesAreUnforgeable() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate, .save(into: 19), .record("created"),
                .handleInfo(.imm(HandleValue.of(entry: 40))), .record("guess"),
                .handleInfo(0), .record("zero"),
                .handleInfo(.imm(HandleValue.of(entry: 0) | 1 << 40)), .record("high bits"),
                .handleInfo(.imm(HandleValue.of(entry: 9999))), .record("past the table"),
                .handleClose(.reg(19)), .record("close"),
                .handleInfo(.reg(19)), .record("stale"),
                .notifyCreate, .save(into: 20), .record("reused entry"),
                .notifySignal(.reg(19), 1), .record("stale signal"),
                .notifyPoll(.reg(20)), .record("new object untouched"),
                .spawn("child"), .save(into: 21), .wait(.reg(21)), .exit(0)]),
            TestProgram("child", [
                .handleInfo(.imm(InitHandle.uart)), .record("init's uart value"),
                .notifySignal(1, 1), .record("init's notification value"),
                .handleInfo(1), .record("own parent handle"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("created")?.x0, HandleValue.of(entry: 0), "init has no parent: entry 0 is free")
        for label in ["guess", "zero", "high bits", "past the table", "stale", "stale signal", "init's uart value",
                      "init's notification value"] {
            XCTAssertEqual(sys.record(label)?.error, .badHandle, label)
        }
        XCTAssertEqual(sys.record("close")?.x0, 0)
        XCTAssertEqual(sys.record("reused entry")?.x0, HandleValue.of(entry: 0, generation: 1),
                       "the entry is reused with a new generation: the old value stays dead")
        XCTAssertEqual(sys.record("new object untouched")?.x0, 0)
        XCTAssertEqual(sys.record("own parent handle")?.x[0...2],
                       [ObjectKind.task.rawValue, HandleRights.send | HandleRights.duplicate, sys.kernel.initID.raw],
                       "a child's value 1 is its own handle to its parent")
    }

    func testRightsOnlyShrink() throws {
        let narrow = HandleRights.signal | HandleRights.duplicate | HandleRights.transfer
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate, .save(into: 19), .handleInfo(.reg(19)), .record("original"),
                .handleDuplicate(.reg(19), rights: .imm(narrow)), .save(into: 20), .handleInfo(.reg(20)), .record("narrow"),
                .handleDuplicate(.reg(20), rights: .imm(HandleRights.all)), .save(into: 21), .handleInfo(.reg(21)),
                .record("widen"),
                .notifyWait(.reg(21)), .record("wait without receive"),
                .handleRevoke(.reg(21)), .record("revoke without revoke"),
                .handleDuplicate(.reg(19), rights: 0), .save(into: 22),
                .handleDuplicate(.reg(22), rights: .imm(HandleRights.all)), .record("duplicate without duplicate"),
                .handleDuplicate(.reg(19), rights: .imm(HandleRights.signal)), .save(into: 23),
                .spawn("child"), .save(into: 24),
                .sendHandle(to: .reg(24), handle: .reg(23)), .record("send without transfer"),
                .sendHandle(to: .reg(24), handle: .reg(19)), .record("send"),
                .wait(.reg(24)), .exit(0)]),
            TestProgram("child", Step.takeHandle(into: 20) + [
                .handleInfo(.reg(20)), .record("received"),
                .handleRevoke(.reg(20)), .record("child revokes"),
                .notifySignal(.reg(20), 2), .record("child signals"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("original")?.x[1], HandleRights.all)
        XCTAssertEqual(sys.record("narrow")?.x[1], narrow)
        XCTAssertEqual(sys.record("widen")?.x[1], narrow, "a duplicate never gains a right")
        XCTAssertEqual(sys.record("wait without receive")?.error, .notPermitted)
        XCTAssertEqual(sys.record("revoke without revoke")?.error, .notPermitted)
        XCTAssertEqual(sys.record("duplicate without duplicate")?.error, .notPermitted)
        XCTAssertEqual(sys.record("send without transfer")?.error, .notPermitted)
        XCTAssertEqual(sys.record("send")?.x0, 0)
        XCTAssertEqual(sys.record("received")?.x[1], HandleRights.all & ~HandleRights.revoke, "a transfer drops revoke")
        XCTAssertEqual(sys.record("child revokes")?.error, .notPermitted)
        XCTAssertEqual(sys.record("child signals")?.x0, 0)
    }

    /// Nothing is pushed on a task that does not receive; a receiver whose
    /// table is full is refused the handle and goes on waiting.
    func testHandlesArriveOnlyByReceiving() throws {
        let limit = errorValue(.limitReached)
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate, .save(into: 20),
                .spawn("sleeper"), .record("sleeper"), .save(into: 21),
                .sys(.sendNonBlocking, .reg(21), .imm(IPCTag.transfersHandle), 0, 0, 0, .reg(20)), .record("not receiving"),
                .pause,
                .spawn("full"), .save(into: 22), .sleep(.imm(1 * ms)),
                .sendHandle(to: .reg(22), handle: .reg(20)), .record("to a full table"),
                .send(.reg(22), tag: 7), .record("plain"),
                .wait(.reg(21)), .wait(.reg(22)), .exit(0)]),
            TestProgram("sleeper", [.sleep(.imm(5 * ms)), .exit(0)]),
            TestProgram("full", [
                /* 0 */ .notifyCreate, .branch(ifRegister: 0, equals: .imm(limit), to: 3), .jump(0),
                /* 3 */ .recv(from: parentHandle), .record("got"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("not receiving")?.error, .wouldBlock)
        let sleeperID = TaskID(raw: try XCTUnwrap(sys.record("sleeper")).x[1])
        XCTAssertEqual(sys.kernel.handleCount(of: sleeperID), 1, "the sleeper holds only its parent handle")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("to a full table")?.error, .limitReached)
        XCTAssertEqual(sys.record("plain")?.x0, 0)
        XCTAssertEqual(sys.record("got")?.x[1], 7, "the receiver went on waiting and took the next message")
        XCTAssertEqual(sys.record("got")?.x[5], 0, "no handle in it")
        XCTAssertEqual(sys.kernel.liveNotificationCount, 0)
    }

    func testAMoveClosesTheSendersHandle() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate, .save(into: 19), .spawn("child"), .save(into: 21),
                .sendHandle(to: .reg(21), handle: .reg(19), move: true), .record("moved"),
                .handleInfo(.reg(19)), .record("sender's after"),
                .wait(.reg(21)), .pause, .exit(0)]),
            TestProgram("child", Step.takeHandle(into: 20) + [
                .notifySignal(.reg(20), 4), .notifyPoll(.reg(20)), .record("child has it"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("moved")?.x0, 0)
        XCTAssertEqual(sys.record("sender's after")?.error, .badHandle)
        XCTAssertEqual(sys.record("child has it")?.x0, 4)
        XCTAssertEqual(sys.kernel.liveNotificationCount, 0, "the child's end closed the last handle: the object is gone")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
    }

    func testRevocationKillsEveryOtherHandleAndKeepsTheRevokers() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .notifyCreate, .save(into: 19), .spawn("child"), .save(into: 21),
                .sendHandle(to: .reg(21), handle: .reg(19)),
                .handleDuplicate(.reg(19), rights: .imm(HandleRights.signal)), .save(into: 20),
                .recv(from: .reg(21)),                               // the child has signalled once
                .handleRevoke(.reg(19)), .record("revoke"),
                .handleInfo(.reg(20)), .record("own duplicate"),
                .reply(),
                .wait(.reg(21)),
                .notifyPoll(.reg(19)), .record("revoker"),
                .handleClose(.reg(19)), .pause, .exit(0)]),
            TestProgram("child", Step.takeHandle(into: 20) + [
                .notifySignal(.reg(20), 1), .record("before"),
                .call(parentHandle),
                .notifySignal(.reg(20), 2), .record("after"),
                .handleInfo(.reg(20)), .record("info after"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("before")?.x0, 0)
        XCTAssertEqual(sys.record("revoke")?.x0, 0)
        XCTAssertEqual(sys.record("own duplicate")?.error, .badHandle, "the revoker's other handles die too")
        XCTAssertEqual(sys.record("after")?.error, .badHandle)
        XCTAssertEqual(sys.record("info after")?.error, .badHandle)
        XCTAssertEqual(sys.record("revoker")?.x0, 1, "the revoker's handle lives: the bits from before")
        XCTAssertEqual(sys.kernel.liveNotificationCount, 0, "closing the last live handle freed it")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
    }

    func testClosingTheLastHandleGivesSharedMemoryFramesBackExactly() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .sys(.memInfo), .record("before"), .taskQuota(), .record("quota before"),
                .shmCreate(size: .imm(5 * 4096)), .save(into: 19), .sys(.memInfo), .record("created"),
                .taskQuota(), .record("quota created"),
                .handleDuplicate(.reg(19), rights: .imm(HandleRights.map)), .save(into: 20),
                .handleClose(.reg(19)), .sys(.memInfo), .record("one handle left"),
                .handleClose(.reg(20)), .sys(.memInfo), .record("closed"), .taskQuota(), .record("quota closed"),
                .pause, .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        let before = try XCTUnwrap(sys.record("before")).x0
        XCTAssertEqual(sys.record("created")?.x0, before - 5)
        XCTAssertEqual(sys.record("quota created")?.x0, try XCTUnwrap(sys.record("quota before")).x0 + 5,
                       "charged to the creator")
        XCTAssertEqual(sys.record("one handle left")?.x0, before - 5)
        XCTAssertEqual(sys.record("closed")?.x0, before, "every frame back")
        XCTAssertEqual(sys.record("quota closed")?.x0, sys.record("quota before")?.x0)
        XCTAssertEqual(sys.kernel.liveSharedMemoryCount, 0)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
    }

    /// A tag with bit 63 set (an error code as a reply tag, a supervisor
    /// event) never carries a handle, whatever bit 62 says: w3 is a plain word.
    func testANegativeTagCarriesNoHandle() throws {
        let negative: UInt64 = 1 << 63 | IPCTag.transfersHandle | 5
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("child"), .save(into: 19),
                .send(.reg(19), tag: .imm(negative), 1, 2, 3, 0xDEAD), .record("send"),
                .recv(from: .reg(19)), .reply(tag: .imm(negative), 0, 0, 0, 0xBEEF), .record("reply"),
                .wait(.reg(19)), .exit(0)]),
            TestProgram("child", [
                .recv(from: parentHandle), .record("got"),
                .call(parentHandle), .record("reply got"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("send")?.x0, 0, "0xDEAD is no handle, and none was asked for")
        XCTAssertEqual(sys.record("got")?.x[1], negative)
        XCTAssertEqual(sys.record("got")?.x[5], 0xDEAD, "w3 arrives as sent")
        XCTAssertEqual(sys.record("reply")?.x0, 0)
        XCTAssertEqual(sys.record("reply got")?.x[5], 0xBEEF)
    }
}
