// The gdb stub's protocol layer: packet framing over a socket (checksums,
// acknowledgements, escaping, the 0x03 interrupt) and the register file
// against the target description. The stub against a real gdb and a real
// kernel is Tests/System/gdb.sh.
import HAL
import XCTest
@testable import HALHostSim
#if canImport(Glibc)
import Glibc
#endif

final class GDBProtocolTests: XCTestCase {
    /// A connected pair: the stub's end and the test's raw fd.
    private func pair() -> (GDBConnection, Int32) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        return (GDBConnection.adopting(fd: fds[0]), fds[1])
    }

    private func write(_ fd: Int32, _ s: String) {
        let bytes = Array(s.utf8)
        XCTAssertEqual(bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }, bytes.count)
    }

    private func read(_ fd: Int32, _ n: Int) -> String {
        var out: [UInt8] = []
        var b: UInt8 = 0
        while out.count < n, Glibc.read(fd, &b, 1) == 1 { out.append(b) }
        return String(decoding: out, as: UTF8.self)
    }

    func testPacketsAreChecksummedAcknowledgedAndEscaped() {
        let (c, fd) = pair()
        defer { close(fd) }
        write(fd, "+$qSupported:multiprocess+#c6")
        XCTAssertEqual(c.receive(), "qSupported:multiprocess+")
        XCTAssertEqual(read(fd, 1), "+")
        // A bad checksum is refused with '-', and the resent packet taken.
        write(fd, "$g#00$g#67")
        XCTAssertEqual(c.receive(), "g")
        XCTAssertEqual(read(fd, 2), "-+")
        // The stub waits for gdb's '+' after each packet it sends.
        write(fd, "+")
        c.send("a#b$c}d")
        XCTAssertEqual(read(fd, 14), "$a}\u{03}b}\u{04}c}]d#" + checksum("a}\u{03}b}\u{04}c}]d"))
        // No-ack mode: nothing more is acknowledged either way.
        c.disableAcks()
        write(fd, "$m0,4#fd")
        XCTAssertEqual(c.receive(), "m0,4")
        c.send("E14")
        XCTAssertEqual(read(fd, 7), "$E14#aa")
    }

    func testInterruptByteIsSeenWithoutBlocking() {
        let (c, fd) = pair()
        XCTAssertFalse(c.interruptRequested())
        write(fd, "\u{03}")
        XCTAssertTrue(c.interruptRequested())
        XCTAssertFalse(c.interruptRequested())
        close(fd)
        _ = c.interruptRequested()
        XCTAssertTrue(c.closed, "a peer that went away closes the connection")
    }

    func testRegistersRoundTripInTheTargetDescriptionsOrder() {
        var a = UserContext(entry: 0x40_0120, stackTop: 0x8000_0000)
        for i in 0..<31 { a.x[i] = 0x1111_0000_0000_0000 &* UInt64(i + 1) &+ UInt64(i) }
        a.nzcv = 0x6000_0000
        a.tpidr = 0xDEAD_BEEF
        for i in 0..<64 { a.fp.v[i] = UInt64(i) &* 0x0101_0101_0101_0101 }
        a.fp.fpcr = 0x0300_0000
        a.fp.fpsr = 0x1F
        let all = (0..<GDBRegisters.count).flatMap { GDBRegisters.read($0, a) }
        XCTAssertEqual(all.count, 31 * 8 + 8 + 8 + 4 + 32 * 16 + 4 + 4 + 8)
        var b = UserContext()
        var off = 0
        for n in 0..<GDBRegisters.count {
            GDBRegisters.write(n, all[off..<(off + GDBRegisters.size(n))], &b)
            off += GDBRegisters.size(n)
        }
        for i in 0..<31 { XCTAssertEqual(b.x[i], a.x[i]) }
        for i in 0..<64 { XCTAssertEqual(b.fp.v[i], a.fp.v[i]) }
        XCTAssertEqual([b.sp, b.pc, b.nzcv, b.tpidr, b.fp.fpcr, b.fp.fpsr], [a.sp, a.pc, a.nzcv, a.tpidr, a.fp.fpcr, a.fp.fpsr])
        XCTAssertEqual(GDBRegisters.read(32, a).hexString, "2001400000000000", "pc, little-endian")
        // The description numbers exactly these registers, in this order.
        let xml = GDBRegisters.targetXML
        XCTAssertEqual(xml.components(separatedBy: "<reg ").count - 1, GDBRegisters.count)
        for (name, n) in [("x0", 0), ("sp", 31), ("pc", 32), ("cpsr", 33), ("v0", 34), ("v31", 65), ("fpsr", 66), ("fpcr", 67), ("tpidr", 68)] {
            XCTAssertTrue(xml.contains("name=\"\(name)\" bitsize=\"\(GDBRegisters.size(n) * 8)\""), name)
            XCTAssertTrue(xml.contains("name=\"\(name)\"") && xml.contains("regnum=\"\(n)\""), name)
        }
        for feature in ["org.gnu.gdb.aarch64.core", "org.gnu.gdb.aarch64.fpu", "org.gnu.gdb.aarch64.tls"] {
            XCTAssertTrue(xml.contains(feature), feature)
        }
    }

    private func checksum(_ s: String) -> String {
        let sum = s.utf8.reduce(UInt8(0)) { $0 &+ $1 }
        return (sum < 16 ? "0" : "") + String(sum, radix: 16)
    }
}
