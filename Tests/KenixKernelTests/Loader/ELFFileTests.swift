// ELFFile: a valid executable decodes to the right segments, and each
// ELFError is produced by a file crafted to break exactly one rule.
import HAL
import KenixABI
import KenixKernel
import XCTest

typealias Seg = ELFBuilder.Segment

func parseELF(_ bytes: [UInt8]) -> Result<ELFFile, ELFError> {
    bytes.withUnsafeBytes { raw in
        Result { () throws(ELFError) -> ELFFile in try ELFFile(ByteReader(raw)) }
    }
}

final class ELFFileTests: XCTestCase {
    /// Text (R+X) at 0x40_0000, a PT_NOTE, data (R+W) at 0x40_2010 with bss.
    func validBuilder() -> ELFBuilder {
        ELFBuilder(entry: 0x40_0040, segments: [
            Seg(flags: Seg.rx, vaddr: 0x40_0000, bytes: Array(repeating: 0xAA, count: 0x100)),
            Seg(type: 4, flags: Seg.r, vaddr: 0, bytes: [1, 2, 3, 4]),
            Seg(flags: Seg.rw, vaddr: 0x40_2010, bytes: Array(1...16), memsz: 0x1800),
        ])
    }

    func expectError(_ bytes: [UInt8], _ expected: ELFError, file: StaticString = #filePath, line: UInt = #line) {
        switch parseELF(bytes) {
        case .success: XCTFail("parsed, expected \(expected)", file: file, line: line)
        case .failure(let e): XCTAssertEqual(e, expected, file: file, line: line)
        }
    }

    func expectError(_ builder: ELFBuilder, _ expected: ELFError, file: StaticString = #filePath, line: UInt = #line) {
        expectError(builder.build(), expected, file: file, line: line)
    }

    func testValidExecutableDecodesItsLoadableSegments() throws {
        let bytes = validBuilder().build()
        let elf = try parseELF(bytes).get()
        XCTAssertEqual(elf.entry, 0x40_0040)
        XCTAssertEqual(elf.segmentCount, 2, "PT_NOTE is not loaded")
        let text = elf.segment(0), data = elf.segment(1)
        XCTAssertEqual(text.virtualAddress, 0x40_0000)
        XCTAssertEqual(text.memorySize, 0x100)
        XCTAssertEqual(text.fileSize, 0x100)
        XCTAssertEqual(text.fileOffset, UInt64(bytes.readLE(UInt64.self, at: ELFBuilder.programHeaderOffset(0) + 8)))
        XCTAssertFalse(text.writable)
        XCTAssertTrue(text.executable)
        XCTAssertEqual(data.virtualAddress, 0x40_2010)
        XCTAssertEqual(data.fileSize, 16)
        XCTAssertEqual(data.memorySize, 0x1800)
        XCTAssertTrue(data.writable)
        XCTAssertFalse(data.executable)
        XCTAssertEqual(data.firstPage, 0x40_2000)
        XCTAssertEqual(data.pageEnd, 0x40_4000)
        XCTAssertEqual(Array(bytes[Int(data.fileOffset)..<Int(data.fileOffset + 16)]), Array(1...16))
    }

    func testEmptyLoadSegmentsAreSkipped() throws {
        var b = validBuilder()
        b.segments.append(Seg(flags: Seg.rwx, vaddr: 0, bytes: []))   // memsz 0: ignored, even W+X at 0
        XCTAssertEqual(try parseELF(b.build()).get().segmentCount, 2)
    }

    func testSegmentsMayFillTheImageAreaExactly() throws {
        let b = ELFBuilder(entry: UserLayout.imageBase, segments: [
            Seg(flags: Seg.rx, vaddr: UserLayout.imageBase, bytes: [0, 0, 0, 0]),
            Seg(flags: Seg.rw, vaddr: UserLayout.imageLimit - 0x1000, bytes: [], memsz: 0x1000),
        ])
        XCTAssertEqual(try parseELF(b.build()).get().segmentCount, 2)
    }

