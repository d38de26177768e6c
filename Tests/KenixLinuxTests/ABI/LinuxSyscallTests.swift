// The served syscall numbers are the generic table's (asm-generic/unistd.h),
// each has a name in the table the log uses, and the errno values are
// Linux's.
import KenixABI
import KenixLinux
import XCTest

final class LinuxSyscallTests: XCTestCase {
    func testKnownNumbers() {
        let expected: [(LinuxSyscall, UInt64, String)] = [
            (.read, 63, "read"), (.write, 64, "write"), (.openat, 56, "openat"), (.close, 57, "close"),
            (.clone, 220, "clone"), (.execve, 221, "execve"), (.exitGroup, 94, "exit_group"), (.wait4, 260, "wait4"),
            (.mmap, 222, "mmap"), (.brk, 214, "brk"), (.rtSigaction, 134, "rt_sigaction"),
            (.rtSigreturn, 139, "rt_sigreturn"), (.ppoll, 73, "ppoll"), (.pselect6, 72, "pselect6"),
            (.newfstatat, 79, "newfstatat"), (.statx, 291, "statx"), (.getdents64, 61, "getdents64"),
            (.futex, 98, "futex"), (.getrandom, 278, "getrandom"), (.prlimit64, 261, "prlimit64"),
            (.sendfile, 71, "sendfile"), (.clockNanosleep, 115, "clock_nanosleep"), (.faccessat2, 439, "faccessat2"),
        ]
        for (call, number, name) in expected {
            XCTAssertEqual(call.rawValue, number, name)
            XCTAssertEqual(LinuxSyscallNames.name(number).map { "\($0)" }, name)
        }
    }

    func testEveryServedCallHasAName() {
        for call in LinuxSyscall.allCases {
            XCTAssertNotNil(LinuxSyscallNames.name(call.rawValue), "\(call)")
        }
        XCTAssertNil(LinuxSyscallNames.name(999))
        XCTAssertEqual(LinuxSyscallNames.name(293).map { "\($0)" }, "rseq")
    }

    func testErrnoValues() {
        XCTAssertEqual(Errno.EFAULT.result, -14)
        XCTAssertEqual(Errno.ENOSYS.rawValue, 38)
        XCTAssertEqual(Errno.EAGAIN.rawValue, 11)
        XCTAssertEqual(Errno.ECHILD.rawValue, 10)
        XCTAssertEqual(Errno.ENOTTY.rawValue, 25)
        XCTAssertEqual(Errno.EPIPE.rawValue, 32)
    }

    /// AT_HWCAP is KenixABI's CPUBaseline (the Linux server has no copy):
    /// FP, ASIMD, AES, PMULL, SHA1, SHA2, CRC32 (uapi/asm/hwcap.h bits).
    func testTheCPUBaselineIsTheA72sFeatures() {
        XCTAssertEqual(CPUBaseline.hwcap, 0xFB)
        XCTAssertEqual(CPUBaseline.hwcap, 1 << 0 | 1 << 1 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7)
        XCTAssertEqual(CPUBaseline.hwcap2, 0)
    }
}
