// Syscall dispatch: unknown numbers return noSuchSyscall and the task goes
// on; every syscall is traced with its task and number; results land in x0
// and leave the other registers (x1–x5 included, for non-IPC calls) alone.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class SyscallDispatchTests: XCTestCase {
    func testUnknownSyscallNumbersReturnNoSuchSyscall() throws {
        let sys = try TestSystem([TestProgram("init", [
            .syscall(38, []), .record("38"), .syscall(39, []), .record("39"), .syscall(99, []), .record("99"),
            .syscall(UInt64.max, []), .record("max"), .getpid, .record("still alive"), .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        for label in ["38", "39", "99", "max"] { XCTAssertEqual(sys.record(label)?.error, .noSuchSyscall, label) }
        XCTAssertEqual(sys.record("still alive")?.x0, 1)
        XCTAssertEqual(sys.trace.filter { $0.kind == .syscall }.map(\.b), [38, 39, 99, UInt64.max, 2, 1])
        XCTAssertEqual(sys.uartText, "", "a bad syscall is not a fault")
    }

    func testSimpleSyscallsWriteOnlyTheirResults() throws {
        let sys = try TestSystem([TestProgram("init", [
            .sys(.getpid, 0, 11, 22, 33, 44, 55), .record("getpid"),
            .sys(.clock, 0, 11, 22, 33, 44, 55), .record("clock"),
            .sys(.yield, 9, 11, 22, 33, 44, 55), .record("yield"),
            .exit(0)])])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("getpid")?.x, [1, 11, 22, 33, 44, 55])
        XCTAssertEqual(sys.record("clock")?.x, [0, 3, 0, 0, 0, 0],
                       "clock returns two values (x1: the instructions retired, one per script step: getpid, record, "
                       + "clock), so it writes x0-x5 like every such call")
        XCTAssertEqual(sys.record("yield")?.x, [0, 11, 22, 33, 44, 55])
    }

    func testEverySyscallIsTracedWithItsTaskAndNumber() throws {
        let sys = try TestSystem([
            TestProgram("init", [.spawn("child"), .save(into: 19), .wait(.reg(19)), .exit(0)]),
            TestProgram("child", [.getpid, .yield, .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.trace.filter { $0.kind == .syscall }.map { [$0.a, $0.b] },
                       [[1, 5], [1, 6], [2, 2], [2, 0], [2, 1], [1, 1]])
    }
}

/// Every number between the defined ones is unknown: the dispatcher has no
/// gaps the ABI does not know about.
final class SyscallNumberingTests: XCTestCase {
    func testUndefinedNumbersBelowTheLastAreRejected() throws {
        let defined = Set(Syscall.allCases.map(\.rawValue))
        let undefined = (0...Syscall.allCases.map(\.rawValue).max()!).filter { !defined.contains($0) }
        let steps = undefined.flatMap { [Step.syscall($0, []), .record("n\($0)")] } + [.exit(0)]
        let sys = try TestSystem([TestProgram("init", steps)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        for n in undefined { XCTAssertEqual(sys.record("n\(n)")?.error, .noSuchSyscall, "\(n)") }
    }
}
