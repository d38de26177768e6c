// PNGEncoder: XRGB8888 pixels to an 8-bit RGB PNG, with no dependencies.
// The same pixels always give the same bytes.
//
// Each row gets the filter (None, Sub or Up) that leaves it the most zero
// bytes; the filtered rows are one fixed-Huffman deflate block (RFC 1951)
// whose only matches are runs of one byte (distance 1), which is enough for
// the flat areas of a screen. Chunks carry CRC-32s, the zlib stream an
// Adler-32 (RFC 1950).

public enum PNGEncoder {
    /// The PNG of `width` × `height` pixels in `pixels`: little-endian words
    /// 0x00RRGGBB (bytes B, G, R, X), rows `stride` bytes apart.
    public static func encode(xrgb8888 pixels: UnsafeRawBufferPointer, width: Int, height: Int,
                              stride: Int) -> [UInt8] {
        precondition(width > 0 && height > 0 && stride >= width * 4 && pixels.count >= stride * (height - 1) + width * 4,
                     "PNGEncoder: pixels too small for the size")
        var header: [UInt8] = []
        put32(&header, UInt32(width))
        put32(&header, UInt32(height))
        header += [8, 2, 0, 0, 0]   // 8 bits, RGB, deflate, adaptive filters, no interlace
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        chunk(&png, "IHDR", header)
        chunk(&png, "IDAT", zlib(filteredRows(pixels, width: width, height: height, stride: stride)))
        chunk(&png, "IEND", [])
        return png
    }

    public static func encode(_ shot: SimScreenshot) -> [UInt8] {
        shot.pixels.withUnsafeBytes {
            encode(xrgb8888: $0, width: shot.mode.width, height: shot.mode.height, stride: shot.mode.stride)
        }
    }

    /// Each row as RGB bytes behind its filter-type byte.
    static func filteredRows(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int) -> [UInt8] {
        let rowBytes = width * 3
        var out: [UInt8] = []
        out.reserveCapacity((rowBytes + 1) * height)
        var previous = [UInt8](repeating: 0, count: rowBytes)
        var row = [UInt8](repeating: 0, count: rowBytes)
        var sub = row, up = row
        for y in 0..<height {
            let base = y * stride
            for x in 0..<width {
                row[3 * x] = pixels[base + 4 * x + 2]
                row[3 * x + 1] = pixels[base + 4 * x + 1]
                row[3 * x + 2] = pixels[base + 4 * x]
            }
            for i in 0..<rowBytes {
                sub[i] = row[i] &- (i >= 3 ? row[i - 3] : 0)
                up[i] = row[i] &- previous[i]
            }
            let zeros = [row, sub, up].map { $0.reduce(0) { $0 + ($1 == 0 ? 1 : 0) } }
            var best = 0
            for f in 1..<3 where zeros[f] > zeros[best] { best = f }
            out.append(UInt8(best))
            out += best == 0 ? row : best == 1 ? sub : up
            swap(&previous, &row)
        }
        return out
    }

    // MARK: zlib and deflate

    static func zlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]   // deflate, 32 KiB window, (0x7801 % 31 == 0)
        out += deflate(data)
        put32(&out, adler32(data))
        return out
    }

    /// One final fixed-Huffman block of literals and distance-1 runs.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var bits = BitWriter()
        bits.write(1, count: 1)   // BFINAL
        bits.write(1, count: 2)   // BTYPE 01: fixed Huffman
        var i = 0
        while i < data.count {
            var run = 0
            if i > 0 {
                while run < 258 && i + run < data.count && data[i + run] == data[i - 1] { run += 1 }
            }
            if run >= 3 {
                writeLength(run, to: &bits)
                bits.writeCode(0, length: 5)   // distance code 0: distance 1
                i += run
            } else {
                writeLiteral(Int(data[i]), to: &bits)
                i += 1
            }
        }
        writeLiteral(256, to: &bits)   // end of block
        return bits.finish()
    }

    /// Literal/length symbol `s` in the fixed code (RFC 1951 3.2.6).
    static func writeLiteral(_ s: Int, to bits: inout BitWriter) {
        switch s {
        case 0...143: bits.writeCode(0x30 + s, length: 8)
        case 144...255: bits.writeCode(0x190 + s - 144, length: 9)
        case 256...279: bits.writeCode(s - 256, length: 7)
        default: bits.writeCode(0xC0 + s - 280, length: 8)
        }
    }

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                     3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]

    /// A match length 3...258: its symbol (257 + index) and extra bits.
    static func writeLength(_ length: Int, to bits: inout BitWriter) {
        var i = lengthBase.count - 1
        while lengthBase[i] > length { i -= 1 }
        writeLiteral(257 + i, to: &bits)
        if lengthExtra[i] > 0 { bits.write(UInt32(length - lengthBase[i]), count: lengthExtra[i]) }
    }

    // MARK: checksums and chunks

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let end = min(i + 5552, bytes.count)   // the longest stretch without overflow
            while i < end { a += UInt32(bytes[i]); b += a; i += 1 }
            a %= 65521; b %= 65521
        }
        return b << 16 | a
    }

    static func chunk(_ png: inout [UInt8], _ type: StaticString, _ data: [UInt8]) {
        put32(&png, UInt32(data.count))
        let start = png.count
        png += UnsafeBufferPointer(start: type.utf8Start, count: 4)
        png += data
        put32(&png, crc32(png[start...]))
    }

    static func put32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
}

/// Bits into bytes, least significant bit first (deflate's order).
struct BitWriter {
    private var bytes: [UInt8] = []
    private var accumulator: UInt64 = 0
    private var count = 0

    /// The low `count` bits of `value`, lowest first (extra bits, headers).
    mutating func write(_ value: UInt32, count n: Int) {
        accumulator |= UInt64(value & ((1 << n) &- 1)) << UInt64(count)
        count += n
        while count >= 8 {
            bytes.append(UInt8(accumulator & 0xFF))
            accumulator >>= 8
            count -= 8
        }
    }

    /// A Huffman code: its bits go out most significant first.
    mutating func writeCode(_ code: Int, length: Int) {
        var reversed: UInt32 = 0
        for b in 0..<length { reversed |= UInt32(code >> b & 1) << UInt32(length - 1 - b) }
        write(reversed, count: length)
    }

    /// The bytes, the last one padded with zeros.
    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(accumulator & 0xFF)); accumulator = 0; count = 0 }
        return bytes
    }
}
