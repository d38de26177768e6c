// RAM given back by one machine is the next machine's, all zero again: the
// pages the first one wrote are cleared, wherever they are, and RAM of
// another size is a fresh mapping.
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
}
