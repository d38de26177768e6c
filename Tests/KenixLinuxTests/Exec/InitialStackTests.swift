// The initial stack of a Linux program: argc, argv, envp, the auxiliary
// vector in order with AT_NULL last, strings and AT_RANDOM where the
// pointers say, 16-byte alignment.
import KenixABI
import KenixLinux
import XCTest

final class InitialStackTests: XCTestCase {
    let top: UInt64 = 0x7FFF_FFFF_0000
    let info = ExecInfo(phdr: 0x400040, phent: 56, phnum: 6, entry: 0x400580, hwcap: CPUBaseline.hwcap,
                        hwcap2: 0, random: Array(1...16))

    func build(_ argv: [String], _ envp: [String]) throws -> (UInt64, [UInt8]) {
        let r = InitialStack.build(top: top, argv: argv.map { Array($0.utf8) }, envp: envp.map { Array($0.utf8) },
                                   execfn: Array("/bin/sh".utf8), info: info, limit: 1 << 20)
        return try XCTUnwrap(r)
    }

    func word(_ b: [UInt8], _ sp: UInt64, _ i: Int) -> UInt64 { LE.u64(b, i * 8) }

    func string(_ b: [UInt8], _ sp: UInt64, at address: UInt64) -> String {
        var i = Int(address - sp)
        var s: [UInt8] = []
        while b[i] != 0 { s.append(b[i]); i += 1 }
        return String(decoding: s, as: UTF8.self)
    }

    func testLayoutArgvEnvpAuxv() throws {
        let (sp, b) = try build(["sh", "-c", "echo hi"], ["PATH=/bin", "HOME=/"])
        XCTAssertEqual(sp % 16, 0, "sp is 16-byte aligned")
        XCTAssertEqual(sp + UInt64(b.count), top, "the bytes end at the top")
        XCTAssertEqual(word(b, sp, 0), 3, "argc")
        XCTAssertEqual(string(b, sp, at: word(b, sp, 1)), "sh")
        XCTAssertEqual(string(b, sp, at: word(b, sp, 3)), "echo hi")
        XCTAssertEqual(word(b, sp, 4), 0, "argv ends with NULL")
        XCTAssertEqual(string(b, sp, at: word(b, sp, 5)), "PATH=/bin")
        XCTAssertEqual(string(b, sp, at: word(b, sp, 6)), "HOME=/")
        XCTAssertEqual(word(b, sp, 7), 0, "envp ends with NULL")
        var aux: [UInt64: UInt64] = [:]
        var order: [UInt64] = []
        var i = 8
        while true {
            let t = word(b, sp, i), v = word(b, sp, i + 1)
            order.append(t)
            if t == AuxType.null { break }
            aux[t] = v
            i += 2
        }
        XCTAssertEqual(order.last, AuxType.null, "AT_NULL ends the vector")
        XCTAssertEqual(order.filter { $0 == AuxType.null }.count, 1, "and only ends it")
        XCTAssertEqual(aux[AuxType.phdr], 0x400040)
        XCTAssertEqual(aux[AuxType.phent], 56)
        XCTAssertEqual(aux[AuxType.phnum], 6)
        XCTAssertEqual(aux[AuxType.pagesz], 4096)
        XCTAssertEqual(aux[AuxType.entry], 0x400580)
        XCTAssertEqual(aux[AuxType.hwcap], CPUBaseline.hwcap)
        XCTAssertEqual(aux[AuxType.hwcap2], 0)
        XCTAssertEqual(aux[AuxType.clktck], 100)
        XCTAssertEqual(aux[AuxType.secure], 0)
        for id in [AuxType.uid, AuxType.euid, AuxType.gid, AuxType.egid] { XCTAssertEqual(aux[id], 0) }
        XCTAssertEqual(string(b, sp, at: try XCTUnwrap(aux[AuxType.execfn])), "/bin/sh")
        XCTAssertEqual(string(b, sp, at: try XCTUnwrap(aux[AuxType.platform])), "aarch64")
        let random = Int(try XCTUnwrap(aux[AuxType.random]) - sp)
        XCTAssertEqual(Array(b[random..<(random + 16)]), Array(1...16), "AT_RANDOM points at the 16 bytes")
    }

    func testEmptyArgvAndAlignmentForEveryCount() throws {
        for n in 0..<6 {
            let (sp, b) = try build((0..<n).map { "a\($0)" }, [])
            XCTAssertEqual(sp % 16, 0, "\(n) arguments")
            XCTAssertEqual(word(b, sp, 0), UInt64(n))
        }
    }

    func testTooBigForTheLimitIsRefused() {
        let big = [UInt8](repeating: 0x41, count: 100_000)
        XCTAssertNil(InitialStack.build(top: top, argv: [big, big], envp: [], execfn: [0x2F], info: info, limit: 65536))
    }
}
