// CPIOArchive: lookups return exactly a regular file's bytes (padding handled
// for every name/data length), and each malformed archive fails with the
// right CPIOError. Random mutations never trap.
import KenixKernel
import XCTest

func parseCPIO(_ bytes: [UInt8]) -> Result<Void, CPIOError> {
    bytes.withUnsafeBytes { raw in
        Result { () throws(CPIOError) in _ = try CPIOArchive(raw) }
    }
}

/// Looks `name` up in the archive `bytes`; nil when absent (or malformed).
func cpioLookup(_ bytes: [UInt8], _ name: String) -> [UInt8]? {
    bytes.withUnsafeBytes { raw -> [UInt8]? in
        guard let archive = try? CPIOArchive(raw) else { return nil }
        let key = Array(name.utf8)
        return key.withUnsafeBytes { k in archive.file(named: k).map { Array($0) } }
    }
}

final class CPIOArchiveTests: XCTestCase {
    func sample() -> CPIOBuilder {
        var c = CPIOBuilder()
        c.addFile("init", [1, 2, 3])
        c.addDirectory("bin")
        c.addFile("bin/sh", Array("#!".utf8))
        c.addFile("empty", [])
        c.addFile("a", Array(repeating: 7, count: 4097))
        return c
    }

    func expectError(_ bytes: [UInt8], _ expected: CPIOError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(parseCPIO(bytes).failure, expected, file: file, line: line)
    }

    func testLookupReturnsExactlyTheFileBytes() {
        let bytes = sample().build()
        XCTAssertEqual(cpioLookup(bytes, "init"), [1, 2, 3])
        XCTAssertEqual(cpioLookup(bytes, "bin/sh"), Array("#!".utf8))
        XCTAssertEqual(cpioLookup(bytes, "empty"), [])
        XCTAssertEqual(cpioLookup(bytes, "a"), Array(repeating: 7, count: 4097))
    }

    func testLookupMissesNonFilesPrefixesAndUnknownNames() {
        let bytes = sample().build()
        XCTAssertNil(cpioLookup(bytes, "bin"), "a directory is not a file")
        XCTAssertNil(cpioLookup(bytes, "ini"))
        XCTAssertNil(cpioLookup(bytes, "init2"))
        XCTAssertNil(cpioLookup(bytes, "TRAILER!!!"))
        XCTAssertNil(cpioLookup(bytes, "nope"))
    }

    func testLookupStaticStringOverload() {
        let bytes = sample().build()
        let found = bytes.withUnsafeBytes { raw in (try? CPIOArchive(raw))?.file(named: "init").map { Array($0) } }
        XCTAssertEqual(found, [1, 2, 3])
    }

    func testEveryNameAndDataLengthIsPaddedCorrectly() {
        var c = CPIOBuilder()
        var expected: [(String, [UInt8])] = []
        for n in 1...6 {
            for d in 0...5 {
                let name = String(repeating: Character(UnicodeScalar(UInt8(0x60 + n))), count: n) + "\(d)"
                let data = (0..<d).map { UInt8(n * 16 + $0) }
                c.addFile(name, data)
                expected.append((name, data))
            }
        }
        let bytes = c.build()
        for (name, data) in expected { XCTAssertEqual(cpioLookup(bytes, name), data, name) }
    }

    func testEmptyArchiveWithOnlyATrailerIsValid() {
        let bytes = CPIOBuilder().build()
        XCTAssertNil(parseCPIO(bytes).failure)
        XCTAssertNil(cpioLookup(bytes, "init"))
    }

    func testLowercaseHexIsAccepted() {
        var bytes = sample().build()
        // Rewrite two fields: c_namesize of "init" and the mode of "a" with lowercase digits (0o100644 = 0x81a4).
        let off = CPIOBuilder.fieldOffset(11)
        bytes.replaceSubrange(off..<(off + 8), with: Array("00000005".utf8))
        let aHeader = sample().headerOffset(of: 4) + CPIOBuilder.fieldOffset(1)
        bytes.replaceSubrange(aHeader..<(aHeader + 8), with: Array("000081a4".utf8))
        XCTAssertEqual(cpioLookup(bytes, "a"), Array(repeating: 7, count: 4097))
    }

    // MARK: Malformed archives

    func testBadMagic() {
        var bytes = sample().build()
        bytes[5] = UInt8(ascii: "2")            // 070702: the CRC format, not newc
        expectError(bytes, .badMagic)
        var later = sample().build()            // a bad header after good ones
        later[sample().headerOffset(of: 2)] = UInt8(ascii: "1")
        expectError(later, .badMagic)
    }

    func testTruncatedHeaderNameOrData() {
        let bytes = sample().build()
        let second = sample().headerOffset(of: 1)
        expectError(Array(bytes.prefix(second + 50)), .truncated)          // inside a header
        expectError(Array(bytes.prefix(second + 111)), .truncated)         // inside a name
        let aData = sample().headerOffset(of: 4) + 112
        expectError(Array(bytes.prefix(aData + 100)), .truncated)          // inside data
        expectError(Array(bytes.prefix(109)), .truncated)
    }

    func testBadHexDigitInAField() {
        for (field, char) in [(1, "G"), (6, "x"), (11, " "), (6, "-")] {
            var bytes = sample().build()
            bytes[CPIOBuilder.fieldOffset(field) + 3] = UInt8(ascii: Unicode.Scalar(char)!)
            expectError(bytes, .badHeaderField)
        }
    }

    func testMissingTrailer() {
        expectError(sample().build(trailer: false), .missingTrailer)
        expectError([], .missingTrailer)
    }

    func testBadNames() {
        var zero = sample().build()
        zero.replaceSubrange(CPIOBuilder.fieldOffset(11)..<(CPIOBuilder.fieldOffset(11) + 8), with: Array("00000000".utf8))
        expectError(zero, .badName)
        var unterminated = sample().build()
        unterminated[110 + 4] = UInt8(ascii: "!")          // the NUL after "init"
        expectError(unterminated, .badName)
        var huge = sample().build()
        huge.replaceSubrange(CPIOBuilder.fieldOffset(11)..<(CPIOBuilder.fieldOffset(11) + 8), with: Array("00001001".utf8))
        expectError(huge, .badName)
    }

    func testHugeFileSizeIsTruncatedNotATrap() {
        var bytes = sample().build()
        bytes.replaceSubrange(CPIOBuilder.fieldOffset(6)..<(CPIOBuilder.fieldOffset(6) + 8), with: Array("FFFFFFFF".utf8))
        expectError(bytes, .truncated)
    }

    func testRandomMutationsNeverTrap() {
        let seed: UInt64 = 0xC910
        var rng = SeededRandom(seed: seed)
        let base = sample().build()
        var outcomes = Set<String>()
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [UInt8(ascii: "0"), UInt8(ascii: "F"), 0, 0xFF,
                    UInt8.random(in: 0...255, using: &rng)][Int.random(in: 0..<5, using: &rng)]
            }
            if Int.random(in: 0..<8, using: &rng) == 0 { bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng))) }
            switch parseCPIO(bytes) {
            case .success:
                outcomes.insert("ok")
                for name in ["init", "bin/sh", "a", "empty", "x"] { _ = cpioLookup(bytes, name) }
            case .failure(let e): outcomes.insert("\(e)")
            }
        }
        XCTAssertEqual(outcomes, ["ok", "truncated", "badMagic", "badHeaderField", "badName", "missingTrailer"])
    }
}
