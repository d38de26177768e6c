// KeyMap: Linux key codes to characters, US layout, with Shift, Caps Lock and
// Ctrl (Ctrl-letter gives the control character: Ctrl-D is end of input).
// The keyboard driver feeds it every event, presses and releases alike.

public struct KeyMap {
    // Each modifier key's state: an autorepeat arrives as another press, so
    // counting presses against releases would leave a held key stuck down.
    private var leftShiftDown = false, rightShiftDown = false
    private var leftControlDown = false, rightControlDown = false
    private var capsLock = false, capsLockDown = false

    public init() {}

    // Rows of the main block by Linux code, unshifted and shifted.
    private static let plain: StaticString =
        "\0\u{1B}1234567890-=\u{08}\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 "
    private static let shifted: StaticString =
        "\0\u{1B}!@#$%^&*()_+\u{08}\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 "

    static let leftShift: UInt16 = 42, rightShift: UInt16 = 54
    static let leftControl: UInt16 = 29, rightControl: UInt16 = 97
    static let capsLockKey: UInt16 = 58, keypadEnter: UInt16 = 96

    /// The character `event` types, or nil (a release, a modifier, a key
    /// with no character).
    public mutating func character(for event: KeyEvent) -> UInt8? {
        switch event.code {
        case Self.leftShift: leftShiftDown = event.pressed; return nil
        case Self.rightShift: rightShiftDown = event.pressed; return nil
        case Self.leftControl: leftControlDown = event.pressed; return nil
        case Self.rightControl: rightControlDown = event.pressed; return nil
        case Self.capsLockKey:
            if event.pressed && !capsLockDown { capsLock.toggle() }   // not again on autorepeat
            capsLockDown = event.pressed
            return nil
        case Self.keypadEnter: return event.pressed ? 0x0A : nil
        default: break
        }
        guard event.pressed, Int(event.code) < Self.plain.utf8CodeUnitCount else { return nil }
        let plain = Self.plain.utf8Start[Int(event.code)]
        guard plain != 0 else { return nil }
        let isLetter = plain >= 0x61 && plain <= 0x7A
        if leftControlDown || rightControlDown { return isLetter ? plain - 0x60 : nil }
        let upper = (leftShiftDown || rightShiftDown) != (capsLock && isLetter)
        return upper ? Self.shifted.utf8Start[Int(event.code)] : plain
    }
}