    func testSegmentsOnAdjacentPagesDoNotOverlap() throws {
        let b = ELFBuilder(entry: 0x40_0000, segments: [
            Seg(flags: Seg.rx, vaddr: 0x40_0000, bytes: [], memsz: 0x1000),
            Seg(flags: Seg.rw, vaddr: 0x40_1000, bytes: [], memsz: 8),
        ])
        XCTAssertEqual(try parseELF(b.build()).get().segmentCount, 2)
    }

    func testEightLoadableSegmentsAreAllowed() throws {
        var segs = [Seg(flags: Seg.rx, vaddr: 0x40_0000, bytes: [0, 0, 0, 0])]
        for i in 1..<8 { segs.append(Seg(flags: Seg.r, vaddr: 0x40_0000 + UInt64(i) * 0x1000, bytes: [UInt8(i)])) }
        XCTAssertEqual(try parseELF(ELFBuilder(entry: 0x40_0000, segments: segs).build()).get().segmentCount, 8)
    }

    // MARK: Header errors

    func testTruncatedHeader() {
        expectError(Array(validBuilder().build().prefix(63)), .truncated)
        expectError([], .truncated)
    }

    func testBadMagic() {
        var b = validBuilder().build(); b[1] = UInt8(ascii: "X")
        expectError(b, .badMagic)
    }

    func testThirtyTwoBitClass() {
        var b = validBuilder().build(); b[ELFBuilder.classOffset] = 1
        expectError(b, .notELF64)
    }

    func testBigEndian() {
        var b = validBuilder().build(); b[ELFBuilder.dataOffset] = 2
        expectError(b, .notLittleEndian)
    }

    func testBadVersion() {
        var a = validBuilder().build(); a[ELFBuilder.identVersionOffset] = 0
        expectError(a, .badVersion)
        var b = validBuilder().build(); b.setLE(UInt32(2), at: ELFBuilder.versionOffset)
        expectError(b, .badVersion)
    }

    func testNotAnExecutable() {
        for type: UInt16 in [0, 1, 3, 4] {         // none, relocatable, shared object (PIE), core
            var b = validBuilder().build(); b.setLE(type, at: ELFBuilder.typeOffset)
            expectError(b, .notExecutable)
        }
    }

    func testWrongMachine() {
        for machine: UInt16 in [62, 40, 243] {     // x86-64, ARM (32-bit), RISC-V
            var b = validBuilder().build(); b.setLE(machine, at: ELFBuilder.machineOffset)
            expectError(b, .wrongMachine)
        }
    }

    func testProgramHeadersOutsideTheFile() {
        let good = validBuilder().build()
        var a = good; a.setLE(UInt64(good.count), at: ELFBuilder.phoffOffset)
        expectError(a, .badProgramHeaders)
        var b = good; b.setLE(UInt64.max - 8, at: ELFBuilder.phoffOffset)
        expectError(b, .badProgramHeaders)
        // The table ends one byte past the file.
        let tableEnd = ELFBuilder.programHeaderOffset(3)
        var c = Array(good.prefix(tableEnd - 1))
        c.setLE(UInt64(64), at: ELFBuilder.phoffOffset)
        expectError(c, .badProgramHeaders)
        var d = good; d.setLE(UInt16(0xFFFF), at: ELFBuilder.phnumOffset)
        expectError(d, .badProgramHeaders)
    }

    func testBadProgramHeaderEntrySizeOrCount() {
        var a = validBuilder().build(); a.setLE(UInt16(32), at: ELFBuilder.phentsizeOffset)
        expectError(a, .badProgramHeaders)
        var b = validBuilder().build(); b.setLE(UInt16(0), at: ELFBuilder.phnumOffset)
        expectError(b, .badProgramHeaders)
    }

    // MARK: Segment errors

    func testTooManySegments() {
        var segs = [Seg(flags: Seg.rx, vaddr: 0x40_0000, bytes: [0, 0, 0, 0])]
        for i in 1..<9 { segs.append(Seg(flags: Seg.r, vaddr: 0x40_0000 + UInt64(i) * 0x1000, bytes: [UInt8(i)])) }
        expectError(ELFBuilder(entry: 0x40_0000, segments: segs), .tooManySegments)
    }

