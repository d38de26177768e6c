// UTF-8 (the API's names) to and from UTF-16 (FAT's long names on disk),
// without String: the Embedded build then needs no Unicode tables.
// Decoding is strict (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF); encoding turns an unpaired surrogate from a damaged disk into
// U+FFFD rather than failing, so such a name can still be listed.

enum Unicode16 {
    /// The UTF-16 code units of valid UTF-8 `bytes`, or nil if it is not valid UTF-8.
    static func fromUTF8(_ bytes: [UInt8]) -> [UInt16]? {
        var out: [UInt16] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            var scalar: UInt32
            var length: Int
            if b0 < 0x80 { scalar = b0; length = 1 }
            else if b0 & 0xE0 == 0xC0 { scalar = b0 & 0x1F; length = 2 }
            else if b0 & 0xF0 == 0xE0 { scalar = b0 & 0x0F; length = 3 }
            else if b0 & 0xF8 == 0xF0 { scalar = b0 & 0x07; length = 4 }
            else { return nil }
            guard i + length <= bytes.count else { return nil }
            for k in 1..<length {
                let b = UInt32(bytes[i + k])
                guard b & 0xC0 == 0x80 else { return nil }
                scalar = scalar << 6 | (b & 0x3F)
            }
            let minimum: UInt32 = length == 1 ? 0 : length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                return nil
            }
            if scalar >= 0x10000 {
                let v = scalar - 0x10000
                out.append(UInt16(0xD800 | (v >> 10)))
                out.append(UInt16(0xDC00 | (v & 0x3FF)))
            } else {
                out.append(UInt16(scalar))
            }
            i += length
        }
        return out
    }

    /// UTF-8 for UTF-16 `units`; unpaired surrogates become U+FFFD.
    static func toUTF8(_ units: [UInt16]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        var i = 0
        while i < units.count {
            var scalar = UInt32(units[i])
            i += 1
            if (0xD800...0xDBFF).contains(scalar) {
                if i < units.count, (0xDC00...0xDFFF).contains(units[i]) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(units[i]) - 0xDC00)
                    i += 1
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            appendUTF8(scalar, to: &out)
        }
        return out
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// Case folding for FAT name comparison: one UTF-16 unit to its upper-case
/// form. Covers ASCII, Latin-1 Supplement, Latin Extended-A, basic Greek and
/// basic Cyrillic (the ranges of Windows' own up-case table that matter for
/// European names). Everything else compares exactly. Documented in docs/vfs.md.
enum CaseFolding {
    static func upper(_ c: UInt16) -> UInt16 {
        switch c {
        case 0x61...0x7A: return c - 0x20                          // a–z
        case 0xE0...0xFE where c != 0xF7: return c - 0x20           // à–þ (not ÷)
        case 0xFF: return 0x178                                     // ÿ → Ÿ
        case 0x131: return 0x49                                     // dotless ı → I
        case 0x100...0x137 where c & 1 == 1: return c - 1           // Ā ā … Ķ ķ
        case 0x139...0x148 where c & 1 == 0: return c - 1           // Ĺ ĺ … Ň ň
        case 0x14A...0x177 where c & 1 == 1: return c - 1           // Ŋ ŋ … Ŷ ŷ
        case 0x179...0x17E where c & 1 == 0: return c - 1           // Ź ź … Ž ž
        case 0x3AC: return 0x386                                    // ά
        case 0x3AD...0x3AF: return c - 0x25                         // έ ή ί
        case 0x3B1...0x3C1, 0x3C3...0x3CB: return c - 0x20          // α–ρ, σ–ϋ
        case 0x3C2: return 0x3A3                                    // final ς → Σ
        case 0x3CC: return 0x38C                                    // ό
        case 0x3CD...0x3CE: return c - 0x3F                         // ύ ώ
        case 0x430...0x44F: return c - 0x20                         // а–я
        case 0x450...0x45F: return c - 0x50                         // ѐ–џ
        default: return c
        }
    }

    /// Whether two UTF-16 names are equal after folding.
    static func equal(_ a: [UInt16], _ b: [UInt16]) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where upper(a[i]) != upper(b[i]) { return false }
        return true
    }
}
