// real_time: the platform's real-time clock at boot, carried forward by the
// kernel clock; an error on a platform without one.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class RealTimeTests: XCTestCase {
    func testRealTimeIsTheBootReadingPlusTheKernelClock() throws {
        let epoch: UInt64 = 1_767_225_600 * 1_000_000_000
        let sys = try TestSystem([TestProgram("init", [
            .sys(.realTime), .record("first"), .sleep(.imm(5_000 * us)), .sys(.realTime), .record("later"),
            .exit(0)])], realTimeAtZero: epoch)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        let first = try XCTUnwrap(sys.record("first")), later = try XCTUnwrap(sys.record("later"))
        XCTAssertEqual(first.x0, epoch + first.time)
        XCTAssertEqual(later.x0, epoch + later.time)
        XCTAssertGreaterThanOrEqual(later.x0 - first.x0, 5_000 * us)
    }

    func testWithoutAClockRealTimeIsNotFound() throws {
        let sys = try TestSystem([TestProgram("init", [.sys(.realTime), .record("time"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("time")?.error, .notFound)
    }
}
