// SDLKeyMap: SDL scancodes (USB HID keyboard usages) to Linux input event
// codes, for the window's keys: the main block, function keys, the editing
// and arrow keys, the keypad and the modifiers. Other keys have no code and
// are dropped.

public enum SDLKeyMap {
    /// Usages 0x00..<0x66; 0 where there is no key.
    private static let main: [UInt16] = [
        //  0    1    2    3    4 A  5 B  6 C  7 D  8 E  9 F   a G  b H  c I  d J  e K  f L
             0,   0,   0,   0,  30,  48,  46,  32,  18,  33,  34,  35,  23,  36,  37,  38,
        // 10 M 11 N 12 O 13 P 14 Q 15 R 16 S 17 T 18 U 19 V  1a W 1b X 1c Y 1d Z 1e 1 1f 2
            50,  49,  24,  25,  16,  19,  31,  20,  22,  47,  17,  45,  21,  44,   2,   3,
        // 20 3 21 4 22 5 23 6 24 7 25 8 26 9 27 0 28 ENTER 29 ESC 2a BKSP 2b TAB 2c SPACE 2d - 2e = 2f [
             4,   5,   6,   7,   8,   9,  10,  11,  28,   1,  14,  15,  57,  12,  13,  26,
        // 30 ] 31 \ 32 non-US # 33 ; 34 ' 35 ` 36 , 37 . 38 / 39 CAPS 3a F1 .. 3f F6
            27,  43,  43,  39,  40,  41,  51,  52,  53,  58,  59,  60,  61,  62,  63,  64,
        // 40 F7 .. 43 F10, 44 F11, 45 F12, 46 SYSRQ, 47 SCROLL, 48 PAUSE, 49 INSERT, 4a HOME,
        // 4b PGUP, 4c DELETE, 4d END, 4e PGDN, 4f RIGHT
            65,  66,  67,  68,  87,  88,  99,  70, 119, 110, 102, 104, 111, 107, 109, 106,
        // 50 LEFT, 51 DOWN, 52 UP, 53 NUMLOCK, 54 KP/, 55 KP*, 56 KP-, 57 KP+, 58 KPENTER,
        // 59 KP1 .. 5f KP7
           105, 108, 103,  69,  98,  55,  74,  78,  96,  79,  80,  81,  75,  76,  77,  71,
        // 60 KP8, 61 KP9, 62 KP0, 63 KP., 64 non-US \ (KEY_102ND), 65 menu (KEY_COMPOSE)
            72,  73,  82,  83,  86, 127,
    ]

    /// Usages 0xe0..<0xe8: left ctrl, shift, alt, meta; right ctrl, shift, alt, meta.
    private static let modifiers: [UInt16] = [29, 42, 56, 125, 97, 54, 100, 126]

    /// The Linux code of the key with SDL scancode `scancode`, if it has one.
    public static func linuxCode(scancode: UInt32) -> UInt16? {
        let code: UInt16
        switch scancode {
        case 0..<UInt32(main.count): code = main[Int(scancode)]
        case 0xE0..<0xE8: code = modifiers[Int(scancode - 0xE0)]
        default: return nil
        }
        return code == 0 ? nil : code
    }
}
