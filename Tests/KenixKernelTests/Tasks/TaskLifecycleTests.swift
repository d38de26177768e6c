// Task lifecycle: spawn (and each of its errors), exit statuses through
// wait, zombies and orphans, getpid, the task-table limit, and how `run()`
// ends. Ids: init 1, then 2, 3, … ; a reused slot's id grows by 64.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class TaskLifecycleTests: XCTestCase {
    func testWaitReportsExitStatusesForBlockedAndLateWaiters() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("quick"), .spawn("slow"), .sleep(.imm(50 * us)),
                                 .wait(2), .record("quick"),          // already a zombie
                                 .wait(3), .record("slow"),           // blocks until it exits
                                 .exit(0)]),
            TestProgram("quick", [.exit(.imm(UInt64(bitPattern: -3)))]),
            TestProgram("slow", [.sleep(.imm(100 * us)), .exit(0x1234)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("quick")?.x[0...2], [0, UInt64(bitPattern: -3), ExitKind.exited.rawValue])
        XCTAssertEqual(sys.record("quick")?.time, 50 * us)
        XCTAssertEqual(sys.record("slow")?.x[0...2], [0, 0x1234, ExitKind.exited.rawValue])
        XCTAssertEqual(sys.record("slow")?.time, 100 * us)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    func testWaitOnlyForOwnLiveOrZombieChildren() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("parent"), .wait(2), .record("reaped"),
                                 .wait(2), .record("twice"), .wait(1), .record("self"), .wait(0), .record("zero"),
                                 .wait(3), .record("grandchild"), .exit(0)]),
            TestProgram("parent", [.spawn("child"), .wait(1), .record("wait parent"), .wait(.reg(0)), .exit(0)]),
            TestProgram("child", [.exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("wait parent")?.error, .notChild)
        XCTAssertEqual(sys.record("reaped")?.x0, 0)
        XCTAssertEqual(sys.record("twice")?.error, .notChild)
        XCTAssertEqual(sys.record("self")?.error, .notChild)
        XCTAssertEqual(sys.record("zero")?.error, .notChild)
        XCTAssertEqual(sys.record("grandchild")?.error, .notChild)
    }

    func testZombieChildrenAreFreedWhenTheirParentExits() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("parent"), .wait(2), .pause, .exit(0)]),
            TestProgram("parent", [.spawn("child"), .spawn("sleeper"), .sleep(.imm(10 * us)), .pause, .exit(0)]),
            TestProgram("child", [.exit(4)]),
            TestProgram("sleeper", [.sleep(.imm(1 * ms)), .record("orphan woke"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 3)), .zombie)
        XCTAssertEqual(sys.kernel.liveTaskCount, 3, "a zombie is not live")
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertNil(sys.kernel.state(of: TaskID(raw: 3)), "the orphaned zombie is gone")
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 4)), .blocked(.sleeping(until: 1 * ms)), "slept at 0")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("orphan woke"), [], "init exited first")
    }

    func testAnOrphanThatExitsLaterIsFreedAtOnce() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("parent"), .wait(2), .sleep(.imm(1 * ms)), .pause, .exit(0)]),
            TestProgram("parent", [.spawn("orphan"), .exit(0)]),
            TestProgram("orphan", [.sleep(.imm(100 * us)), .record("ran"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("ran")?.time, 100 * us)
        XCTAssertNil(sys.kernel.state(of: TaskID(raw: 3)))
        XCTAssertEqual(sys.kernel.liveTaskCount, 1)
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames - sys.footprint(of: "init"))
    }

    /// The ASID is the slot: a task reusing a slot must not see the previous
    /// occupant's cached translations (its stack frame here).
    func testATaskReusingASlotGetsAFreshAddressSpace() throws {
        let top = UserLayout.stackTop - 8
        let sys = try TestSystem([
            TestProgram("init", [.spawn("first"), .wait(2), .spawn("second"), .wait(66), .exit(0)]),
            TestProgram("first", [.write(.imm(top), 0x0BAD), .read(.imm(top), into: 0), .record("wrote"), .exit(0)]),
            TestProgram("second", [.getpid, .read(.imm(top), into: 1), .record("read"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("wrote")?.x0, 0x0BAD)
        XCTAssertEqual(sys.record("read")?.x[0...1], [66, 0], "a fresh, zeroed stack")
        XCTAssertTrue(sys.machine.invalidations.contains { $0.asid == ASID(2) && $0.page == nil })
    }

    func testGetpidAndParentIds() throws {
        let sys = try TestSystem([
            TestProgram("init", [.getpid, .record("pid"), .spawn("child"), .wait(2), .exit(0)]),
            TestProgram("child", [.record("start"), .getpid, .record("pid"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("pid").map(\.x0), [1, 2])
        XCTAssertEqual(sys.record("start")?.x[1], 1, "x1 = parent id")
    }

    func testSpawnArgumentErrors() throws {
        let sys = try TestSystem([
            TestProgram("init", [
                .spawn("missing"), .record("not found"),
                .spawn("garbage"), .record("bad executable"),
                .sys(.spawn, .string("child"), 0, 0, 0), .record("length 0"),
                .sys(.spawn, .string("child"), 65, 0, 0), .record("length 65"),
                .sys(.spawn, .string("child"), 5, 0, 32), .record("priority 32"),
                .sys(.spawn, 0x10, 5, 0, 0), .record("unmapped name"),
                .sys(.spawn, .imm(UserLayout.imageBase + 0x1FFE), 4, 0, 0), .record("name runs off its page"),
                .sys(.spawn, .imm(UInt64.max - 1), 4, 0, 0), .record("name wraps"),
                .spawn("child", priority: 31), .record("ok"), .wait(.reg(0)), .exit(0)]),
            TestProgram("child", [.exit(0)]),
        ], extraFiles: [("garbage", Array("not an elf at all, just text; long enough to be read".utf8))])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("not found")?.error, .notFound)
        XCTAssertEqual(sys.record("bad executable")?.error, .badExecutable)
        XCTAssertEqual(sys.record("length 0")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("length 65")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("priority 32")?.error, .invalidArgument)
        XCTAssertEqual(sys.record("unmapped name")?.error, .badAddress)
        XCTAssertEqual(sys.record("name runs off its page")?.error, .badAddress)
        XCTAssertEqual(sys.record("name wraps")?.error, .badAddress)
        XCTAssertEqual(sys.record("ok")?.x0, 2, "the failed spawns used no task slot")
        XCTAssertEqual(sys.trace.filter { $0.kind == .taskSpawn }.count, 2, "init and child only")
    }

    func testSpawnCopiesANameThatCrossesAPageBoundary() throws {
        // "child" written as "chi" at the end of one stack page and "ld" at the start of the next.
        let page = UserLayout.stackTop - 0x1000
        let chi = UInt64(0x63) << 40 | UInt64(0x68) << 48 | UInt64(0x69) << 56
        let ld = UInt64(0x6C) | UInt64(0x64) << 8
        let sys = try TestSystem([
            TestProgram("init", [.write(.imm(page - 8), .imm(chi)), .write(.imm(page), .imm(ld)),
                                 .sys(.spawn, .imm(page - 3), 5, 99, 0), .record("spawned"), .wait(.reg(0)), .exit(0)]),
            TestProgram("child", [.record("arg"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("spawned")?.x0, 2)
        XCTAssertEqual(sys.record("arg")?.x0, 99)
    }

    func testSpawnOutOfMemoryTakesNoFrames() throws {
        let sys = try TestSystem([
            TestProgram("init", [.pause, .spawn("huge"), .record("huge"), .pause, .spawn("small"), .record("small"),
                                 .wait(.reg(0)), .exit(0)]),
            TestProgram("huge", [.exit(0)], bss: 8 * 1024 * 1024),
            TestProgram("small", [.exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        let before = sys.kernel.freeFrames
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.record("huge")?.error, .outOfMemory)
        XCTAssertEqual(sys.kernel.freeFrames, before, "a failed load gives back every frame it took")
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("small")?.x0, 2 + 64, "the failed spawn consumed slot 2's first generation")
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    func testTheTaskTableHoldsSixtyThreeTasks() throws {
        var steps: [Step] = []
        for _ in 2...63 { steps.append(.spawn("idle")) }
        steps += [.record("last"), .spawn("idle"), .record("full"), .exit(0)]
        let sys = try TestSystem([TestProgram("init", steps), TestProgram("idle", [.recv(), .exit(0)])], frames: 2048)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("last")?.x0, 63)
        XCTAssertEqual(sys.record("full")?.error, .limitReached)
        XCTAssertEqual(sys.kernel.liveTaskCount, 62, "the children outlive init, blocked in recv")
    }

    func testDeadlockWhenEveryTaskIsBlockedForever() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child"), .call(2), .exit(0)]),
            TestProgram("child", [.call(1), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .deadlock)
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 1)), .blocked(.sending(to: TaskID(raw: 2), isCall: true)))
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 2)), .blocked(.sending(to: TaskID(raw: 1), isCall: true)))
        XCTAssertNil(sys.kernel.runningTask)
    }

    func testTheRunHaltsWhenThePlatformSaysSo() throws {
        let sys = try TestSystem([TestProgram("init", [.compute(1 * us), .jump(0)])])
        sys.machine.timeLimit = 5 * ms
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertGreaterThan(sys.machine.now, 5 * ms)
    }
}
