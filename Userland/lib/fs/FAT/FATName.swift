// FATName: names on a FAT volume. Long names (VFAT) are UTF-16 on disk, at
// most 255 units; every file also has an 8.3 short name in the OEM code page,
// tied to its long name by a checksum. Implements fatgen103 section 7: the
// long-name character rules, the LFN checksum, the basis-name generation
// algorithm and numeric tails ("~n").
//
// Choices (docs/vfs.md): the OEM code page for *generated* short names is
// ASCII only — any other character becomes "_" and counts as a lossy
// conversion, which forces a long name and a numeric tail, as the
// specification allows. Existing short names are decoded as code page 437.
// A name that is exactly an 8.3 name in one case per part (README.TXT,
// readme.txt, Makefile is not) gets no long name: the lower-case parts are
// recorded in the NT flags byte (bits 3 and 4), as Windows NT and Linux do.
// Names ending in a space or a period are refused (Windows would silently
// strip them, making the name on disk differ from the one asked for).

#if canImport(KenixABI)
import KenixABI
#endif

enum FATName {
    static let maxLongName = 255
    static let ntLowerBase: UInt8 = 0x08
    static let ntLowerExtension: UInt8 = 0x10

    /// The LFN checksum of an 11-byte short name (fatgen103, section 7).
    static func checksum(_ short: [UInt8]) -> UInt8 {
        var sum: UInt8 = 0
        for i in 0..<11 { sum = ((sum & 1) != 0 ? 0x80 : 0) &+ (sum >> 1) &+ short[i] }
        return sum
    }

    /// Characters a long name may not contain.
    static func isForbiddenInLongName(_ c: UInt16) -> Bool {
        switch c {
        case 0..<0x20, 0x22, 0x2A, 0x2F, 0x3A, 0x3C, 0x3E, 0x3F, 0x5C, 0x7C: return true
        default: return false
        }
    }

    /// Checks a long name as the API gives it; `nil` when it may be created.
    static func validate(_ name: [UInt16]) -> FileError? {
        if name.isEmpty { return .invalidArgument }
        if name.count > maxLongName { return .nameTooLong }
        if name == [0x2E] || name == [0x2E, 0x2E] { return .invalidArgument }
        for c in name where isForbiddenInLongName(c) { return .invalidArgument }
        if let last = name.last, last == 0x20 || last == 0x2E { return .invalidArgument }
        return nil
    }

    /// Characters allowed in a short name besides A–Z and 0–9 (fatgen103).
    static func isShortSpecial(_ c: UInt16) -> Bool {
        switch c {
        case 0x24, 0x25, 0x27, 0x2D, 0x5F, 0x40, 0x7E, 0x60, 0x21, 0x28, 0x29, 0x7B, 0x7D, 0x5E, 0x23, 0x26: return true
        default: return false
        }
    }

    /// If `name` is a plain 8.3 name with each part in one case, its 11-byte
    /// short name and NT case flags; it then needs no long-name entries.
    static func exactShortName(_ name: [UInt16]) -> (short: [UInt8], flags: UInt8)? {
        var base: [UInt16] = [], ext: [UInt16] = []
        var seenDot = false
        for c in name {
            if c == 0x2E {
                if seenDot { return nil }
                seenDot = true
            } else if seenDot { ext.append(c) } else { base.append(c) }
        }
        guard !base.isEmpty, base.count <= 8, ext.count <= 3, !(seenDot && ext.isEmpty) else { return nil }
        var flags: UInt8 = 0
        func part(_ chars: [UInt16], _ lowerFlag: UInt8) -> [UInt8]? {
            var upper = false, lower = false
            var out: [UInt8] = []
            for c in chars {
                if c >= 0x41 && c <= 0x5A { upper = true; out.append(UInt8(c)) }
                else if c >= 0x61 && c <= 0x7A { lower = true; out.append(UInt8(c - 0x20)) }
                else if (c >= 0x30 && c <= 0x39) || isShortSpecial(c) { out.append(UInt8(c)) }
                else { return nil }
            }
            if upper && lower { return nil }
            if lower { flags |= lowerFlag }
            return out
        }
        guard let b = part(base, ntLowerBase), let e = part(ext, ntLowerExtension) else { return nil }
        var short = [UInt8](repeating: 0x20, count: 11)
        for i in 0..<b.count { short[i] = b[i] }
        for i in 0..<e.count { short[8 + i] = e[i] }
        if short[0] == 0xE5 { short[0] = 0x05 }
        return (short, flags)
    }

