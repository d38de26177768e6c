// The US layout table: every printable ASCII character has a key, shift
// exactly for the shifted ones, and the codes are Linux's.
import HAL
import XCTest
@testable import HALHostSim

final class USKeyboardLayoutTests: XCTestCase {
    func testEveryPrintableASCIICharacterHasAKey() {
        let shifted = Set("~!@#$%^&*()_+{}|:\"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
        for v in UInt8(0x20)...UInt8(0x7E) {
            let c = Unicode.Scalar(v)
            guard let key = USKeyboardLayout.key(for: c) else { XCTFail("no key for \(c)"); continue }
            XCTAssertEqual(key.shift, shifted.contains(c), "shift for \(c)")
            XCTAssertTrue((1...57).contains(key.code), "\(c): code \(key.code) outside the main block")
        }
        XCTAssertNil(USKeyboardLayout.key(for: "\u{7F}"))
        XCTAssertNil(USKeyboardLayout.key(for: "€"))
    }

    func testCodesAreLinuxInputEventCodes() {
        // linux/input-event-codes.h
        let expected: [(Unicode.Scalar, UInt16)] = [
            ("1", 2), ("0", 11), ("-", 12), ("=", 13), ("q", 16), ("p", 25), ("[", 26), ("]", 27),
            ("a", 30), ("l", 38), (";", 39), ("'", 40), ("`", 41), ("\\", 43), ("z", 44), ("m", 50),
            (",", 51), (".", 52), ("/", 53), (" ", 57), ("\n", 28), ("\t", 15),
            ("!", 2), (")", 11), ("_", 12), ("+", 13), ("Q", 16), ("{", 26), ("}", 27), ("A", 30),
            (":", 39), ("\"", 40), ("~", 41), ("|", 43), ("Z", 44), ("<", 51), (">", 52), ("?", 53),
        ]
        for (c, code) in expected { XCTAssertEqual(USKeyboardLayout.key(for: c)?.code, code, "\(c)") }
    }

    func testShiftWrapsTheKey() {
        XCTAssertEqual(USKeyboardLayout.events(typing: "?"), [
            KeyEvent(code: 42, pressed: true), KeyEvent(code: 53, pressed: true),
            KeyEvent(code: 53, pressed: false), KeyEvent(code: 42, pressed: false)])
        XCTAssertEqual(USKeyboardLayout.events(typing: "/"), [KeyEvent(code: 53, pressed: true), KeyEvent(code: 53, pressed: false)])
    }
}
