// The discrete-event clock: exact instruction counting, timer interrupts,
// idle jumps, the time limit and seeded jitter.
import Foundation
import HAL
import XCTest
@testable import HALHostSim

final class SimTimeTests: XCTestCase {
    /// movz x1,#n; loop: add x0,x0,#1; subs x1,x1,#1; b.ne loop; svc
    private func countingLoop(_ n: UInt16) -> [UInt32] {
        [A64.movz(1, n), A64.add(0, 0, 1), A64.subs(1, 1, 1), A64.bne(-8), A64.svc()]
    }

    private func runLoop(slice: UInt64, n: UInt16) throws -> (UInt64, UInt64, UInt64) {
        let bed = try SimTestBed(SimTestBed.config(slice: slice))
        var ctx = bed.context()
        XCTAssertEqual(bed.run(countingLoop(n), &ctx), .syscall)
        return (bed.machine.now, ctx.x[0], bed.machine.traceHash)
    }

    func testInstructionCountIsExactAndIndependentOfSlicing() throws {
        let expected = 1 + 3 * 5000 + 1
        let (t1, x1, h1) = try runLoop(slice: 1_000_000, n: 5000)
        XCTAssertEqual(t1, UInt64(expected))
        XCTAssertEqual(x1, 5000)
        let (t2, x2, h2) = try runLoop(slice: 7, n: 5000)
        XCTAssertEqual(t2, UInt64(expected), "slices stop between blocks, never inside one")
        XCTAssertEqual(x2, 5000)
        XCTAssertEqual(h1, h2)
        let (t3, _, h3) = try runLoop(slice: 1_000_000, n: 5000)
        XCTAssertEqual(t3, t1)
        XCTAssertEqual(h3, h1, "identical across runs")
    }