    /// The basis name of fatgen103's generation algorithm: 11 bytes, whether
    /// the conversion lost characters, and whether the long name fitted 8.3.
    static func basisName(_ name: [UInt16]) -> (short: [UInt8], lossy: Bool, fits: Bool) {
        var lossy = false
        var fits = true
        // Upper case, OEM (ASCII) conversion, characters valid only in long names.
        var chars: [UInt8] = []
        for c in name {
            let u = CaseFolding.upper(c)
            if u == 0x20 { fits = false; continue }                     // spaces are stripped
            if u >= 0x80 { chars.append(0x5F); lossy = true; continue }
            switch u {
            case 0x2B, 0x2C, 0x3B, 0x3D, 0x5B, 0x5D: chars.append(0x5F); lossy = true
            default: chars.append(UInt8(u))
            }
        }
        var start = 0
        while start < chars.count && chars[start] == 0x2E { start += 1; fits = false }   // leading periods
        let body = Array(chars[start...])
        var lastDot = -1
        for i in 0..<body.count where body[i] == 0x2E { lastDot = i }
        var short = [UInt8](repeating: 0x20, count: 11)
        var copied = 0
        var i = 0
        while i < body.count && body[i] != 0x2E && copied < 8 { short[copied] = body[i]; copied += 1; i += 1 }
        if i < body.count && body[i] != 0x2E { fits = false }           // primary part longer than 8
        let firstDot = body.firstIndex(of: 0x2E) ?? -1
        if firstDot != lastDot { fits = false }                          // more than one period
        if lastDot >= 0 {
            var e = 0
            var k = lastDot + 1
            while k < body.count && e < 3 { if body[k] != 0x2E { short[8 + e] = body[k]; e += 1 }; k += 1 }
            if body.count - lastDot - 1 > 3 { fits = false }
        }
        if copied == 0 { short[0] = 0x5F; lossy = true }                 // nothing usable: "_"
        if short[0] == 0xE5 { short[0] = 0x05 }
        return (short, lossy, fits)
    }

    /// `basis` with the numeric tail "~n" at the end of its primary part,
    /// truncating the primary part as needed (fatgen103: "FILENA~1").
    static func withTail(_ basis: [UInt8], _ n: Int) -> [UInt8] {
        var digits: [UInt8] = []
        var v = n
        repeat { digits.insert(UInt8(0x30 + v % 10), at: 0); v /= 10 } while v > 0
        var primary = 0
        while primary < 8 && basis[primary] != 0x20 { primary += 1 }
        let keep = min(primary, 8 - 1 - digits.count)
        var short = basis
        for k in keep..<8 { short[k] = 0x20 }
        short[keep] = 0x7E
        for (k, d) in digits.enumerated() { short[keep + 1 + k] = d }
        return short
    }

    /// The name a short entry shows: base, "." and extension without padding,
    /// lower-cased per the NT flags, high bytes through code page 437.
    static func decodeShort(_ raw: [UInt8], flags: UInt8) -> [UInt16] {
        var out: [UInt16] = []
        func append(_ range: Range<Int>, lower: Bool) {
            var end = range.upperBound
            while end > range.lowerBound && raw[end - 1] == 0x20 { end -= 1 }
            for i in range.lowerBound..<end {
                var b = raw[i]
                if i == 0 && b == 0x05 { b = 0xE5 }
                if lower && b >= 0x41 && b <= 0x5A { b += 0x20 }
                out.append(b < 0x80 ? UInt16(b) : codePage437[Int(b - 0x80)])
            }
        }
        append(0..<8, lower: flags & ntLowerBase != 0)
        if raw[8] != 0x20 || raw[9] != 0x20 || raw[10] != 0x20 {
            out.append(0x2E)
            append(8..<11, lower: flags & ntLowerExtension != 0)
        }
        return out
    }

    /// Code page 437, bytes 0x80–0xFF, as Unicode.
    static let codePage437: [UInt16] = [
        0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
        0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
        0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
        0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
        0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
        0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
        0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
        0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
    ]
}
