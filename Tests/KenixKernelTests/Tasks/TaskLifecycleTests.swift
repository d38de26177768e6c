// Task lifecycle: spawn (and each of its errors), exit statuses through
// wait, zombies and orphans, getpid, the task share, and how `run()` ends.
// spawn returns a handle to the child in x0 and its id in x1; scripts keep
// the handle in a register for wait. Ids: init 1, then 2, 3, … ; a reused
// slot's id grows by the table's capacity (64 on these machines).
import HAL
import KenixABI
import KenixKernel
import XCTest

final class TaskLifecycleTests: XCTestCase {
    func testWaitReportsExitStatusesForBlockedAndLateWaiters() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("quick"), .save(into: 19), .spawn("slow"), .save(into: 20),
                                 .sleep(.imm(50 * us)),
                                 .wait(.reg(19)), .record("quick"),          // already a zombie
                                 .wait(.reg(20)), .record("slow"),           // blocks until it exits
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

    /// `wait` reaps only the caller's own children: a handle with `wait` to
    /// any other task (here the grandchild's, handed up by its parent) is
    /// `notChild`; a handle without `wait` (the parent handle, task_self's)
    /// is `notPermitted`; 0 names nothing.
    func testWaitOnlyForOwnLiveOrZombieChildren() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("parent"), .save(into: 19),
                                 .recv(from: .reg(19)), .move(21, .reg(5)),      // the grandchild's handle
                                 .wait(.reg(21)), .record("grandchild"),
                                 .wait(.reg(19)), .record("reaped"),
                                 .wait(.reg(19)), .record("twice"), .taskSelf, .save(into: 22),
                                 .wait(.reg(22)), .record("self"), .wait(0), .record("zero"), .exit(0)]),
            TestProgram("parent", [.spawn("child"), .save(into: 19), .sendHandle(to: parentHandle, handle: .reg(19)),
                                   .wait(parentHandle), .record("wait parent"), .wait(.reg(19)), .exit(0)]),
            TestProgram("child", [.exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("wait parent")?.error, .notPermitted, "the parent handle has only send")
        XCTAssertEqual(sys.record("grandchild")?.error, .notChild, "a handle with wait, but not to a child")
        XCTAssertEqual(sys.record("reaped")?.x0, 0)
        XCTAssertEqual(sys.record("twice")?.error, .notChild, "the reaped child's handle names no child any more")
        XCTAssertEqual(sys.record("self")?.error, .notPermitted, "task_self's handle has no wait right")
        XCTAssertEqual(sys.record("zero")?.error, .badHandle)
    }

    func testZombieChildrenAreFreedWhenTheirParentExits() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("parent"), .wait(.reg(0)), .pause, .exit(0)]),
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
            TestProgram("init", [.spawn("parent"), .wait(.reg(0)), .sleep(.imm(1 * ms)), .pause, .exit(0)]),
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
            TestProgram("init", [.spawn("first"), .wait(.reg(0)), .spawn("second"), .wait(.reg(0)), .exit(0)]),
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
            TestProgram("init", [.getpid, .record("pid"), .spawn("child"), .record("spawned"), .wait(.reg(0)),
                                 .exit(0)]),
            TestProgram("child", [.record("start"), .getpid, .record("pid"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.records("pid").map(\.x0), [1, 2])
        XCTAssertEqual(sys.record("spawned")?.x[1], 2, "x1 = the child's id")
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
                .spawn("child", priority: 31), .record("above own priority"),
                .spawn("child", priority: 31, authority: 7777), .record("bad authority"),
                .spawn("child", priority: 31, authority: .imm(InitHandle.taskDirectory)), .record("not an authority"),
                .spawn("child", priority: 31, authority: .imm(InitHandle.spawnAuthority)), .record("ok"),
                .wait(.reg(0)), .exit(0)]),
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
        XCTAssertEqual(sys.record("above own priority")?.error, .notPermitted)
        XCTAssertEqual(sys.record("bad authority")?.error, .badHandle)
        XCTAssertEqual(sys.record("not an authority")?.error, .badHandle, "a handle of another kind")
        XCTAssertEqual(sys.record("ok")?.x[1], 2, "the failed spawns used no task slot")
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
        XCTAssertEqual(sys.record("spawned")?.x[1], 2)
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
        XCTAssertEqual(sys.kernel.taskCapacity, 64)
        XCTAssertEqual(sys.record("small")?.x[1], 2 + 64, "the failed spawn consumed slot 2's first generation")
        XCTAssertEqual(sys.kernel.freeFrames, sys.bootFreeFrames)
    }

    /// A task's children count against its task ceiling (a share of its
    /// parent's, spawn x5): a spawner given 16/256 of init's ceiling starts
    /// that many children, and the next spawn is refused with `limitReached`
    /// while the table still has free slots.
    func testSpawnStopsAtTheTaskCeiling() throws {
        var steps: [Step] = []
        for _ in 0..<20 { steps += [.spawn("idle"), .record("spawn")] }
        steps += [.exit(0)]
        let sys = try TestSystem([
            TestProgram("init", [.spawn("spawner", share: 16), .save(into: 19), .wait(.reg(19)), .exit(0)]),
            TestProgram("spawner", steps), TestProgram("idle", [.recv(), .exit(0)])], frames: 4096)
        XCTAssertEqual(sys.kernel.taskCapacity, 128)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        // init's ceiling is capacity − 2 slots; the spawner's is 16/256 of
        // what is left beside its own slot.
        let expected = (128 - 2 - 1) * 16 / 256
        let spawns = sys.records("spawn")
        XCTAssertEqual(spawns.prefix(expected).filter { $0.error == nil }.count, expected)
        XCTAssertTrue(spawns.dropFirst(expected).allSatisfy { $0.error == .limitReached }, "\(spawns)")
        XCTAssertEqual(sys.kernel.liveTaskCount, expected, "the children outlive their parents, blocked in recv")
    }

    func testTheTaskTableIsSizedFromRAM() throws {
        let small = try TestSystem([TestProgram("init", [.exit(0)])], frames: 1024)
        XCTAssertEqual(small.kernel.taskCapacity, 64, "never below 64 slots")
        let large = try TestSystem([TestProgram("init", [.exit(0)])], frames: 32_768)
        XCTAssertGreaterThanOrEqual(large.kernel.taskCapacity, 1024, "128 MiB of RAM: at least 1,024 slots")
        XCTAssertEqual(large.kernel.freeFrames, large.bootFreeFrames - large.footprint(of: "init"))
        XCTAssertGreaterThan(large.kernel.tableFrames, small.kernel.tableFrames, "the tables grow with the machine")
        XCTAssertEqual(large.run(), .initExited(status: 0))
        XCTAssertEqual(large.kernel.freeFrames, large.bootFreeFrames)
    }

    func testDeadlockWhenEveryTaskIsBlockedForever() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child"), .call(.reg(0)), .exit(0)]),
            TestProgram("child", [.call(parentHandle), .exit(0)]),
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
