// The trace events trace viewers are built from (docs/tracing.md): every
// syscall gets one syscallExit, at once or when a blocked task next runs,
// with its number and x0; tasks are named as they start; task switches
// carry the free frames and the ready tasks.
// Ids: init 1, server 2, client 3; all at priority 16.
import HAL
import KenixABI
import KenixKernel
import XCTest

final class TraceEventTests: XCTestCase {
    private func callAndReply() throws -> TestSystem {
        let sys = try TestSystem([
            TestProgram("init", Family.initSteps(["server", "client"], clients: [1], waitFor: [1, 0])),
            TestProgram("server", [.recv(), .compute(50 * us), .reply(tag: 0x77, 1, 2, 3, 4), .exit(0)]),
            TestProgram("client", Step.takeHandle(into: serverHandle) + [
                .call(.reg(serverHandle), tag: 0x55, 10, 20, 30, 40), .record("reply"), .exit(0)]),
        ])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        return sys
    }

    func testEverySyscallEndsOnceWithItsNumber() throws {
        let sys = try callAndReply()
        var open: [UInt64: UInt64] = [:]
        var ended = 0
        for e in sys.trace {
            switch e.kind {
            case .syscall:
                XCTAssertNil(open[e.a], "task \(e.a) enters a syscall inside another")
                open[e.a] = e.b
            case .syscallExit:
                XCTAssertEqual(open.removeValue(forKey: e.a), e.b, "task \(e.a) leaves a syscall it did not enter")
                ended += 1
            case .taskExit:
                XCTAssertEqual(open.removeValue(forKey: e.a), Syscall.exit.rawValue, "a task ends in exit")
            default: break
            }
        }
        XCTAssertTrue(open.isEmpty, "syscalls never ended: \(open)")
        XCTAssertGreaterThan(ended, 5)
    }

    func testABlockedSyscallEndsWhenTheTaskRunsAgain() throws {
        let sys = try callAndReply()
        let exits = sys.trace.filter { $0.kind == .syscallExit }
        // The server's recv ends with the client's id in x0 when it runs at
        // 0; the client's call ends with the reply (x0 0) at 50 µs.
        let recv = exits.first { $0.a == 2 && $0.b == Syscall.recv.rawValue }
        XCTAssertEqual(recv?.c, 3)
        XCTAssertEqual(recv?.time, 0)
        let call = exits.first { $0.a == 3 && $0.b == Syscall.call.rawValue }
        XCTAssertEqual(call?.c, 0)
        XCTAssertEqual(call?.time, 50 * us)
        XCTAssertEqual(sys.record("reply")?.time, 50 * us)
    }

    func testTasksAreNamedAndSwitchesCarryTheCounters() throws {
        let sys = try callAndReply()
        func name(_ e: TimedTraceEvent) -> String {
            var bytes: [UInt8] = []
            for i in 0..<16 {
                let b = UInt8(truncatingIfNeeded: (i < 8 ? e.b : e.c) >> UInt64(8 * (i % 8)))
                if b == 0 { break }
                bytes.append(b)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        let names = sys.trace.filter { $0.kind == .taskName }.map { "\($0.a) \(name($0))" }
        XCTAssertEqual(names, ["1 init", "2 server", "3 client"])
        let switches = sys.trace.filter { $0.kind == .taskSwitch }
        XCTAssertFalse(switches.isEmpty)
        for s in switches {
            XCTAssertGreaterThan(s.b, 0, "free frames")
            XCTAssertLessThanOrEqual(s.b, UInt64(sys.kernel.totalFrames))
            XCTAssertLessThanOrEqual(s.c, 2, "at most the two other tasks wait")
        }
        XCTAssertTrue(switches.contains { $0.c > 0 }, "some switch leaves a task ready")
    }
}
