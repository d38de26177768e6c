// USKeyboardLayout: which key (a Linux input event code) types a character
// on a US keyboard, and whether it needs shift. Used to type scripted text
// (`kenix-sim --keys`); turning codes back into characters is the guest
// keyboard driver's job.
import HAL

public enum USKeyboardLayout {
    public static let leftShift: UInt16 = 42   // KEY_LEFTSHIFT
    public static let enter: UInt16 = 28       // KEY_ENTER

    /// Rows of the main block: the characters each key types without and
    /// with shift, and the code of the row's first key (codes run on).
    private static let rows: [(plain: String, shifted: String, first: UInt16)] = [
        ("1234567890-=", "!@#$%^&*()_+", 2),    // KEY_1 .. KEY_EQUAL
        ("qwertyuiop[]", "QWERTYUIOP{}", 16),   // KEY_Q .. KEY_RIGHTBRACE
        ("asdfghjkl;'`", "ASDFGHJKL:\"~", 30),  // KEY_A .. KEY_GRAVE
        ("\\", "|", 43),                        // KEY_BACKSLASH
        ("zxcvbnm,./", "ZXCVBNM<>?", 44),       // KEY_Z .. KEY_SLASH
    ]

    private static let table: [Unicode.Scalar: (code: UInt16, shift: Bool)] = {
        var t: [Unicode.Scalar: (code: UInt16, shift: Bool)] = [
            " ": (57, false),    // KEY_SPACE
            "\n": (enter, false),
            "\t": (15, false),   // KEY_TAB
        ]
        for row in rows {
            for (i, c) in row.plain.unicodeScalars.enumerated() { t[c] = (row.first + UInt16(i), false) }
            for (i, c) in row.shifted.unicodeScalars.enumerated() { t[c] = (row.first + UInt16(i), true) }
        }
        return t
    }()

    /// The key that types `c` and whether shift is held; nil if no key does.
    public static func key(for c: Unicode.Scalar) -> (code: UInt16, shift: Bool)? { table[c] }

    /// Typing `c`: the key's press and release, inside a left shift's press
    /// and release when needed; nil if no key types it.
    public static func events(typing c: Unicode.Scalar) -> [KeyEvent]? {
        guard let (code, shift) = key(for: c) else { return nil }
        let tap = [KeyEvent(code: code, pressed: true), KeyEvent(code: code, pressed: false)]
        guard shift else { return tap }
        return [KeyEvent(code: leftShift, pressed: true)] + tap + [KeyEvent(code: leftShift, pressed: false)]
    }
}
