// task_watch and task_status: how a server learns that a client ended, by
// exit, kill or fault, and the rules around a watch.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class TaskWatchTests: XCTestCase {
    func testAWatchSignalsWhenTheTaskEndsAndStatusFollowsIt() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19),
                                 .spawn("client"), .save(into: 21),
                                 .sys(.taskStatus, .reg(21)), .record("status while alive"),
                                 .sys(.taskWatch, .reg(21), .reg(19), 0x30), .record("watch"),
                                 .notifyWait(.reg(19)), .record("signalled"),
                                 .sys(.taskStatus, .reg(21)), .record("status ended"),
                                 .wait(.reg(21)),
                                 .sys(.taskStatus, .reg(21)), .record("status reaped"),
                                 .sys(.taskWatch, .reg(21), .reg(19), 0x1), .record("watch the dead"),
                                 .notifyPoll(.reg(19)), .record("at once"),
                                 .exit(0)]),
            TestProgram("client", [.sleep(.imm(50 * us)), .exit(3)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("status while alive")?.x0, TaskStateCode.ready.rawValue)
        XCTAssertEqual(sys.record("watch")?.x0, 0)
        XCTAssertEqual(sys.record("signalled")?.x0, 0x30)
        XCTAssertGreaterThanOrEqual(sys.record("signalled")!.time, 50 * us, "only when the client ends")
        XCTAssertEqual(sys.record("status ended")?.x0, TaskStateCode.zombie.rawValue)
        XCTAssertEqual(sys.record("status reaped")?.error, .noSuchTask)
        XCTAssertEqual(sys.record("watch the dead")?.x0, 0)
        XCTAssertEqual(sys.record("at once")?.x0, 0x1)
    }

    func testAKilledOrFaultingTaskFiresItsWatches() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19),
                                 .spawn("sleeper"), .save(into: 21), .spawn("faulter"), .save(into: 22),
                                 .sys(.taskWatch, .reg(21), .reg(19), 1), .sys(.taskWatch, .reg(22), .reg(19), 2),
                                 .kill(.reg(21)),
                                 .notifyWait(.reg(19)), .record("first"),
                                 .wait(.reg(22)), .notifyPoll(.reg(19)), .record("second"), .exit(0)]),
            TestProgram("sleeper", [.sleep(.imm(1_000_000 * us)), .exit(0)]),
            TestProgram("faulter", [.sleep(.imm(10 * us)), .read(0x8, into: 0), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("first")?.x0, 1, "the killed task's bit")
        XCTAssertEqual(sys.record("second")?.x0, 2, "the faulting task's bit")
    }

    func testWatchErrorsAndAWatcherThatEnds() throws {
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .spawn("client"), .save(into: 21),
                                 .sys(.taskWatch, .reg(21), .reg(19), 0), .record("no bits"),
                                 .sys(.taskWatch, .reg(21), 77, 1), .record("unknown notification"),
                                 .spawn("watcher"), .save(into: 22),
                                 .sendHandle(to: .reg(22), handle: .reg(21)), .wait(.reg(22)),
                                 .send(.reg(21)), .wait(.reg(21)),
                                 .notifyPoll(.reg(19)), .record("nothing for init"), .exit(0)]),
            TestProgram("client", [.recv(), .exit(0)]),
            TestProgram("watcher", [.recv(from: parentHandle), .move(21, .reg(5)),    // the client, from init
                                    .sys(.taskWatch, .reg(21), 7, 1), .record("not held"),
                                    .notifyCreate, .save(into: 19),
                                    .sys(.taskWatch, parentHandle, .reg(19), 1), .record("no watch right"),
                                    .sys(.taskWatch, .reg(21), .reg(19), 1), .record("own"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("no bits")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("unknown notification")?.error, .badHandle)
        XCTAssertEqual(sys.record("not held")?.error, .badHandle, "the watcher holds no handle to init's notification")
        XCTAssertEqual(sys.record("no watch right")?.error, .notPermitted, "the watcher's parent handle has send only")
        XCTAssertEqual(sys.record("own")?.x0, 0)
        XCTAssertEqual(sys.record("nothing for init")?.x0, 0, "the ended watcher's watch went with it")
    }

    /// Watches come out of the objects ceiling (init's: 255, the
    /// notification being one), long before the 1,024-entry table is full.
    func testWatchesStopAtTheObjectsCeiling() throws {
        let count = KernelCapacity.objectsCeiling - 1
        XCTAssertLessThan(KernelCapacity.objectsCeiling, KernelCapacity.taskWatches)
        let sys = try TestSystem([
            TestProgram("init", [.notifyCreate, .save(into: 19), .spawn("client"), .save(into: 21),
                                 .move(22, .imm(0)),
                                 .sys(.taskWatch, .reg(21), .reg(19), 1),                  // step 5
                                 .move(23, .reg(0)),
                                 .branch(ifRegister: 23, equals: .imm(UInt64(bitPattern: SyscallError.limitReached.rawValue)), to: 10),
                                 .move(22, .regPlus(22, 1)),
                                 .jump(5),
                                 .record("full"),                                          // step 10
                                 .move(0, .reg(22)), .record("count"),
                                 .send(.reg(21)), .wait(.reg(21)),
                                 .notifyPoll(.reg(19)), .record("fired"), .exit(0)]),
            TestProgram("client", [.recv(), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("full")?.error, .limitReached)
        XCTAssertEqual(sys.record("count")?.x0, UInt64(count))
        XCTAssertEqual(sys.record("fired")?.x0, 1)
    }
}

/// task_status's x1/x2: what a blocked task waits for and on whom, which the
/// supervisor reads to tell a server waiting on another from a hung one.
final class TaskWaitStatusTests: XCTestCase {
    func testStatusNamesACallsPartnerBeforeAndAfterItIsReceived() throws {
        let sys = try TestSystem([
            TestProgram("init", [.getpid, .record("init id"),
                                 .spawn("caller"), .save(into: 21), .saveX1(into: 22),
                                 .spawn("sleeper"), .save(into: 23),
                                 .taskStatus(.reg(21)), .record("ready"),
                                 .sleep(.imm(20 * us)),
                                 .taskStatus(.reg(21)), .record("queued call"),
                                 .taskStatus(.reg(23)), .record("sleeping"),
                                 .recv(), .record("received"),
                                 .taskStatus(.reg(21)), .record("awaiting reply"),
                                 .reply(tag: 5),
                                 .wait(.reg(21)), .wait(.reg(23)), .exit(0)]),
            TestProgram("caller", [.call(.imm(StartupHandle.parent), tag: 1), .exit(0)]),
            TestProgram("sleeper", [.sleep(.imm(100 * us)), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let initID = try XCTUnwrap(sys.record("init id")?.x0)
        XCTAssertNotEqual(initID, 0)
        let me = try XCTUnwrap(sys.record("ready"))
        XCTAssertEqual(me.x0, TaskStateCode.ready.rawValue)
        XCTAssertEqual(me.x[1], TaskWaitCode.none.rawValue, "a ready task waits for nothing")
        for label in ["queued call", "awaiting reply"] {
            let r = try XCTUnwrap(sys.record(label))
            XCTAssertEqual(r.x0, TaskStateCode.blocked.rawValue, label)
            XCTAssertEqual(r.x[1], TaskWaitCode.call.rawValue, label)
            XCTAssertEqual(r.x[2], initID, "\(label): the callee")
        }
        let sleeping = try XCTUnwrap(sys.record("sleeping"))
        XCTAssertEqual(sleeping.x[1], TaskWaitCode.sleep.rawValue)
        XCTAssertEqual(sleeping.x[2], 0)
    }
}
