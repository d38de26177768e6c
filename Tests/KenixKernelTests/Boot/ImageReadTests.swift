// image_read: a boot-image file by exact name, from an offset, up to the
// file's end (0 at or after it); arguments are checked before anything is
// copied, a bad buffer changes nothing, and an untouched buffer in a region
// is paged in.
import HAL
import KenixABI
import KenixKernel
import XCTest

private let page: UInt64 = 0x1000
private let data: UInt64 = 0x40_2000        // program 0's data page
private let rw = MemoryProtection.read | MemoryProtection.write
/// Not a multiple of 8 or of a page; no byte pattern repeats every 8 bytes.
private let font: [UInt8] = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ ($0 >> 8)) }
private let fill: UInt64 = 0xEEEE_EEEE_EEEE_EEEE

extension Step {
    static func imageRead(_ name: String, offset: Operand = 0, into buffer: Operand, length: Operand) -> Step {
        sys(.imageRead, .string(name), .length(of: name), offset, buffer, length)
    }
}

/// The little-endian word of `bytes` at `offset` (missing bytes are `fill`'s).
private func word(_ bytes: [UInt8], at offset: Int) -> UInt64 {
    var w = fill
    for i in 0..<8 where offset + i < bytes.count {
        w = w & ~(0xFF << (8 * UInt64(i))) | UInt64(bytes[offset + i]) << (8 * UInt64(i))
    }
    return w
}

final class ImageReadTests: XCTestCase {
    private func system(_ steps: [Step]) throws -> TestSystem {
        try TestSystem([TestProgram("init", steps, bss: 2 * page)], extraFiles: [("font.psf", font)])
    }

