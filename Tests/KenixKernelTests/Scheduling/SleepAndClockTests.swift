// Time: sleep wakes exactly when due (time order, FIFO among equal times),
// sleep(0) does not block, `clock` is the kernel clock in ns, and the
// tick↔ns conversion for a timer that does not run at 1 GHz never wakes a
// sleeper early. Also: slice boundaries must not depend on unrelated timers.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class SleepAndClockTests: XCTestCase {
    func testSleepersWakeInTimeOrderAndEqualTimesInTheOrderTheySlept() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5), ("c", 5)], clients: [], waitFor: [0, 1, 2])),
            TestProgram("a", [.sleep(.imm(2 * ms)), .record("woke"), .exit(0)]),
            TestProgram("b", [.sleep(.imm(2 * ms)), .record("woke"), .exit(0)]),
            TestProgram("c", [.sleep(.imm(1 * ms)), .record("woke"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.timeline, ["c.woke", "a.woke", "b.woke"])
        XCTAssertEqual(sys.records("woke").map(\.time), [1 * ms, 2 * ms, 2 * ms])
        XCTAssertEqual(sys.records("woke").map(\.x0), [0, 0, 0], "sleep returns 0")
        XCTAssertEqual(sys.trace.filter { $0.kind == .interrupt }.map(\.time), [1 * ms, 2 * ms],
                       "one interrupt wakes both sleepers due at 2 ms")
        sys.checkHarness()
    }

    func testSleepZeroReturnsAtOnceWithoutASwitch() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("peer"), .save(into: 19), .compute(10 * us), .sleep(0), .record("back"),
                                 .wait(.reg(19)), .exit(0)]),
            TestProgram("peer", [.record("ran"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.timeline, ["init.back", "peer.ran"])
        XCTAssertEqual(sys.record("back")?.time, 10 * us)
        XCTAssertEqual(sys.record("back")?.x0, 0)
    }

    func testSleepWhileOthersComputeWakesOnTimeInsideTheirSlice() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("busy", priority: 5), .save(into: 19), .sleep(.imm(1234 * us)), .clock,
                                 .record("woke"), .wait(.reg(19)), .exit(0)]),
            TestProgram("busy", [.compute(3 * ms), .record("done"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("woke")?.time, 1234 * us)
        XCTAssertEqual(sys.record("woke")?.x0, 1234 * us)
        XCTAssertEqual(sys.record("done")?.time, 3 * ms)
    }

    func testClockCountsNanosecondsOfUserTime() throws {
        let sys = try TestSystem([TestProgram("init", [.clock, .record("t0"), .compute(12_345), .clock, .record("t1"),
                                                       .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("t0")?.x0, 0)
        XCTAssertEqual(sys.record("t1")?.x0, 12_345)
        XCTAssertEqual(sys.kernel.now, 12_345)
    }

    /// `clock`'s x1 is the CPU's retired-instruction counter (the scripted
    /// CPU retires one per step), read with the clock.
    func testClockAlsoReadsTheRetiredInstructions() throws {
        let sys = try TestSystem([TestProgram("init", [.clock, .record("t0"), .compute(500), .getpid, .clock,
                                                       .record("t1"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let t0 = try XCTUnwrap(sys.record("t0")), t1 = try XCTUnwrap(sys.record("t1"))
        XCTAssertEqual(t1.x0 - t0.x0, 500, "x0 is still the clock")
        XCTAssertEqual(t1.x[1] - t0.x[1], 4, "record, compute, getpid and the second clock")
    }

    /// 62.5 MHz (16 ns per tick, QEMU's generic timer): ns are converted
    /// exactly, and a deadline is rounded up so a sleeper never wakes early.
    func testTicksAreConvertedForA62AndAHalfMegahertzTimer() throws {
        let sys = try TestSystem([
            TestProgram("init", [.compute(100), .clock, .record("100 ticks"),
                                 .sleep(1000), .clock, .record("slept 1000 ns"), .exit(0)]),
        ], frequency: 62_500_000)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("100 ticks")?.x0, 1600)
        // Wake at 1600 + 1000 = 2600 ns = 162.5 ticks → tick 163 = 2608 ns.
        XCTAssertEqual(sys.record("slept 1000 ns")?.time, 163)
        XCTAssertEqual(sys.record("slept 1000 ns")?.x0, 2608)
    }

    func testTimeSliceIsKernelTimeNotTicks() throws {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps([("a", 5), ("b", 5)], clients: [], waitFor: [0, 1])),
            TestProgram("a", [.compute(90_000), .exit(0)]), TestProgram("b", [.compute(90_000), .exit(0)]),
        ], frequency: 62_500_000)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        // 1 ms = 62 500 ticks.
        XCTAssertEqual(sys.switches.map(\.0), [0, 0, 62_500, 125_000, 152_500, 152_500, 180_000])
    }

    /// When a task of equal priority wakes while the running task has been
    /// running alone, when the running task is preempted must not depend on
    /// whether some unrelated, lower-priority timer fired meanwhile.
    ///
    /// Regression (fixed in 1fce163): `sliceEnd` used to be renewed only when a
    /// timer interrupt happened to run `sliceExpired`, so `b` (waking at 5.3 ms)
    /// preempted `a` at once, or at 5.5 ms if a priority-3 sleeper had fired at
    /// 4.5 ms. (`a` runs alone from 1 µs; `b` sleeps until 5.3 ms, `c` until 4.5 ms.)
    func testSliceEndDoesNotDependOnUnrelatedTimers() throws {
        func firstRunOfB(withUnrelatedSleeper: Bool) throws -> UInt64? {
            var initSteps: [Step] = [.spawn("a", priority: 5), .save(into: 19), .spawn("b", priority: 5)]
            if withUnrelatedSleeper { initSteps.append(.spawn("c", priority: 3)) }
            initSteps += [.wait(.reg(19)), .exit(0)]
            let sys = try TestSystem([
                TestProgram("init", initSteps),
                TestProgram("a", [.sleep(.imm(1 * us)), .compute(10 * ms), .exit(0)]),   // lets b and c sleep first
                TestProgram("b", [.sleep(.imm(5300 * us)), .record("running"), .exit(0)]),
                TestProgram("c", [.sleep(.imm(4500 * us)), .exit(0)]),
            ])
            XCTAssertEqual(sys.run(), .initExited(status: 0))
            return sys.record("running")?.time
        }
        let alone = try firstRunOfB(withUnrelatedSleeper: false)
        let withTimer = try firstRunOfB(withUnrelatedSleeper: true)
        XCTAssertEqual(alone, withTimer, "b's first run: \(String(describing: alone)) ns without the unrelated "
                       + "sleeper, \(String(describing: withTimer)) ns with it")
    }

    /// A task running alone is preempted by an equal-priority peer only at a
    /// slice end ("a timer interrupt preempts at the end of a slice"), and the
    /// slice ends lie on a 1 ms grid from its dispatch (Kernel+Scheduling.swift,
    /// `advanceSliceEnd`). So a peer that becomes ready at 5.3 ms first runs at
    /// the next boundary, 6.001 ms — however it was woken.
    ///
    /// KERNEL BUG (Kernel+Time.swift, `timerTick`): a peer woken by its own
    /// sleep timer is made ready *before* `sliceExpired` looks at the stale
    /// slice end, which then sees "slice over, peer waiting" and rotates at
    /// once (5.3 ms). A peer woken by a message at the same instant goes
    /// through `armTimer`, which moves the slice end onto the grid first, and
    /// waits until 6.001 ms.
    func testKernelBugEqualPriorityPeerWaitsForTheSliceBoundaryHoweverItWakes() throws {
        func firstRun(wokenByMessage: Bool) throws -> UInt64? {
            let sys = try TestSystem([
                TestProgram("init", Family.initSteps([("a", 5), ("b", 5), ("waker", 20)], clients: [],
                                                     handOut: wokenByMessage ? [.handOver(child: 1, to: 2)] : [],
                                                     waitFor: [0])),
                TestProgram("a", [.sleep(.imm(1 * us)), .compute(10 * ms), .exit(0)]),   // alone from 1 µs
                TestProgram("b", wokenByMessage ? [.recv(), .record("running"), .exit(0)]
                                                : [.sleep(.imm(5300 * us)), .record("running"), .exit(0)]),
                TestProgram("waker", wokenByMessage
                            ? Step.takeHandle(into: 20) + [.sleep(.imm(5300 * us)), .send(.reg(20)), .exit(0)]
                            : [.exit(0)]),
            ])
            XCTAssertEqual(sys.run(), .initExited(status: 0))
            return sys.record("running")?.time
        }
        XCTAssertEqual(try firstRun(wokenByMessage: true), 6001 * us)
        XCTAssertEqual(try firstRun(wokenByMessage: false), 6001 * us, "woken by its own timer")
    }
}
