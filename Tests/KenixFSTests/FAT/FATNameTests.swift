// Short names, long-name checksums and validity (fatgen103, section 7).
import KenixABI
import XCTest
@testable import KenixFS

final class FATNameTests: XCTestCase {
    func units(_ s: String) -> [UInt16] { Array(s.utf16) }
    func short(_ s: String) -> [UInt8] {
        precondition(s.count == 11)
        return Array(s.utf8)
    }

    func testChecksumMatchesTheSpecificationsAlgorithm() {
        // Reference values from the algorithm of fatgen103, computed independently (Python).
        XCTAssertEqual(FATName.checksum(short("README  TXT")), 0x73)
        XCTAssertEqual(FATName.checksum(short("FILENA~1TXT")), 0x5B)
    }

    func testExactShortNamesNeedNoLongName() {
        XCTAssertEqual(FATName.exactShortName(units("README.TXT"))?.short, short("README  TXT"))
        XCTAssertEqual(FATName.exactShortName(units("README.TXT"))?.flags, 0)
        XCTAssertEqual(FATName.exactShortName(units("readme.txt"))?.flags, FATName.ntLowerBase | FATName.ntLowerExtension)
        XCTAssertEqual(FATName.exactShortName(units("readme.TXT"))?.flags, FATName.ntLowerBase)
        XCTAssertEqual(FATName.exactShortName(units("A1$~"))?.short, short("A1$~       "))
        XCTAssertNil(FATName.exactShortName(units("Makefile")))          // mixed case
        XCTAssertNil(FATName.exactShortName(units("toolongname.c")))
        XCTAssertNil(FATName.exactShortName(units("a.b.c")))
        XCTAssertNil(FATName.exactShortName(units("a b")))
        XCTAssertNil(FATName.exactShortName(units("ü.txt")))
        XCTAssertNil(FATName.exactShortName(units("a+b")))
    }

    func testBasisNamesFollowTheGenerationAlgorithm() {
        func basis(_ s: String) -> (String, Bool, Bool) {
            let b = FATName.basisName(units(s))
            return (String(decoding: b.short, as: UTF8.self), b.lossy, b.fits)
        }
        XCTAssertTrue(basis("The quick brown.fox") == ("THEQUICKFOX", false, false))
        XCTAssertTrue(basis("file.txt") == ("FILE    TXT", false, true))
        XCTAssertTrue(basis(".bashrc") == ("BASHRC     ", false, false))
        XCTAssertTrue(basis("a.b.c.d") == ("A       D  ", false, false))
        XCTAssertTrue(basis("Grüße.txt") == ("GR__E   TXT", true, true))
        XCTAssertTrue(basis("a+b=c.tar.gz") == ("A_B_C   GZ ", true, false))
        XCTAssertTrue(basis("verylongextension.html") == ("VERYLONGHTM", false, false))
    }

    func testNumericTailsTruncateThePrimaryPart() {
        XCTAssertEqual(String(decoding: FATName.withTail(short("FILENAMETXT"), 1), as: UTF8.self), "FILENA~1TXT")
        XCTAssertEqual(String(decoding: FATName.withTail(short("AB      TXT"), 3), as: UTF8.self), "AB~3    TXT")
        XCTAssertEqual(String(decoding: FATName.withTail(short("FILENAMETXT"), 12345), as: UTF8.self), "FI~12345TXT")
        XCTAssertEqual(String(decoding: FATName.withTail(short("FILENAMETXT"), 999_999), as: UTF8.self), "F~999999TXT")
    }

    func testLongNameValidity() {
        XCTAssertNil(FATName.validate(units("a b+c;d=e[f].g h")))
        XCTAssertNil(FATName.validate(units("Ünïcödé ☃ 日本")))
        XCTAssertEqual(FATName.validate(units("")), .invalidArgument)
        XCTAssertEqual(FATName.validate(units(".")), .invalidArgument)
        XCTAssertEqual(FATName.validate(units("..")), .invalidArgument)
        for bad in ["a*b", "a?b", "a:b", "a<b", "a>b", "a|b", "a\"b", "a\\b", "a\u{1}b", "trailing.", "trailing "] {
            XCTAssertEqual(FATName.validate(units(bad)), .invalidArgument, bad)
        }
        XCTAssertNil(FATName.validate([UInt16](repeating: 0x61, count: 255)))
        XCTAssertEqual(FATName.validate([UInt16](repeating: 0x61, count: 256)), .nameTooLong)
    }

    func testShortNamesDecodeWithCaseFlagsAndCodePage437() {
        XCTAssertEqual(FATName.decodeShort(short("README  TXT"), flags: 0), units("README.TXT"))
        XCTAssertEqual(FATName.decodeShort(short("README  TXT"), flags: 0x18), units("readme.txt"))
        XCTAssertEqual(FATName.decodeShort(short("MAKEFILE   "), flags: 0x08), units("makefile"))
        var raw = short("GR  E~1 TXT")
        raw[2] = 0x9A   // Ü in code page 437
        raw[3] = 0xE1   // ß
        XCTAssertEqual(FATName.decodeShort(raw, flags: 0), units("GRÜßE~1.TXT"))
        raw = short("XBC        ")
        raw[0] = 0x05   // a leading 0xE5 byte is stored as 0x05
        XCTAssertEqual(FATName.decodeShort(raw, flags: 0).first, 0x3C3)   // σ (0xE5 in 437)
    }
}