    func testReadsFromAnOffsetToTheEnd() throws {
        let sys = try system([
            .imageRead("font.psf", offset: 0, into: .imm(data), length: 16), .record("start"),
            .read(.imm(data), into: 1), .read(.imm(data + 8), into: 2), .record("start bytes"),
            .imageRead("font.psf", offset: 2501, into: .imm(data + 0x20), length: 16), .record("middle"),
            .read(.imm(data + 0x20), into: 1), .read(.imm(data + 0x28), into: 2), .record("middle bytes"),
            // Across the data pages' boundary: two chunks.
            .imageRead("font.psf", offset: 100, into: .imm(data + page - 8), length: 16), .record("across"),
            .read(.imm(data + page - 8), into: 1), .read(.imm(data + page), into: 2), .record("across bytes"),
            // The last 5 bytes: nothing after them is written.
            .write(.imm(data + 0x40), .imm(fill)), .write(.imm(data + 0x48), .imm(fill)),
            .imageRead("font.psf", offset: 4995, into: .imm(data + 0x40), length: 16), .record("tail"),
            .read(.imm(data + 0x40), into: 1), .read(.imm(data + 0x48), into: 2), .record("tail bytes"),
            .imageRead("font.psf", offset: 5000, into: .imm(data), length: 16), .record("at end"),
            .imageRead("font.psf", offset: 5001, into: .imm(data), length: 16), .record("after end"),
            .imageRead("font.psf", offset: .imm(UInt64.max), into: .imm(data), length: 16), .record("max offset"),
            .imageRead("font.psf", offset: 0, into: .imm(data), length: 0), .record("nothing"),
            // The most one call may ask: only what the file has is copied (and checked).
            .imageRead("font.psf", offset: 0, into: .imm(data),
                       length: .imm(SyscallLimits.maxImageRead)), .record("whole"),
            .read(.imm(data + 4096), into: 1), .read(.imm(data + 4992), into: 2), .record("whole bytes"),
            .exit(0)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        func bytes(_ label: String) -> [UInt64] { sys.record(label).map { [$0.x[1], $0.x[2]] } ?? [] }
        XCTAssertEqual(sys.record("start")?.x0, 16)
        XCTAssertEqual(bytes("start bytes"), [word(font, at: 0), word(font, at: 8)])
        XCTAssertEqual(sys.record("middle")?.x0, 16)
        XCTAssertEqual(bytes("middle bytes"), [word(font, at: 2501), word(font, at: 2509)])
        XCTAssertEqual(sys.record("across")?.x0, 16)
        XCTAssertEqual(bytes("across bytes"), [word(font, at: 100), word(font, at: 108)])
        XCTAssertEqual(sys.record("tail")?.x0, 5)
        XCTAssertEqual(bytes("tail bytes"), [word(font, at: 4995), fill])
        for label in ["at end", "after end", "max offset", "nothing"] { XCTAssertEqual(sys.record(label)?.x0, 0, label) }
        XCTAssertEqual(sys.record("whole")?.x0, 5000)
        XCTAssertEqual(bytes("whole bytes"), [word(font, at: 4096), word(font, at: 4992)])
    }

    func testArgumentErrorsComeFirst() throws {
        let long = String(repeating: "f", count: 64)
        let tooLong = String(repeating: "f", count: 65)
        let sys = try system([
            .imageRead("missing", into: .imm(data), length: 8), .record("missing"),
            .imageRead("font", into: .imm(data), length: 8), .record("prefix"),
            .imageRead("font.psf.gz", into: .imm(data), length: 8), .record("longer"),
            .imageRead(long, into: .imm(data), length: 8), .record("64 bytes"),
            .imageRead(tooLong, into: .imm(data), length: 8), .record("65 bytes"),
            .sys(.imageRead, .string("font.psf"), 0, 0, .imm(data), 8), .record("empty name"),
            .imageRead("font.psf", into: .imm(data), length: .imm(SyscallLimits.maxImageRead + 1)),
            .record("too much"),
            .sys(.imageRead, 0x10, 8, 0, .imm(data), 8), .record("bad name pointer"),
            .exit(0)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        for label in ["missing", "prefix", "longer", "64 bytes"] { XCTAssertEqual(sys.record(label)?.error, .notFound, label) }
        for label in ["65 bytes", "empty name", "too much"] {
            XCTAssertEqual(sys.record(label)?.error, .invalidArgument, label)
        }
        XCTAssertEqual(sys.record("bad name pointer")?.error, .badAddress)
    }

    func testABadBufferChangesNothing() throws {
        let sys = try system([
            .write(.imm(data + 2 * page - 8), .imm(fill)), .sys(.memInfo), .record("before"),
            .imageRead("font.psf", into: 0x10, length: 8), .record("unmapped"),
            // 8 bytes in the last data page, 8 on the unmapped page after it.
            .imageRead("font.psf", into: .imm(data + 2 * page - 8), length: 16), .record("half mapped"),
            .imageRead("font.psf", into: .string("font.psf"), length: 8), .record("read-only"),
            .imageRead("font.psf", into: .imm(UInt64.max - 7), length: 16), .record("wraps"),
            .sys(.memInfo), .record("after"), .read(.imm(data + 2 * page - 8), into: 1), .record("kept"), .exit(0)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        for label in ["unmapped", "half mapped", "read-only", "wraps"] {
            XCTAssertEqual(sys.record(label)?.error, .badAddress, label)
        }
        XCTAssertEqual(sys.record("kept")?.x[1], fill, "the mapped half was not written")
        XCTAssertEqual(sys.record("after")?.x0, sys.record("before")?.x0, "no frame taken")
    }

    func testReadsIntoAnUntouchedRegionPageItIn() throws {
        let sys = try system([
            .mmap(2 * page, rw), .save(into: 19), .sys(.memInfo), .record("before"),
            .imageRead("font.psf", offset: 8, into: .regPlus(19, page - 8), length: 16), .record("read"),
            .sys(.memInfo), .record("after"),
            .read(.regPlus(19, page - 8), into: 1), .read(.regPlus(19, page), into: 2), .record("bytes"),
            .read(.reg(19), into: 3), .record("rest"), .exit(0)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("read")?.x0, 16)
        let before = try XCTUnwrap(sys.record("before")?.x0)
        XCTAssertEqual(sys.record("after")?.x0, before - 4, "both pages, and the area's level-2 and level-3 tables")
        XCTAssertEqual(sys.record("bytes").map { [$0.x[1], $0.x[2]] }, [word(font, at: 8), word(font, at: 16)])
        XCTAssertEqual(sys.record("rest")?.x[3], 0, "the rest of the page is zero-filled")
    }

    func testReadsStraightIntoTheFramebuffer() throws {
        // A picture from the boot image into the pixels, across their first page boundary.
        let sys = try TestSystem([TestProgram("init", [
            .fbMap(), .save(into: 19),
            .imageRead("font.psf", offset: 0, into: .regPlus(19, page - 16), length: 32), .record("read"),
            .exit(0)])], extraFiles: [("font.psf", font)], display: testDisplayMode)
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        sys.checkHarness()
        XCTAssertEqual(sys.record("read")?.x0, 32)
        let display = try XCTUnwrap(sys.display)
        XCTAssertEqual(Array(display.bytes[Int(page) - 16 ..< Int(page) + 16]), Array(font[0..<32]))
    }
}
