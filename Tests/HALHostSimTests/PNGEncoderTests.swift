// The PNG writer: its output is decoded here by an independent reader (chunk
// walk, CRC-32 of every chunk, a small inflater for stored and fixed-Huffman
// blocks, Adler-32, the PNG filters) and must give back the exact pixels;
// the same pixels give the same bytes.
import HAL
import XCTest
@testable import HALHostSim

final class PNGEncoderTests: XCTestCase {
    func testChecksumsMatchKnownValues() {
        XCTAssertEqual(PNGEncoder.crc32(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(PNGEncoder.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(PNGEncoder.adler32([UInt8](repeating: 0xFF, count: 100_000)), Self.slowAdler32([UInt8](repeating: 0xFF, count: 100_000)))
    }

    func testAFlatScreenWithTextDecodesToTheExactPixels() throws {
        // 200 × 120: a background, a bar of another colour, noisy "text" and
        // black rows, so that every filter (None, Sub, Up) is used.
        let w = 200, h = 120, stride = w * 4 + 16
        var xrgb = [UInt8](repeating: 0xEE, count: stride * h)   // padding bytes must be ignored
        var rng = SplitMix64(seed: 7)
        for y in 0..<h {
            for x in 0..<w {
                var rgb: (UInt8, UInt8, UInt8) = (0x10, 0x20, 0x30)
                if y >= 40 && y < 60 { rgb = (0xFF, 0x80, 0x00) }
                if y >= 100 && y < 104 { rgb = (0, 0, 0) }
                if y >= 80 && y < 90 && x < 150 && rng.next(below: 3) == 0 {
                    rgb = (UInt8(truncatingIfNeeded: rng.next(below: 256)), 0xFF, UInt8(x))
                }
                let o = y * stride + x * 4
                xrgb[o] = rgb.2; xrgb[o + 1] = rgb.1; xrgb[o + 2] = rgb.0; xrgb[o + 3] = 0x99
            }
        }
        let png = xrgb.withUnsafeBytes { PNGEncoder.encode(xrgb8888: $0, width: w, height: h, stride: stride) }
        let image = try PNGReader.decode(png)
        XCTAssertEqual(image.width, w)
        XCTAssertEqual(image.height, h)
        XCTAssertEqual(image.filters, [0, 1, 2], "each filter was chosen somewhere")
        for y in 0..<h {
            for x in 0..<w {
                let o = y * stride + x * 4, p = (y * w + x) * 3
                guard image.rgb[p] == xrgb[o + 2], image.rgb[p + 1] == xrgb[o + 1], image.rgb[p + 2] == xrgb[o] else {
                    return XCTFail("pixel (\(x), \(y)) differs")
                }
            }
        }
        XCTAssertLessThan(png.count, w * h * 3 / 4, "flat areas compress")
        let again = xrgb.withUnsafeBytes { PNGEncoder.encode(xrgb8888: $0, width: w, height: h, stride: stride) }
        XCTAssertEqual(png, again, "deterministic bytes")
    }

    func testOnePixelAndLongRuns() throws {
        var one: [UInt8] = [0x33, 0x22, 0x11, 0x00]
        let png1 = one.withUnsafeBytes { PNGEncoder.encode(xrgb8888: $0, width: 1, height: 1, stride: 4) }
        XCTAssertEqual(try PNGReader.decode(png1).rgb, [0x11, 0x22, 0x33])
        one = [UInt8](repeating: 0, count: 4096 * 4)   // runs longer than a match (258)
        for i in stride(from: 0, to: one.count, by: 1000) { one[i] = 0x7F }
        let png2 = one.withUnsafeBytes { PNGEncoder.encode(xrgb8888: $0, width: 4096, height: 1, stride: 4096 * 4) }
        let rgb = try PNGReader.decode(png2).rgb
        for x in 0..<4096 {
            XCTAssertEqual(rgb[x * 3 + 2], one[x * 4], "pixel \(x) blue")
            XCTAssertEqual(rgb[x * 3], one[x * 4 + 2], "pixel \(x) red")
        }
    }

    func testScreenshotsEncodeThroughTheirMode() throws {
        let mode = FramebufferMode(width: 2, height: 2, stride: 8)
        let shot = SimScreenshot(mode: mode, pixels: [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 10, 11, 12, 0], time: 0)
        XCTAssertEqual(try PNGReader.decode(PNGEncoder.encode(shot)).rgb, [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10])
    }

    static func slowAdler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in bytes { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        return b << 16 | a
    }
}

/// A minimal PNG reader for 8-bit RGB images, written from the specs.
enum PNGReader {
    struct Image { var width: Int; var height: Int; var rgb: [UInt8]; var filters: Set<UInt8> = [] }
    struct Bad: Error, CustomStringConvertible { var description: String }

    static func decode(_ png: [UInt8]) throws -> Image {
        guard png.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Bad(description: "signature") }
        var i = 8, width = 0, height = 0, idat: [UInt8] = [], types: [String] = []
        while i < png.count {
            let n = Int(be32(png, i))
            let type = String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self)
            let data = Array(png[(i + 8)..<(i + 8 + n)])
            guard be32(png, i + 8 + n) == PNGReaderCRC.crc(Array(png[(i + 4)..<(i + 8 + n)])) else {
                throw Bad(description: "CRC of \(type)")
            }
            types.append(type)
            if type == "IHDR" {
                width = Int(be32(data, 0)); height = Int(be32(data, 4))
                guard Array(data[8...]) == [8, 2, 0, 0, 0] else { throw Bad(description: "not 8-bit RGB") }
            }
            if type == "IDAT" { idat += data }
            i += 12 + n
        }
        guard types.first == "IHDR", types.last == "IEND" else { throw Bad(description: "chunk order \(types)") }
        guard idat.count > 6, (UInt16(idat[0]) << 8 | UInt16(idat[1])) % 31 == 0, idat[0] & 0x0F == 8 else {
            throw Bad(description: "zlib header")
        }
        var inflater = Inflater(Array(idat[2..<(idat.count - 4)]))
        let raw = try inflater.inflate()
        guard be32(idat, idat.count - 4) == PNGEncoderTests.slowAdler32(raw) else { throw Bad(description: "Adler-32") }
        let rowBytes = width * 3
        guard raw.count == (rowBytes + 1) * height else { throw Bad(description: "size \(raw.count)") }
        var rgb: [UInt8] = [], previous = [UInt8](repeating: 0, count: rowBytes), filters: Set<UInt8> = []
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            filters.insert(filter)
            var row = Array(raw[(y * (rowBytes + 1) + 1)..<((y + 1) * (rowBytes + 1))])
            for x in 0..<rowBytes {
                switch filter {
                case 0: break
                case 1: row[x] &+= x >= 3 ? row[x - 3] : 0
                case 2: row[x] &+= previous[x]
                default: throw Bad(description: "filter \(filter)")
                }
            }
            rgb += row
            previous = row
        }
        return Image(width: width, height: height, rgb: rgb, filters: filters)
    }

