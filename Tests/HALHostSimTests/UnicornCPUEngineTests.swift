// The Unicorn engine's host resources: a machine with more address spaces
// than the cap on live Unicorn engines closes the least recently activated
// ones and makes them again on demand, and a space made again runs its own
// code on its own memory.
import HAL
import XCTest
@testable import HALHostSim

final class UnicornCPUEngineTests: XCTestCase {
    func testLiveEnginesAreCappedAndASpaceMadeAgainRunsItsOwnCode() throws {
        let bed = try SimTestBed(SimTestBed.config(cpu: .unicorn))
        let engine = try XCTUnwrap(bed.machine.engine as? UnicornCPUEngine)
        engine.maxLiveSpaces = 3
        // Every space has different code at the same address, as programs
        // do: x0 = [data] + its number.
        var roots: [PhysAddr] = []
        for n in 1...6 {
            let root = bed.allocateFrame()
            let data = bed.map(SimTestBed.dataVA, root: root)
            bed.write64(data, UInt64(1000 * n))
            bed.load([A64.ldr(0, 1), A64.add(0, 0, UInt32(n)), A64.svc()], root: root)
            roots.append(root)
        }
        func run(_ n: Int) -> UInt64 {
            bed.activate(root: roots[n - 1], asid: ASID(UInt16(n)))
            var ctx = bed.context()
            ctx.x[1] = SimTestBed.dataVA
            XCTAssertEqual(bed.hal.cpu.enterUser(&ctx), .syscall, "space \(n)")
            return ctx.x[0]
        }
        for n in 1...6 { XCTAssertEqual(run(n), UInt64(1001 * n)) }
        XCTAssertEqual(engine.liveSpaces, 3)
        XCTAssertEqual(engine.closedForCap, 3)
        // Space 1 was closed; made again, it runs its own code, and the
        // space activated longest ago (4) is the one that goes.
        XCTAssertEqual(run(1), 1001)
        XCTAssertEqual(engine.liveSpaces, 3)
        XCTAssertEqual(engine.closedForCap, 4)
        XCTAssertNil(engine.spaces[4])
        XCTAssertNotNil(engine.spaces[6])
        XCTAssertEqual(run(6), 6006)
        XCTAssertEqual(engine.closedForCap, 4, "a live space is not made again")
    }
}
