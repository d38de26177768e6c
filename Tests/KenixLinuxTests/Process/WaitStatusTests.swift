// Wait statuses as glibc's macros read them (bits/waitstatus.h): exit codes
// in bits 8–15, the signal in bits 0–6, WCOREDUMP bit 7, stops 0x7F, and
// continues 0xFFFF.
import KenixLinux
import XCTest

final class WaitStatusTests: XCTestCase {
    func WIFEXITED(_ s: UInt32) -> Bool { s & 0x7F == 0 }
    func WEXITSTATUS(_ s: UInt32) -> UInt32 { (s & 0xFF00) >> 8 }
    func WIFSIGNALED(_ s: UInt32) -> Bool { Int8(truncatingIfNeeded: (s & 0x7F) + 1) >> 1 > 0 }
    func WTERMSIG(_ s: UInt32) -> UInt32 { s & 0x7F }
    func WIFSTOPPED(_ s: UInt32) -> Bool { s & 0xFF == 0x7F }

    func testExited() {
        for code in [0, 1, 3, 42, 255] {
            let s = ProcessEnd.exited(code).waitStatus
            XCTAssertTrue(WIFEXITED(s)); XCTAssertFalse(WIFSIGNALED(s))
            XCTAssertEqual(WEXITSTATUS(s), UInt32(code))
        }
        XCTAssertEqual(ProcessEnd.exited(256 + 7).waitStatus, 7 << 8, "only the low 8 bits")
    }

    func testSignaled() {
        let s = WaitStatus.killedBy(Signal.SIGSEGV).waitStatus
        XCTAssertTrue(WIFSIGNALED(s)); XCTAssertFalse(WIFEXITED(s))
        XCTAssertEqual(WTERMSIG(s), 11)
        XCTAssertEqual(s & 0x80, 0, "no core dump is written, so WCOREDUMP is clear (sh says \\\"Segmentation fault\\\")")
        XCTAssertEqual(ProcessEnd.signaled(6, core: true).waitStatus, 6 | 0x80)
        XCTAssertEqual(WaitStatus.killedBy(Signal.SIGINT).waitStatus, 2)
    }

    func testStoppedAndContinued() {
        let s = WaitStatus.stopped(Signal.SIGTSTP)
        XCTAssertTrue(WIFSTOPPED(s)); XCTAssertFalse(WIFEXITED(s)); XCTAssertFalse(WIFSIGNALED(s))
        XCTAssertEqual(WEXITSTATUS(s), 20, "WSTOPSIG")
        XCTAssertEqual(WaitStatus.continued, 0xFFFF)
    }

    func testChildInfo() {
        XCTAssertTrue(WaitStatus.childInfo(.exited(3)) == (SignalInfo.childExited, 3))
        XCTAssertTrue(WaitStatus.childInfo(.signaled(9, core: false)) == (SignalInfo.childKilled, 9))
    }
}
