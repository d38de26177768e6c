// PSFFont: a Linux console bitmap font (PC Screen Font, versions 1 and 2), as
// Debian's console-setup and kbd packages ship them. Glyphs are one bit a
// pixel, rows padded to whole bytes, most significant bit leftmost. The
// font's Unicode table says which glyph shows which character; without one
// the glyph index is the character code.

public struct PSFFont {
    public let width: Int
    public let height: Int
    public let bytesPerRow: Int
    private let glyphs: [UInt8]
    private let glyphCount: Int
    private let bytesPerGlyph: Int
    /// Glyph index for each character 0–255.
    private var map: [UInt16]

    public enum Failure: Error { case notPSF, truncated, badHeader }

    public init(_ data: [UInt8]) throws(Failure) {
        func le32(_ i: Int) -> Int { Int(data[i]) | Int(data[i + 1]) << 8 | Int(data[i + 2]) << 16 | Int(data[i + 3]) << 24 }
        var tableStart: Int
        var unicodeTable: Bool
        var psf2 = false
        if data.count >= 4 && data[0] == 0x36 && data[1] == 0x04 {           // PSF1
            width = 8
            height = Int(data[3])
            glyphCount = data[2] & 0x01 != 0 ? 512 : 256
            unicodeTable = data[2] & 0x06 != 0
            bytesPerGlyph = height
            tableStart = 4
        } else if data.count >= 32 && data[0] == 0x72 && data[1] == 0xB5 && data[2] == 0x4A && data[3] == 0x86 {
            psf2 = true                                                      // PSF2
            let headerSize = le32(8)
            unicodeTable = le32(12) & 1 != 0
            glyphCount = le32(16)
            bytesPerGlyph = le32(20)
            height = le32(24)
            width = le32(28)
            tableStart = headerSize
        } else {
            throw .notPSF
        }
        bytesPerRow = (width + 7) / 8
        guard width > 0, height > 0, width <= 64, height <= 64, glyphCount > 0, glyphCount <= 4096,
              bytesPerGlyph >= bytesPerRow * height else { throw .badHeader }
        let glyphEnd = tableStart + glyphCount * bytesPerGlyph
        guard glyphEnd <= data.count else { throw .truncated }
        glyphs = Array(data[tableStart..<glyphEnd])
        let count = glyphCount
        map = (0..<256).map { UInt16($0 < count ? $0 : 0) }
        guard unicodeTable else { return }
        // Each glyph's entry lists the characters it shows, then a terminator
        // (PSF1: UCS-2 words, 0xFFFF ends, 0xFFFE starts sequences; PSF2:
        // UTF-8, 0xFF ends, 0xFE starts sequences). Only single characters
        // below 256 matter here; the first glyph named for one wins.
        var seen = [Bool](repeating: false, count: 256)
        var glyph = 0
        var i = glyphEnd
        var inSequence = false
        while i < data.count && glyph < glyphCount {
            var code = -1
            if psf2 {
                let b = data[i]
                i += 1
                if b == 0xFF { glyph += 1; inSequence = false; continue }
                if b == 0xFE { inSequence = true; continue }
                if b < 0x80 { code = Int(b) }
                else if b & 0xE0 == 0xC0, i < data.count { code = Int(b & 0x1F) << 6 | Int(data[i] & 0x3F); i += 1 }
                else { while i < data.count && data[i] & 0xC0 == 0x80 { i += 1 } }
            } else {
                guard i + 1 < data.count else { break }
                let u = Int(data[i]) | Int(data[i + 1]) << 8
                i += 2
                if u == 0xFFFF { glyph += 1; inSequence = false; continue }
                if u == 0xFFFE { inSequence = true; continue }
                code = u
            }
            if !inSequence, code >= 0, code < 256, !seen[code] {
                seen[code] = true
                map[code] = UInt16(glyph)
            }
        }
    }

    /// Draws the glyph for `character` into XRGB8888 pixels: `topLeft` is
    /// its first pixel, rows are `stride` bytes apart.
    public func draw(_ character: UInt8, at topLeft: UnsafeMutableRawPointer, stride: Int,
                     foreground: UInt32, background: UInt32) {
        let width = self.width, height = self.height, bytesPerRow = self.bytesPerRow
        withGlyph(character) { bits in
            for y in 0..<height {
                let row = (topLeft + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width {
                    let on = bits[y * bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0
                    row[x] = on ? foreground : background
                }
            }
        }
    }

    /// Calls `body` with each row's bits of the glyph for `character`, left
    /// pixel in the top bit of the first byte.
    @inline(__always)
    public func withGlyph<R>(_ character: UInt8, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(map[Int(character)]) * bytesPerGlyph
        return glyphs.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[start..<(start + bytesPerRow * height)]))
        }
    }
}
