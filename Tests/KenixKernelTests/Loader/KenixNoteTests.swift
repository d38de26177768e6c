// The Kenix note: a program carries it to be started natively; an executable
// without it (a Linux program, with the GNU ABI-tag note instead) parses but
// is refused by spawn; a damaged note is no note; malformed notes never trap.
import HAL
import KenixABI
@testable import KenixKernel
import XCTest

final class KenixNoteTests: XCTestCase {
    typealias Seg = ELFBuilder.Segment
    let text = Seg(flags: Seg.rx, vaddr: 0x40_0000, bytes: Array(repeating: 0xAA, count: 0x100))

    /// A GNU ABI-tag note saying Linux 3.7.0, as Debian's busybox-static has.
    let gnuABITag: [UInt8] = {
        var note = [UInt8](repeating: 0, count: 32)
        note.setLE(UInt32(4), at: 0)
        note.setLE(UInt32(16), at: 4)
        note.setLE(UInt32(1), at: 8)
        note.replaceSubrange(12..<15, with: Array("GNU".utf8))
        note.setLE(UInt32(0), at: 16)
        note.setLE(UInt32(3), at: 20)
        note.setLE(UInt32(7), at: 24)
        return note
    }()

    func testTheNoteMarksAKenixProgram() throws {
        let elf = try parseELF(ELFBuilder(entry: 0x40_0000, segments: [text]).build()).get()
        XCTAssertTrue(elf.isKenixProgram)
    }

    func testALinuxExecutableIsForeign() throws {
        let linux = ELFBuilder(entry: 0x40_0000, segments: [text, Seg(type: 4, flags: Seg.r, vaddr: 0, bytes: gnuABITag)],
                               kenixNote: false)
        XCTAssertFalse(try parseELF(linux.build()).get().isKenixProgram)
        // Another note first, then the Kenix note, in one PT_NOTE: still found.
        let both = ELFBuilder(entry: 0x40_0000, segments: [
            text, Seg(type: 4, flags: Seg.r, vaddr: 0, bytes: gnuABITag + ELFBuilder.kenixNoteBytes)], kenixNote: false)
        XCTAssertTrue(try parseELF(both.build()).get().isKenixProgram)
    }

    func testADamagedNoteIsNoNote() throws {
        let good = ELFBuilder.kenixNoteBytes
        var variants: [[UInt8]] = []
        for (offset, value) in [(8, UInt8(2)), (12, UInt8(ascii: "k")), (20, UInt8(2)), (0, UInt8(5)), (4, UInt8(8))] {
            var bad = good
            bad[offset] = value
            variants.append(bad)
        }
        variants.append(Array(good.prefix(20)))             // truncated descriptor
        var huge = good
        huge.setLE(UInt32.max, at: 0)                       // a name size beyond the note
        variants.append(huge)
        for (i, note) in variants.enumerated() {
            let bytes = ELFBuilder(entry: 0x40_0000, segments: [text, Seg(type: 4, flags: Seg.r, vaddr: 0, bytes: note)],
                                   kenixNote: false).build()
            XCTAssertFalse(try parseELF(bytes).get().isKenixProgram, "variant \(i)")
        }
    }

    func testSpawnRefusesAForeignExecutable() throws {
        let linux = ELFBuilder(entry: 0x40_0000, segments: [text], kenixNote: false).build()
        let sys = try TestSystem([TestProgram("init", [.spawn("linux"), .record("spawn"), .exit(0)])],
                                 extraFiles: [("linux", linux)])
        XCTAssertEqual(sys.run(), .initExited(status: 0))
        XCTAssertEqual(sys.record("spawn")?.error, .badExecutable)
    }
}