    static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}

enum PNGReaderCRC {
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return ~c
    }
}

/// Inflates deflate streams made of stored and fixed-Huffman blocks.
struct Inflater {
    let input: [UInt8]
    var bit = 0
    init(_ input: [UInt8]) { self.input = input }

    mutating func bits(_ n: Int) throws -> Int {
        var v = 0
        for k in 0..<n {
            guard bit / 8 < input.count else { throw PNGReader.Bad(description: "deflate runs past its end") }
            v |= Int(input[bit / 8] >> UInt8(bit % 8) & 1) << k
            bit += 1
        }
        return v
    }

    /// A fixed-code literal/length symbol (codes read most significant bit first).
    mutating func symbol() throws -> Int {
        var code = 0
        for length in 1...9 {
            code = code << 1 | (try bits(1))
            switch (length, code) {
            case (7, 0...0x17): return 256 + code
            case (8, 0x30...0xBF): return code - 0x30
            case (8, 0xC0...0xC7): return 280 + code - 0xC0
            case (9, 0x190...0x1FF): return 144 + code - 0x190
            default: continue
            }
        }
        throw PNGReader.Bad(description: "bad symbol")
    }

    mutating func inflate() throws -> [UInt8] {
        let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                          131, 163, 195, 227, 258]
        let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
        let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
        var out: [UInt8] = []
        var final = 0
        while final == 0 {
            final = try bits(1)
            switch try bits(2) {
            case 0:
                bit = (bit + 7) / 8 * 8
                let len = try bits(16), nlen = try bits(16)
                guard len == ~nlen & 0xFFFF else { throw PNGReader.Bad(description: "stored length") }
                for _ in 0..<len { out.append(UInt8(try bits(8))) }
            case 1:
                while true {
                    let s = try symbol()
                    if s < 256 { out.append(UInt8(s)); continue }
                    if s == 256 { break }
                    let length = lengthBase[s - 257] + (try bits(lengthExtra[s - 257]))
                    var d = 0
                    for _ in 0..<5 { d = d << 1 | (try bits(1)) }
                    let distance = distBase[d] + (try bits(distExtra[d]))
                    guard distance <= out.count else { throw PNGReader.Bad(description: "distance too far") }
                    for _ in 0..<length { out.append(out[out.count - distance]) }
                }
            default:
                throw PNGReader.Bad(description: "dynamic Huffman block (not expected)")
            }
        }
        return out
    }
}
