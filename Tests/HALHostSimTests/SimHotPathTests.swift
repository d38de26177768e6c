// The simulator's hot paths under load: many traps in a row, two address
// spaces taking turns (as in an IPC ping-pong) and a long run of straight-
// line code, each with exact results on the simulated clock. Their speed is
// measured by `make bench` (kenix-bench), not here.
import HAL
import XCTest
@testable import HALHostSim

final class SimHotPathTests: XCTestCase {
    /// svc #0; b .-4: every entry runs two instructions and traps; x0 set by
    /// the "kernel" comes back unchanged.
    func testManySvcRoundTripsAreExactOnTheClock() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.svc(), A64.b(-4)], &ctx), .syscall)
        let start = bed.machine.now
        for i in 0..<50_000 {
            ctx.x[0] = UInt64(i)
            guard bed.hal.cpu.enterUser(&ctx) == .syscall, ctx.x[0] == UInt64(i) else {
                return XCTFail("round trip \(i) went wrong")
            }
        }
        XCTAssertEqual(bed.machine.now - start, 2 * 50_000, "two instructions per round trip")
    }

    /// Two address spaces taking turns keep their own registers and code.
    func testTwoAddressSpacesTakingTurns() throws {
        let bed = try SimTestBed()
        let rootB = bed.allocateFrame()
        bed.load([A64.svc(), A64.b(-4)])
        bed.load([A64.movz(1, 7), A64.svc(), A64.b(-8)], root: rootB)
        var a = bed.context(), b = bed.context()
        for i in 0..<20_000 {
            bed.hal.mmu.activate(root: bed.root, asid: ASID(1))
            a.x[0] = UInt64(i)
            guard bed.hal.cpu.enterUser(&a) == .syscall, a.x[0] == UInt64(i), a.x[1] == 0 else {
                return XCTFail("address space A, round \(i)")
            }
            bed.hal.mmu.activate(root: rootB, asid: ASID(2))
            guard bed.hal.cpu.enterUser(&b) == .syscall, b.x[1] == 7 else {
                return XCTFail("address space B, round \(i)")
            }
        }
    }

    /// A long loop of straight-line code is counted instruction by instruction.
    func testLongRunsAreCountedExactly() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        ctx.x[1] = 3_000_000
        bed.load([A64.add(0, 0, 1), A64.subs(1, 1, 1), A64.bne(-8), A64.svc()])
        bed.activate()
        XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall)
        XCTAssertEqual(bed.machine.now, 9_000_001)
        XCTAssertEqual(ctx.x[1], 0)
    }
}
