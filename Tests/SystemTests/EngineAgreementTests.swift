// The differential check, in-process: the same initrd, seed and input booted
// on the JIT engine and on the Unicorn engine give the same outcome, console,
// trace hash and simulated time (so the same count of every instruction).
// Tests/System/engines.sh does the same through the kenix-sim CLI for the
// shell, vm, swap and demo sessions and screenshots, and kenix-sim swarm
// --cpu both over many seeds.
//
// Also here: resolving faults on the spot (Kernel+FaultResolver) changes
// traps, never results.
import HAL
import HALHostSim
import KenixKernel
import XCTest

final class EngineAgreementTests: XCTestCase {
    func agree(seed: UInt64, input: String = "", ram: UInt64 = 128 << 20,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let jit = try bootInitrd(seed: seed, input: input, ram: ram, cpu: .jit)
        let unicorn = try bootInitrd(seed: seed, input: input, ram: ram, cpu: .unicorn)
        XCTAssertEqual(jit.outcome, .initExited(status: 0), jit.console, file: file, line: line)
        XCTAssertEqual(jit, unicorn, "seed \(seed): the engines disagree", file: file, line: line)
        XCTAssertEqual(jit.console, unicorn.console, file: file, line: line)
    }

    func testTheSelfTestsAgreeOnSeveralSeeds() throws {
        for seed: UInt64 in [1, 2, 3, 7] { try agree(seed: seed) }
    }

    func testTheVirtualMemoryTestAgrees() throws {
        try agree(seed: 1, input: "run vm\n")
    }

    func testResolvingFaultsInPlaceChangesOnlyTheTraps() throws {
        let inPlace = try bootInitrd(seed: 1, input: "run vm\n")
        let trapped = try bootInitrd(seed: 1, input: "run vm\n", resolveInPlace: false)
        XCTAssertEqual(inPlace.outcome, .initExited(status: 0), inPlace.console)
        XCTAssertEqual(trapped.outcome, .initExited(status: 0), trapped.console)
        XCTAssertTrue(trapped.console.contains("[vm exited with status 0]"), trapped.console)
        XCTAssertNotEqual(inPlace.traceHash, trapped.traceHash, "faults resolved in place are no traps")
        // Both engines agree with the resolver off too.
        let unicorn = try bootInitrd(seed: 1, input: "run vm\n", cpu: .unicorn, resolveInPlace: false)
        XCTAssertEqual(trapped, unicorn)
    }
}
