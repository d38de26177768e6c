// Determinism: a run is a pure function of its image and configuration. Two
// identical runs give identical traces (with timestamps), logs and UART
// output; a different configuration gives a different trace, which shows the
// comparison can fail.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class DeterminismTests: XCTestCase {
    struct RunRecord: Equatable {
        var outcome: RunOutcome
        var trace: [TimedTraceEvent]
        var log: [LogEntry]
        var uart: String
        var freeFrames: Int
    }

    func runWorkload(config: KernelConfig = KernelConfig()) throws -> RunRecord {
        let sys = try TestSystem(Workload.programs, frames: Workload.frames, config: config)
        var outcome = sys.run()
        if outcome == .halted { outcome = sys.run() }
        return RunRecord(outcome: outcome, trace: sys.trace, log: sys.log, uart: sys.uartText,
                         freeFrames: sys.kernel.freeFrames)
    }

    func testTwoIdenticalRunsAreIdentical() throws {
        let a = try runWorkload(), b = try runWorkload()
        XCTAssertEqual(a.outcome, .initExited(status: 0))
        XCTAssertGreaterThan(a.trace.count, 50)
        XCTAssertEqual(a.trace, b.trace)
        XCTAssertEqual(a.log, b.log)
        XCTAssertEqual(a.uart, b.uart)
        XCTAssertEqual(a, b)
    }

    func testADifferentConfigurationChangesTheTrace() throws {
        var config = KernelConfig()
        config.timeSlice = 100 * us
        let a = try runWorkload(), b = try runWorkload(config: config)
        XCTAssertEqual(b.outcome, .initExited(status: 0))
        XCTAssertNotEqual(a.trace, b.trace)
        XCTAssertEqual(a.freeFrames, b.freeFrames)
    }
}
