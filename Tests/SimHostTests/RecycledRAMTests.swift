// RAM given back by one machine is the next machine's, all zero again: the
// pages the first one wrote are cleared, wherever they are, and RAM of
// another size is a fresh mapping. A boot image loaded into RAM is there,
// exactly, whatever the last machine left over it.
import XCTest
@testable import SimHost

final class RecycledRAMTests: XCTestCase {
    private let size: UInt64 = 8 << 20

    func testTheNextMachineOfTheSameSizeGetsTheSameRAMAllZero() throws {
        let first = try HostRAM.allocate(size: size, aliasable: false)
        let bytes = first.base.assumingMemoryBound(to: UInt8.self)
        // Pages written here and there, a run of them, the first and the last.
        let written = [0, 1, 2, 3, 700, 1024, 1025, 2047]
        for page in written { bytes[page * 4096 + 123] = 0xA5 }
        bytes[Int(size) - 1] = 0x5A
        _ = bytes[1500 * 4096]  // read only: maps the zero page, if anything
        first.release()

        let second = try HostRAM.allocate(size: size, aliasable: false)
        defer { second.release() }
        XCTAssertEqual(second.base, first.base, "recycled, not mapped again")
        let again = second.base.assumingMemoryBound(to: UInt8.self)
        for page in written { XCTAssertEqual(again[page * 4096 + 123], 0, "page \(page)") }
        XCTAssertEqual(again[Int(size) - 1], 0)
        var nonzero = 0
        for i in 0..<Int(size) where again[i] != 0 { nonzero += 1 }
        XCTAssertEqual(nonzero, 0)
    }

    func testRAMOfAnotherSizeIsMappedFresh() throws {
        let first = try HostRAM.allocate(size: size, aliasable: false)
        first.base.storeBytes(of: 0xFF, as: UInt8.self)
        first.release()
        let other = try HostRAM.allocate(size: size * 2, aliasable: false)
        defer { other.release() }
        XCTAssertEqual(other.base.load(as: UInt8.self), 0)
        XCTAssertEqual(other.size, size * 2)
    }

    /// The image's pages are compared rather than cleared and copied: the
    /// result must be the image, byte for byte, with zeros around it, after
    /// a machine that wrote over it, around it and past its end.
    func testABootImageIsLoadedExactlyOverWhatTheLastMachineLeft() throws {
        let offset = 1000 * 4096
        let image = (0..<(3 * 4096 + 100)).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
        func allocate() throws -> HostRAM {
            try image.withUnsafeBytes { try HostRAM.allocate(size: size, aliasable: false, image: $0, at: offset) }
        }
        func check(_ ram: HostRAM, _ what: String) {
            let bytes = ram.base.assumingMemoryBound(to: UInt8.self)
            var wrong = 0
            for i in 0..<Int(size) {
                let expected = i >= offset && i < offset + image.count ? image[i - offset] : 0
                if bytes[i] != expected { wrong += 1 }
            }
            XCTAssertEqual(wrong, 0, what)
        }
        let first = try allocate()
        check(first, "fresh RAM")
        let bytes = first.base.assumingMemoryBound(to: UInt8.self)
        bytes[offset + 5] ^= 0xFF                      // inside the image's first page
        bytes[offset + 2 * 4096 + 17] = 0              // its third
        bytes[offset + image.count + 3] = 0x77         // past its end, in its last page
        bytes[offset - 1] = 0x11                       // the page below it
        bytes[12] = 0x22
        first.release()

        let second = try allocate()
        XCTAssertEqual(second.base, first.base, "recycled, not mapped again")
        check(second, "recycled RAM")
        second.release()

        // Another image over the same place: every page of it differs.
        let other = [UInt8](repeating: 0xEE, count: 4096)
        let third = try other.withUnsafeBytes { try HostRAM.allocate(size: size, aliasable: false, image: $0, at: offset) }
        defer { third.release() }
        let again = third.base.assumingMemoryBound(to: UInt8.self)
        XCTAssertEqual(again[offset], 0xEE)
        XCTAssertEqual(again[offset + 4095], 0xEE)
        XCTAssertEqual(again[offset + 4096], 0, "the old image's second page is cleared")
        XCTAssertEqual(again[offset + 2 * 4096 + 1], 0)
    }
}
