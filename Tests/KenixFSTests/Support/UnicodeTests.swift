// UTF-8 ↔ UTF-16 for names, and the case folding FAT lookups use.
import XCTest
@testable import KenixFS

final class UnicodeTests: XCTestCase {
    func testRoundTripsEveryKindOfScalar() {
        let text = "aé€😀 ☃ Ünïcödé 日本"
        XCTAssertEqual(Unicode16.fromUTF8(Array(text.utf8)), Array(text.utf16))
        XCTAssertEqual(Unicode16.toUTF8(Array(text.utf16)), Array(text.utf8))
    }

    func testRejectsMalformedUTF8() {
        for bad: [UInt8] in [[0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                             [0x80], [0xE2, 0x82], [0xFF], [0xF8, 0x88, 0x80, 0x80, 0x80]] {
            XCTAssertNil(Unicode16.fromUTF8(bad), "\(bad)")
        }
    }

    func testUnpairedSurrogatesBecomeReplacementCharacters() {
        XCTAssertEqual(Unicode16.toUTF8([0x61, 0xD800, 0x62]), Array("a\u{FFFD}b".utf8))
        XCTAssertEqual(Unicode16.toUTF8([0xDC00]), Array("\u{FFFD}".utf8))
    }

    func testFoldingCoversASCIILatin1AndMore() {
        func eq(_ a: String, _ b: String) -> Bool { CaseFolding.equal(Array(a.utf16), Array(b.utf16)) }
        XCTAssertTrue(eq("readme.txt", "README.TXT"))
        XCTAssertTrue(eq("äöüéçñ", "ÄÖÜÉÇÑ"))
        XCTAssertTrue(eq("ÿ", "Ÿ"))
        XCTAssertTrue(eq("łódź", "ŁÓDŹ"))
        XCTAssertTrue(eq("αβγ ς", "ΑΒΓ Σ"))
        XCTAssertTrue(eq("привет", "ПРИВЕТ"))
        XCTAssertFalse(eq("÷", "×"))
        XCTAssertFalse(eq("a", "b"))
        XCTAssertFalse(eq("ß", "SS"))   // one unit to one unit only
    }
}
