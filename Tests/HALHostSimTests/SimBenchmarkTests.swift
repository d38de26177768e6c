// Micro benchmarks of the simulator's hot paths. They print their numbers and
// assert only generous bounds, so they also pass in debug builds. For real
// numbers: swift test -c release --filter SimBenchmarkTests
import Foundation
import HAL
import XCTest
@testable import HALHostSim

final class SimBenchmarkTests: XCTestCase {
    private func nanoseconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start)
    }

    /// svc #0; b .-4 — one trap per round trip, kernel changes x0 each time.
    func testSvcRoundTrip() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        XCTAssertEqual(bed.run([A64.svc(), A64.b(-4)], &ctx), .syscall)
        let n = 200_000
        let ns = nanoseconds {
            for i in 0..<n {
                ctx.x[0] = UInt64(i)
                _ = bed.hal.cpu.enterUser(&ctx)
            }
        }
        print("HALHostSim bench: svc round trip \(String(format: "%.0f", ns / Double(n))) ns")
        XCTAssertLessThan(ns / Double(n), 20_000)
    }

    /// Two address spaces taking turns, as in an IPC ping-pong.
    func testSvcRoundTripAlternatingAddressSpaces() throws {
        let bed = try SimTestBed()
        let rootB = bed.allocateFrame()
        bed.load([A64.svc(), A64.b(-4)])
        bed.load([A64.svc(), A64.b(-4)], root: rootB)
        var a = bed.context(), b = bed.context()
        let n = 100_000
        let ns = nanoseconds {
            for i in 0..<n {
                bed.hal.mmu.activate(root: bed.root, asid: ASID(1))
                a.x[0] = UInt64(i)
                _ = bed.hal.cpu.enterUser(&a)
                bed.hal.mmu.activate(root: rootB, asid: ASID(2))
                b.x[0] = UInt64(i)
                _ = bed.hal.cpu.enterUser(&b)
            }
        }
        print("HALHostSim bench: two-engine ping-pong \(String(format: "%.0f", ns / Double(n))) ns per pair of traps")
        XCTAssertLessThan(ns / Double(n), 40_000)
    }

    /// Straight-line user code throughput.
    func testInstructionThroughput() throws {
        let bed = try SimTestBed()
        var ctx = bed.context()
        ctx.x[1] = 30_000_000
        let code = [A64.add(0, 0, 1), A64.subs(1, 1, 1), A64.bne(-8), A64.svc()]
        bed.load(code)
        bed.activate()
        let ns = nanoseconds { XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall) }
        let mips = Double(bed.machine.now) / ns * 1000
        print("HALHostSim bench: \(String(format: "%.0f", mips)) MIPS (\(bed.machine.stats.slices) slices)")
        XCTAssertEqual(bed.machine.now, 90_000_001)
    }
}
