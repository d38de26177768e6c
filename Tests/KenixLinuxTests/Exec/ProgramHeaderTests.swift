// Classifying executables before the kernel loads them: static ELF
// executables (with AT_PHDR found from PT_PHDR or the first load segment),
// scripts with their interpreter and argument, and the refusals: dynamic,
// position-independent, other machines, damaged headers, plain data.
import KenixLinux
import XCTest

/// A minimal ELF64 image: header, program headers, nothing else.
func elf(type: UInt16 = 2, machine: UInt16 = 183, headers: [(UInt32, UInt64, UInt64, UInt64, UInt64)],
         notes: [UInt8] = []) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 64 + 56 * headers.count)
    b[0] = 0x7F; b[1] = 0x45; b[2] = 0x4C; b[3] = 0x46; b[4] = 2; b[5] = 1; b[6] = 1
    LE.put16(&b, 16, type); LE.put16(&b, 18, machine); LE.put32(&b, 20, 1)
    LE.put64(&b, 24, 0x400580); LE.put64(&b, 32, 64); LE.put16(&b, 54, 56); LE.put16(&b, 56, UInt16(headers.count))
    for (i, h) in headers.enumerated() {
        let p = 64 + 56 * i
        LE.put32(&b, p, h.0)
        LE.put64(&b, p + 8, h.1); LE.put64(&b, p + 16, h.2); LE.put64(&b, p + 32, h.3); LE.put64(&b, p + 40, h.4)
    }
    return b + notes
}

final class ProgramHeaderTests: XCTestCase {
    func testStaticExecutable() {
        let b = elf(headers: [(1, 0, 0x400000, 0x1000, 0x1000), (1, 0x1850, 0x5C9850, 0x100, 0x8000)])
        guard case .elf(let p) = ProgramHeader.classify(b) else { return XCTFail("\(ProgramHeader.classify(b))") }
        XCTAssertEqual(p.entry, 0x400580)
        XCTAssertEqual(p.phdr, 0x400040, "the headers inside the first load segment")
        XCTAssertEqual(p.phnum, 2)
        XCTAssertEqual(p.phent, 56)
        XCTAssertEqual(p.end, 0x5C9850 + 0x8000, "the break starts after the bss")
        XCTAssertFalse(p.isKenix)
    }

    func testPTPHDRWins() {
        let b = elf(headers: [(6, 64, 0x400040, 112, 112), (1, 0x2000, 0x600000, 0x10, 0x10)])
        guard case .elf(let p) = ProgramHeader.classify(b) else { return XCTFail() }
        XCTAssertEqual(p.phdr, 0x400040)
    }

    func testKenixNoteIsSeen() {
        var note = [UInt8](repeating: 0, count: 24)
        LE.put32(&note, 0, 6); LE.put32(&note, 4, 4); LE.put32(&note, 8, 1)
        for (i, c) in "Kenix".utf8.enumerated() { note[12 + i] = c }
        LE.put32(&note, 20, 1)
        let b = elf(headers: [(1, 0, 0x400000, 0x1000, 0x1000), (4, 64 + 112, 0x4000B0, 24, 24)], notes: note)
        guard case .elf(let p) = ProgramHeader.classify(b) else { return XCTFail() }
        XCTAssertTrue(p.isKenix)
        // A GNU ABI tag is not the Kenix note.
        var gnu = note
        for (i, c) in "GNU\0\0".utf8.enumerated() { gnu[12 + i] = c }
        let g = elf(headers: [(1, 0, 0x400000, 0x1000, 0x1000), (4, 64 + 112, 0x4000B0, 24, 24)], notes: gnu)
        guard case .elf(let q) = ProgramHeader.classify(g) else { return XCTFail() }
        XCTAssertFalse(q.isKenix)
    }

    func testRefusals() {
        XCTAssertEqual(ProgramHeader.classify(elf(headers: [(3, 0, 0, 10, 10), (1, 0, 0x400000, 10, 10)])),
                       .unsupported(.dynamic))
        XCTAssertEqual(ProgramHeader.classify(elf(type: 3, headers: [(1, 0, 0, 10, 10)])), .unsupported(.positionIndependent))
        XCTAssertEqual(ProgramHeader.classify(elf(machine: 62, headers: [(1, 0, 0, 10, 10)])), .unsupported(.wrongMachine))
        XCTAssertEqual(ProgramHeader.classify(elf(headers: [(4, 0, 0, 10, 10)])), .unsupported(.damaged), "no load segment")
        var truncated = elf(headers: [(1, 0, 0x400000, 10, 10)])
        truncated.removeLast(20)
        XCTAssertEqual(ProgramHeader.classify(truncated), .unsupported(.damaged), "headers past the end")
        var overflow = elf(headers: [(1, 0, UInt64.max - 4, 10, 10)])
        XCTAssertEqual(ProgramHeader.classify(overflow), .unsupported(.damaged), "a segment wrapping around")
        overflow[4] = 1
        XCTAssertEqual(ProgramHeader.classify(overflow), .unsupported(.damaged), "ELF32")
        XCTAssertEqual(ProgramHeader.classify(Array("hello world".utf8)), .notExecutable)
        XCTAssertEqual(ProgramHeader.classify([]), .notExecutable)
    }

    func testScripts() {
        XCTAssertEqual(ProgramHeader.classify(Array("#!/bin/sh\necho hi\n".utf8)),
                       .script(interpreter: Array("/bin/sh".utf8), argument: nil))
        XCTAssertEqual(ProgramHeader.classify(Array("#! /bin/busybox  awk -f  \nBEGIN{}".utf8)),
                       .script(interpreter: Array("/bin/busybox".utf8), argument: Array("awk -f".utf8)),
                       "one argument: the rest of the line, trimmed")
        XCTAssertEqual(ProgramHeader.classify(Array("#!\n".utf8)), .notExecutable)
    }
}
