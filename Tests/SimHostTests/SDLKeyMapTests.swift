// SDL scancodes (USB HID usages) to Linux codes: letters, digits, the main
// block's punctuation, editing and arrow keys, the keypad and the modifiers.
import XCTest
@testable import SimHost

final class SDLKeyMapTests: XCTestCase {
    func testTheMainBlockArrowsAndModifiers() {
        // (SDL_SCANCODE_*, KEY_*) from SDL_scancode.h and linux/input-event-codes.h
        let expected: [(UInt32, UInt16)] = [
            (4, 30), (5, 48), (29, 44),                 // A, B, Z
            (30, 2), (38, 10), (39, 11),                // 1, 9, 0
            (40, 28), (41, 1), (42, 14), (43, 15), (44, 57),   // Return, Escape, Backspace, Tab, Space
            (45, 12), (46, 13), (47, 26), (48, 27), (49, 43),  // - = [ ] \
            (51, 39), (52, 40), (53, 41), (54, 51), (55, 52), (56, 53), (57, 58),  // ; ' ` , . / CapsLock
            (58, 59), (67, 68), (68, 87), (69, 88),     // F1, F10, F11, F12
            (73, 110), (74, 102), (75, 104), (76, 111), (77, 107), (78, 109),  // Ins Home PgUp Del End PgDn
            (79, 106), (80, 105), (81, 108), (82, 103), // Right, Left, Down, Up
            (88, 96), (89, 79), (98, 82), (99, 83),     // KP Enter, KP 1, KP 0, KP .
            (224, 29), (225, 42), (226, 56), (227, 125), (228, 97), (229, 54), (230, 100), (231, 126),
        ]
        for (scancode, code) in expected {
            XCTAssertEqual(SDLKeyMap.linuxCode(scancode: scancode), code, "scancode \(scancode)")
        }
    }

    func testKeysWithoutACodeAreDropped() {
        for scancode: UInt32 in [0, 1, 2, 3, 0x66, 0x80, 0xDF, 0xE8, 0x1FF, .max] {
            XCTAssertNil(SDLKeyMap.linuxCode(scancode: scancode), "scancode \(scancode)")
        }
    }
}
