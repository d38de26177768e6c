// Fixed-priority, round-robin scheduling, checked against exact timelines:
// every task switch (from the trace) with its time on the 1 GHz test clock.
// Init runs at priority 16 and spawns the workers (above its own priority
// with its spawn authority); ids are 1 (init), 2, 3…
import HAL
import KenixABI
import KenixKernel
import XCTest

final class SchedulingTests: XCTestCase {
    func worker(_ name: String, computes ns: UInt64) -> TestProgram {
        TestProgram(name, [.compute(ns), .clock, .record("done"), .exit(0)])
    }

    func assertSwitches(_ sys: TestSystem, _ expected: [(UInt64, UInt64)], file: StaticString = #filePath, line: UInt = #line) {
        let got = sys.switches
        XCTAssertEqual(got.map { "\($0.0)ns→\($0.1)" }, expected.map { "\($0.0)ns→\($0.1)" }, file: file, line: line)
    }

    func interrupts(_ sys: TestSystem) -> [UInt64] { sys.trace.filter { $0.kind == .interrupt }.map(\.time) }

    func testEqualPrioritiesAlternateEveryMillisecondSlice() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5)], clients: [], waitFor: [0, 1])),
            worker("a", computes: 2500 * us), worker("b", computes: 2500 * us),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        assertSwitches(sys, [(0, 1), (0, 2), (1 * ms, 3), (2 * ms, 2), (3 * ms, 3), (4 * ms, 2),
                             (4500 * us, 1), (4500 * us, 3), (5 * ms, 1)])
        XCTAssertEqual(interrupts(sys), [1 * ms, 2 * ms, 3 * ms, 4 * ms], "slice ends only, no other ticks")
        XCTAssertEqual(sys.records("done").map { "\($0.program)@\($0.time) clock=\($0.x0)" },
                       ["a@4500000 clock=4500000", "b@5000000 clock=5000000"])
    }

    func testHigherPriorityTaskRunsToCompletionFirst() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5), ("c", 7)], clients: [], waitFor: [0, 1, 2])),
            worker("a", computes: 2500 * us), worker("b", computes: 2500 * us), worker("c", computes: 3 * ms),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        assertSwitches(sys, [(0, 1), (0, 4), (3 * ms, 2), (4 * ms, 3), (5 * ms, 2), (6 * ms, 3), (7 * ms, 2),
                             (7500 * us, 1), (7500 * us, 3), (8 * ms, 1)])
        XCTAssertEqual(sys.timeline, ["c.done", "a.done", "b.done"])
        XCTAssertEqual(sys.records("done").map(\.time), [3 * ms, 7500 * us, 8 * ms])
        XCTAssertEqual(interrupts(sys), [4 * ms, 5 * ms, 6 * ms, 7 * ms], "c alone at priority 7 is never sliced")
    }

    func testSleepingHighPriorityTaskPreemptsABusyOneExactlyAtItsWakeTime() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("high", 20), ("low", 5)], clients: [], waitFor: [0, 1])),
            TestProgram("high", [.sleep(.imm(2500 * us)), .clock, .record("woke"), .exit(0)]),
            worker("low", computes: 5 * ms),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        // high preempts init as soon as it is spawned; low runs alone until high wakes.
        assertSwitches(sys, [(0, 1), (0, 2), (0, 1), (0, 3), (2500 * us, 2), (2500 * us, 1), (2500 * us, 3),
                             (5 * ms, 1)])
        XCTAssertEqual(sys.record("woke")?.time, 2500 * us)
        XCTAssertEqual(sys.record("woke")?.x0, 2500 * us, "clock after the sleep")
        XCTAssertEqual(sys.record("done")?.time, 5 * ms, "low lost no CPU time")
        XCTAssertEqual(interrupts(sys), [2500 * us])
    }

    func testPreemptedTaskKeepsTheRestOfItsSliceAndStaysAtTheFront() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("high", 20), ("a", 5), ("b", 5)], clients: [], waitFor: [0, 1, 2])),
            TestProgram("high", [.sleep(.imm(300 * us)), .compute(100 * us), .exit(0)]),
            worker("a", computes: 1900 * us), worker("b", computes: 1900 * us),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        // a is preempted at 300 µs with 700 µs of slice left; it gets them back before b runs.
        assertSwitches(sys, [(0, 1), (0, 2), (0, 1), (0, 3), (300 * us, 2), (400 * us, 1), (400 * us, 3),
                             (1100 * us, 4), (2100 * us, 3), (3000 * us, 1), (3000 * us, 4), (3900 * us, 1)])
        XCTAssertEqual(sys.records("done").map(\.time), [3000 * us, 3900 * us])
        XCTAssertEqual(interrupts(sys), [300 * us, 1100 * us, 2100 * us])
    }

    /// A compute that ends exactly on a slice end is interrupted before its
    /// next instruction: the task rotates before it can record.
    func testSliceEndingExactlyWithAComputeRotatesBeforeTheNextStep() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5)], clients: [], waitFor: [0, 1])),
            worker("a", computes: 1 * ms), worker("b", computes: 1 * ms),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        assertSwitches(sys, [(0, 1), (0, 2), (1 * ms, 3), (2 * ms, 2), (2 * ms, 1), (2 * ms, 3), (2 * ms, 1)])
        XCTAssertEqual(sys.timeline, ["a.done", "b.done"])
    }

    func testYieldGoesToTheBackOfItsQueue() throws {
        let steps: [Step] = [.record("1"), .yield, .record("2"), .yield, .record("3"), .exit(0)]
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5), ("c", 5)], clients: [], waitFor: [0, 1, 2])),
            TestProgram("a", steps), TestProgram("b", steps), TestProgram("c", steps),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.timeline, ["a.1", "b.1", "c.1", "a.2", "b.2", "c.2", "a.3", "b.3", "c.3"])
        XCTAssertEqual(sys.records("2").map(\.x0), [0, 0, 0], "yield returns 0")
    }

    func testYieldDoesNotGiveTheCPUToALowerPriority() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("low", priority: 5), .save(into: 19), .yield, .record("after yield"), .wait(.reg(19)),
                                 .exit(0)]),
            TestProgram("low", [.record("ran"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.timeline, ["init.after yield", "low.ran"])
    }

    func testYieldStartsAFreshSliceForTheNextTask() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5)], clients: [], waitFor: [0, 1])),
            TestProgram("a", [.compute(400 * us), .yield, .compute(900 * us), .record("done"), .exit(0)]),
            worker("b", computes: 1500 * us),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        // b gets a whole slice at 400 µs, not the 600 µs a left.
        assertSwitches(sys, [(0, 1), (0, 2), (400 * us, 3), (1400 * us, 2), (2300 * us, 1), (2300 * us, 3),
                             (2800 * us, 1)])
    }

    func testTimeSliceComesFromTheConfig() throws {
        var config = KernelConfig()
        config.timeSlice = 250 * us
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5)], clients: [], waitFor: [0, 1])),
            worker("a", computes: 400 * us), worker("b", computes: 400 * us),
        ], config: config)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        assertSwitches(sys, [(0, 1), (0, 2), (250 * us, 3), (500 * us, 2), (650 * us, 1), (650 * us, 3), (800 * us, 1)])
    }

    func testSpawnWithPriorityZeroInheritsTheCallersPriority() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child"), .save(into: 19), .pause, .wait(.reg(19)), .exit(0)]),
            TestProgram("child", [.exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .halted)
        XCTAssertEqual(sys.kernel.priority(of: TaskID(raw: 2)), 16)
        XCTAssertEqual(sys.kernel.state(of: TaskID(raw: 2)), .ready)
        XCTAssertEqual(sys.kernel.runningTask, TaskID(raw: 1))
        XCTAssertEqual(sys.run(), .initExited(status: 0))
    }

    func testSpawningAHigherPriorityTaskPreemptsTheSpawnerAtOnce() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child", priority: 17, authority: .imm(InitHandle.spawnAuthority)),
                                 .record("spawned"), .wait(.reg(0)), .exit(0)]),
            TestProgram("child", [.record("child ran"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.timeline, ["child.child ran", "init.spawned"])
        XCTAssertEqual(sys.record("spawned")?.x0, 1, "spawn's result (a handle: init's first) survives the preemption")
        XCTAssertEqual(sys.record("spawned")?.x[1], 2, "and the child's id")
    }

    func testALowerPrioritySleeperWakingDoesNotDisturbTheRunningTask() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("busy", 10), ("low", 5)], clients: [], waitFor: [0, 1])),
            TestProgram("busy", [.sleep(.imm(1 * us)), .compute(3 * ms), .exit(0)]),     // lets low go to sleep
            TestProgram("low", [.sleep(.imm(1500 * us)), .record("ran"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        assertSwitches(sys, [(0, 1), (0, 2), (0, 3), (1 * us, 2), (3001 * us, 1), (3001 * us, 3), (3001 * us, 1)])
        XCTAssertEqual(interrupts(sys), [1 * us, 1500 * us])
        XCTAssertEqual(sys.record("ran")?.time, 3001 * us)
    }

    func testIdleWithASleeperJumpsStraightToItsWakeTime() throws {
        let sys = try TestSystem([TestProgram("init", [.sleep(.imm(7 * ms)), .clock, .record("woke"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("woke")?.x0, 7 * ms)
        XCTAssertEqual(sys.trace.filter { $0.kind == .idle }.map(\.time), [0])
        XCTAssertEqual(interrupts(sys), [7 * ms])
    }
}