    func testNoLoadableSegments() {
        expectError(ELFBuilder(entry: 0x40_0000, segments: [Seg(type: 4, flags: Seg.rx, vaddr: 0x40_0000, bytes: [1])]),
                    .noLoadableSegments)
        expectError(ELFBuilder(entry: 0x40_0000, segments: [Seg(flags: Seg.rx, vaddr: 0x40_0000, bytes: [])]),
                    .noLoadableSegments)
    }

    func testSegmentDataOutsideTheFile() {
        var b = validBuilder()
        b.segments[2].fileOffset = 0x10_0000
        expectError(b, .segmentOutsideFile)
        // One byte past the end of the file.
        var c = validBuilder()
        let size = UInt64(c.build().count)
        c.segments[2].fileOffset = size - 15
        expectError(c, .segmentOutsideFile)
        var d = validBuilder()
        d.segments[2].fileOffset = UInt64.max - 4
        expectError(d, .segmentOutsideFile)
    }

    func testFileSizeLargerThanMemorySize() {
        var b = validBuilder()
        b.segments[2].memsz = 15
        expectError(b, .segmentSizeMismatch)
        var empty = validBuilder()
        empty.segments[2].memsz = 0                // file bytes with no memory for them
        expectError(empty, .segmentSizeMismatch)
    }

    func testWritableAndExecutableSegment() {
        var b = validBuilder()
        b.segments[2].flags = Seg.rwx
        expectError(b, .writableAndExecutable)
        var c = validBuilder()
        c.segments[0].flags = 3                   // W+X without R
        expectError(c, .writableAndExecutable)
    }

    func testSegmentsSharingAPage() {
        var b = validBuilder()
        b.segments[2].vaddr = 0x40_0800           // text's page
        expectError(b, .overlappingSegments)
        var c = validBuilder()                    // bss of a segment at 0x40_1000 runs into the data's page
        c.segments.insert(Seg(flags: Seg.r, vaddr: 0x40_1000, bytes: [], memsz: 0x1001), at: 1)
        expectError(c, .overlappingSegments)
        var d = validBuilder()                    // the same, listed after the data segment
        d.segments.append(Seg(flags: Seg.r, vaddr: 0x40_1000, bytes: [], memsz: 0x1001))
        expectError(d, .overlappingSegments)
    }

    func testSegmentsOutsideTheImageArea() {
        var below = validBuilder(); below.segments[2].vaddr = UserLayout.imageBase - 0x1000
        expectError(below, .segmentOutsideImageArea)
        var above = validBuilder(); above.segments[2].vaddr = UserLayout.imageLimit - 0x1000
        above.segments[2].memsz = 0x1001
        expectError(above, .segmentOutsideImageArea)
        var zero = validBuilder(); zero.segments[2].vaddr = 0
        expectError(zero, .segmentOutsideImageArea)
        var wrap = validBuilder(); wrap.segments[2].vaddr = UInt64.max - 0xFFF
        wrap.segments[2].memsz = 0x2000
        expectError(wrap, .segmentOutsideImageArea)
        var stack = validBuilder(); stack.segments[2].vaddr = UserLayout.stackTop - 0x1000
        expectError(stack, .segmentOutsideImageArea)
    }

    func testEntryPointMustBeInsideAnExecutableSegment() {
        var data = validBuilder(); data.entry = 0x40_2010           // in the data segment
        expectError(data, .entryNotExecutable)
        var past = validBuilder(); past.entry = 0x40_0100           // one past the text's memsz
        expectError(past, .entryNotExecutable)
        var nowhere = validBuilder(); nowhere.entry = 0x7FFF_0000
        expectError(nowhere, .entryNotExecutable)
        var misaligned = validBuilder(); misaligned.entry = 0x40_0042
        expectError(misaligned, .entryNotExecutable)
        var last = validBuilder(); last.entry = 0x40_00FC            // the last word is fine
        XCTAssertNoThrow(try parseELF(last.build()).get())
    }
}
