// Tier 2, in-process: the real initrd (build/initrd.cpio, from `make
// userland`) booted by the real kernel on the host backend. Every self-test
// line is checked, and runs are replayed by seed: the same seed gives the same
// console and trace hash, different seeds give different interleavings that
// still pass. Tests/System/run.sh checks the same through the kenix-sim CLI.
import HAL
import HALHostSim
import KenixKernel
import XCTest

final class BootInitrdTests: XCTestCase {
    static let selfTests = ["ipc", "shm", "preempt", "priority", "fault", "sleep", "errors", "files", "cfiles"]

    func boot(seed: UInt64, input: String = "", fastPath: Bool = true) throws -> BootedRun {
        try bootInitrd(seed: seed, input: input, fastPath: fastPath)
    }

    func testEverySelfTestPasses() throws {
        let run = try boot(seed: 1)
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        let lines = run.console.split(separator: "\n").map(String.init)
        for name in Self.selfTests {
            XCTAssertTrue(lines.contains("PASS \(name)"), "no PASS line for \(name):\n\(run.console)")
        }
        XCTAssertFalse(lines.contains { $0.hasPrefix("FAIL") }, run.console)
        XCTAssertTrue(lines.contains("selftest: 9 passed, 0 failed"))
        XCTAssertEqual(lines.last, "ksh> ", "then the shell starts, and ends with the (empty) input")
        XCTAssertTrue(lines.contains { $0.hasPrefix("kenix: killed task") && $0.contains("(fault): data abort") },
                      "the deliberate fault has its diagnostic line")
    }

    func testTheShellRunsTypedCommands() throws {
        let run = try boot(seed: 1, input: "echo one two\nrun ticker\nmem\n")
        XCTAssertEqual(run.outcome, .initExited(status: 0), run.console)
        XCTAssertTrue(run.console.contains("ksh> echo one two\none two\n"), run.console)
        XCTAssertTrue(run.console.contains("ticker: tick 3\n"), run.console)
        XCTAssertTrue(run.console.contains("[ticker exited with status 0]"), run.console)
        XCTAssertTrue(run.console.contains("ksh> mem\nframes: "), run.console)
    }

    func testTheIPCFastPathChangesNothingButSpeed() throws {
        let fast = try boot(seed: 5, input: "run ticker\n"), slow = try boot(seed: 5, input: "run ticker\n", fastPath: false)
        XCTAssertEqual(fast.outcome, .initExited(status: 0))
        XCTAssertEqual(fast, slow, "same console, same trace hash, same simulated time")
        XCTAssertGreaterThan(fast.fastPathCount, 10, "calls to the console server took the fast path")
        XCTAssertEqual(slow.fastPathCount, 0)
    }

    func testTheSameSeedReplaysExactly() throws {
        let a = try boot(seed: 42), b = try boot(seed: 42)
        XCTAssertEqual(a, b)
    }

    func testDifferentSeedsExploreDifferentInterleavingsThatEachReplay() throws {
        var hashes = Set<UInt64>()
        for seed: UInt64 in [1, 2, 3] {
            let first = try boot(seed: seed), again = try boot(seed: seed)
            XCTAssertEqual(first.outcome, .initExited(status: 0), "seed \(seed):\n\(first.console)")
            XCTAssertEqual(first, again, "seed \(seed) does not replay")
            hashes.insert(first.traceHash)
        }
        XCTAssertEqual(hashes.count, 3, "three seeds should give three different interleavings")
    }
}