    func testTimerDeadlineInterruptsUserCodeAtItsTime() throws {
        let bed = try SimTestBed()
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(10_000)
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.add(0, 0, 1), A64.b(-4)], &ctx), .interrupt)
        // The loop block is 2 instructions; the slice ends at the deadline.
        XCTAssertEqual(bed.machine.now, 10_000)
        XCTAssertEqual(ctx.x[0], 5_000)
        XCTAssertEqual(bed.hal.interrupts.acknowledge(), IRQ(27))
        XCTAssertNil(bed.hal.interrupts.acknowledge(), "active: not delivered again before EOI")
        XCTAssertFalse(bed.machine.interruptPending)
        bed.hal.interrupts.endOfInterrupt(IRQ(27))
        XCTAssertTrue(bed.machine.interruptPending, "level: pending until the deadline moves")
        bed.hal.timer.setDeadline(20_000)
        XCTAssertFalse(bed.machine.interruptPending)
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .interrupt)
        XCTAssertEqual(bed.machine.now, 20_000)
        XCTAssertEqual(ctx.x[0], 10_000)
    }

    func testDisabledTimerDoesNotInterrupt() throws {
        let bed = try SimTestBed(SimTestBed.config(maxTime: 50_000))
        bed.hal.timer.setDeadline(10_000)
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.b(0)], &ctx), .halt)
        XCTAssertEqual(bed.machine.now, 50_000)
    }

    func testWaitForInterruptJumpsToTheDeadline() throws {
        let bed = try SimTestBed()
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(123_456_789)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertEqual(bed.hal.timer.now(), 123_456_789)
        XCTAssertEqual(bed.hal.interrupts.acknowledge(), IRQ(27))
        bed.hal.timer.setDeadline(nil)
        bed.hal.interrupts.endOfInterrupt(IRQ(27))
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents)
        XCTAssertEqual(bed.hal.timer.now(), 123_456_789)
    }

    func testNoFutureEvents() throws {
        let bed = try SimTestBed()
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents)
        bed.hal.timer.setDeadline(1000) // armed, but the line is disabled
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .noFutureEvents)
        XCTAssertEqual(bed.machine.now, 0)
    }

    func testTimeLimitHalts() throws {
        let bed = try SimTestBed(SimTestBed.config(maxTime: 1_000_000))
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(5_000_000)
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .halt)
        XCTAssertEqual(bed.machine.now, 1_000_000)
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.b(0)], &ctx), .halt)
    }

    func testTimeLimitStopsARunningTask() throws {
        let bed = try SimTestBed(SimTestBed.config(maxTime: 3_000_000))
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.b(0)], &ctx), .halt)
        XCTAssertEqual(bed.machine.now, 3_000_000)
        XCTAssertEqual(ctx.pc, SimTestBed.codeVA)
    }

    private func deadlines(seed: UInt64) throws -> [UInt64] {
        let bed = try SimTestBed(SimTestBed.config(seed: seed, jitter: 2000))
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        var fired: [UInt64] = []
        for i in 1...20 {
            bed.hal.timer.setDeadline(UInt64(i) * 1_000_000)
            XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
            fired.append(bed.hal.timer.now())
            let irq = bed.hal.interrupts.acknowledge()
            XCTAssertEqual(irq, IRQ(27))
            bed.hal.interrupts.endOfInterrupt(IRQ(27))
        }
        return fired
    }

    func testSeedPerturbsTimerLatencyDeterministically() throws {
        let a = try deadlines(seed: 1), a2 = try deadlines(seed: 1), b = try deadlines(seed: 2)
        XCTAssertEqual(a, a2)
        XCTAssertNotEqual(a, b)
        for (i, t) in a.enumerated() {
            let d = UInt64(i + 1) * 1_000_000
            XCTAssertTrue(t >= d && t < d + 2000, "jitter within 0..<2000 ns: \(t)")
        }
        XCTAssertGreaterThan(Set(a.enumerated().map { $1 - UInt64($0 + 1) * 1_000_000 }).count, 5)
    }

    /// A tiny round-robin "kernel": two address spaces counting in loops,
    /// switched on every timer interrupt. Returns (hash, now, counts).
    private func roundRobin(seed: UInt64) throws -> (UInt64, UInt64, [UInt64]) {
        let bed = try SimTestBed(SimTestBed.config(seed: seed, jitter: 2000))
        let rootB = bed.allocateFrame()
        let loop = [A64.add(0, 0, 1), A64.b(-4)]
        bed.load(loop)
        bed.load(loop, root: rootB)
        var tasks = [bed.context(), bed.context()]
        let roots = [bed.root, rootB]
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        var current = 0
        bed.hal.timer.setDeadline(10_000)
        for _ in 0..<50 {
            bed.hal.trace.record(TraceEvent(.taskSwitch, UInt64(current)))
            bed.hal.mmu.activate(root: roots[current], asid: ASID(UInt16(current + 1)))
            XCTAssertEqual(bed.hal.cpu.enterUser(&tasks[current]), .interrupt)
            let irq = try XCTUnwrap(bed.hal.interrupts.acknowledge())
            bed.hal.trace.record(TraceEvent(.interrupt, UInt64(irq.number)))
            bed.hal.timer.setDeadline(bed.hal.timer.now() + 10_000)
            bed.hal.interrupts.endOfInterrupt(irq)
            current ^= 1
        }
        return (bed.machine.traceHash, bed.machine.now, tasks.map { $0.x[0] })
    }

    func testSameSeedSameRunDifferentSeedDifferentInterleaving() throws {
        let a = try roundRobin(seed: 7), a2 = try roundRobin(seed: 7), b = try roundRobin(seed: 8)
        XCTAssertEqual(a.0, a2.0)
        XCTAssertEqual(a.1, a2.1)
        XCTAssertEqual(a.2, a2.2)
        XCTAssertNotEqual(a.0, b.0)
        XCTAssertNotEqual(a.2, b.2, "the split of CPU time between the tasks differs")
    }

    func testRealtimeIdleSleepsTheHost() throws {
        var c = SimTestBed.config()
        c.realtime = true
        let bed = try SimTestBed(c)
        bed.hal.interrupts.enable(bed.hal.timer.irq)
        bed.hal.timer.setDeadline(30_000_000) // 30 ms
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertEqual(bed.hal.cpu.waitForInterrupt(), .interrupt)
        XCTAssertGreaterThanOrEqual(DispatchTime.now().uptimeNanoseconds - start, 30_000_000)
        XCTAssertEqual(bed.machine.now, 30_000_000)
    }

    func testSplitMix64KnownValues() {
        // Reference values of SplitMix64 seeded with 0.
        var r = SplitMix64(seed: 0)
        XCTAssertEqual(r.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(r.next(), 0x6E78_9E6A_A1B9_65F4)
    }
}
