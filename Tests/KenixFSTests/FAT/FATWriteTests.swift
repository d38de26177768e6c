// Writing: after the volume is unmounted, fsck.fat -n finds no errors and
// mcopy reads back exactly what was written; mtools sees the long names,
// the short names carry numeric tails, both FATs and FSInfo agree.
import Foundation
import KenixABI
import XCTest
@testable import KenixFS

final class FATWriteTests: XCTestCase {
    var tools: DiskTools!
    var image: String!
    let clock = TestClock()

    override func setUpWithError() throws {
        tools = try DiskTools()
        image = try tools.makeFAT32("write.img", megabytes: 64)
    }

    func assertClean(file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try tools.fsck(image)
        XCTAssertEqual(report.status, 0, report.output, file: file, line: line)
        XCTAssertFalse(report.output.contains("Dirty bit"), report.output, file: file, line: line)
    }

    func testWrittenFilesPassFsckAndReadBackWithMcopy() throws {
        let volume = try mountFAT(image, clock: clock)
        let big = patternBytes(2 * 1024 * 1024 + 77, seed: 3)
        try volume.createFile("big.bin", big)
        try volume.createFile("Hello World.txt", bytes("hello world\n"))
        try volume.makeDirectory("Nested Dir")
        try volume.makeDirectory("Nested Dir/Ünïcödé ☃")
        try volume.createFile("Nested Dir/Ünïcödé ☃/Grüße.txt", bytes("grüße\n"))
        try volume.createFile("README.TXT", bytes("upper\n"))
        try volume.createFile("notes.md", bytes("lower 8.3\n"))
        try volume.unmount()
        try assertClean()
        XCTAssertEqual(try tools.get(image, "/big.bin"), big)
        XCTAssertEqual(try tools.get(image, "/Hello World.txt"), bytes("hello world\n"))
        XCTAssertEqual(try tools.get(image, "/Nested Dir/Ünïcödé ☃/Grüße.txt"), bytes("grüße\n"))
        XCTAssertEqual(try tools.get(image, "/README.TXT"), bytes("upper\n"))
        XCTAssertEqual(try tools.get(image, "/notes.md"), bytes("lower 8.3\n"))
        XCTAssertEqual(Set(try tools.list(image, "/")), ["big.bin", "Hello World.txt", "Nested Dir", "README.TXT", "notes.md"])
        XCTAssertEqual(try tools.list(image, "/Nested Dir/Ünïcödé ☃"), ["Grüße.txt"])
    }

    func testShortNamesGetNumericTails() throws {
        let volume = try mountFAT(image, clock: clock)
        for i in 1...12 { try volume.createFile("a long file name number \(i).text", [UInt8(i)]) }
        try volume.unmount()
        try assertClean()
        let listing = try tools.run("mdir", ["-i", image, "::/"]).output
        for n in 1...12 {
            let tail = "~\(n)"
            XCTAssertTrue(listing.contains("ALONGF" + tail) || listing.contains("ALONG" + tail), "no \(tail) in\n\(listing)")
        }
        for i in 1...12 { XCTAssertEqual(try tools.get(image, "/a long file name number \(i).text"), [UInt8(i)]) }
    }

    func testOverwriteTruncateAndSparseExtension() throws {
        let volume = try mountFAT(image, clock: clock)
        let first = patternBytes(10_000, seed: 1)
        try volume.createFile("f.bin", first)
        XCTAssertEqual(try volume.write("f.bin", at: 5000, bytes("XYZ")), 3)
        var expected = first
        expected.replaceSubrange(5000..<5003, with: bytes("XYZ"))
        XCTAssertEqual(try volume.readAll("f.bin"), expected)
        // Past the end: the gap reads as zeros.
        XCTAssertEqual(try volume.write("f.bin", at: 20_000, bytes("end")), 3)
        expected += [UInt8](repeating: 0, count: 10_000) + bytes("end")
        XCTAssertEqual(try volume.readAll("f.bin"), expected)
        let node = try volume.node("f.bin")
        try volume.resize(node, to: 4000)
        try volume.resize(node, to: 6000)   // grows again with zeros, not the old bytes
        volume.release(node)
        expected = Array(expected[0..<4000]) + [UInt8](repeating: 0, count: 2000)
        XCTAssertEqual(try volume.readAll("f.bin"), expected)
        let empty = try volume.node("f.bin")
        try volume.resize(empty, to: 0)
        volume.release(empty)
        XCTAssertEqual(try volume.readAll("f.bin"), [])
        try volume.unmount()
        try assertClean()
        XCTAssertEqual(try tools.get(image, "/f.bin"), [])
    }

    func testRemoveFreesClustersAndRmdirNeedsEmpty() throws {
        let volume = try mountFAT(image, clock: clock)
        let free = volume.usage().freeBlocks
        try volume.makeDirectory("d")
        try volume.createFile("d/file", patternBytes(100_000, seed: 9))
        XCTAssertLessThan(volume.usage().freeBlocks, free)
        XCTAssertFileError(.notEmpty, try volume.removeDirectory("d"))
        XCTAssertFileError(.isDirectory, try volume.removeFile("d"))
        XCTAssertFileError(.notDirectory, try volume.removeDirectory("d/file"))
        try volume.removeFile("d/file")
        try volume.removeDirectory("d")
        XCTAssertEqual(volume.usage().freeBlocks, free)
        XCTAssertFileError(.notFound, try volume.removeFile("d/file"))
        try volume.unmount()
        try assertClean()
        XCTAssertEqual(try tools.list(image, "/"), [])
    }

    func testRenameWithinAndAcrossDirectoriesAndReplacing() throws {
        let volume = try mountFAT(image, clock: clock)
        try volume.makeDirectory("from")
        try volume.makeDirectory("to")
        try volume.makeDirectory("from/sub dir")
        try volume.createFile("from/sub dir/inside.txt", bytes("inside\n"))
        try volume.createFile("from/a.txt", bytes("a\n"))
        try volume.createFile("to/b.txt", bytes("b\n"))
        try volume.move("from/a.txt", "from/A renamed.txt")
        try volume.move("from/A renamed.txt", "to/b.txt")          // replaces b.txt
        try volume.move("from/sub dir", "to/moved dir")              // a directory: its ".." follows
        try volume.move("to/moved dir/inside.txt", "to/moved dir/INSIDE.TXT")   // case only
        XCTAssertEqual(try volume.readAll("to/b.txt"), bytes("a\n"))
        XCTAssertEqual(try volume.names("to/moved dir"), ["INSIDE.TXT"])
        let moved = try volume.node("to/moved dir")
        let up = try volume.parent(of: moved)
        XCTAssertEqual(String(decoding: try volume.name(of: moved, in: up), as: UTF8.self), "moved dir")
        volume.release(up)
        volume.release(moved)
        try volume.makeDirectory("to/empty")
        try volume.makeDirectory("to/full")
        try volume.createFile("to/full/x", [1])
        XCTAssertFileError(.notEmpty, try volume.move("to/empty", "to/full"))
        XCTAssertFileError(.notDirectory, try volume.move("to/empty", "to/b.txt"))
        XCTAssertFileError(.isDirectory, try volume.move("to/b.txt", "to/full"))
        try volume.move("to/full", "to/empty")                        // onto an empty directory
        XCTAssertEqual(try volume.readAll("to/empty/x"), [1])
        try volume.unmount()
        try assertClean()
        XCTAssertEqual(Set(try tools.list(image, "/to")), ["b.txt", "moved dir", "empty"])
        XCTAssertEqual(try tools.get(image, "/to/moved dir/INSIDE.TXT"), bytes("inside\n"))
        XCTAssertEqual(try tools.list(image, "/from"), [])
    }

    func testDirectoriesGrowPastOneCluster() throws {
        let volume = try mountFAT(image, clock: clock)
        try volume.makeDirectory("many")
        // 512-byte clusters hold 16 slots; long names take 3 or 4 each.
        for i in 0..<200 { try volume.createFile("many/file with a long name \(i).txt", [UInt8(truncatingIfNeeded: i)]) }
        XCTAssertEqual(try volume.names("many").count, 200)
        for i in stride(from: 0, to: 200, by: 2) { try volume.removeFile("many/file with a long name \(i).txt") }
        // Freed slots are reused.
        for i in 0..<50 { try volume.createFile("many/again \(i)", []) }
        try volume.unmount()
        try assertClean()
        let listed = try tools.list(image, "/many")
        XCTAssertEqual(listed.count, 150)
        XCTAssertTrue(listed.contains("file with a long name 199.txt"))
        XCTAssertTrue(listed.contains("again 49"))
    }

    func testBothFATsAndFSInfoStayConsistent() throws {
        let volume = try mountFAT(image, clock: clock)
        try volume.createFile("x", patternBytes(300_000, seed: 5))
        try volume.createFile("y", patternBytes(1000, seed: 6))
        try volume.removeFile("x")
        let expectedFree = volume.usage().freeBlocks
        try volume.unmount()
        let raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        let reserved = Int(raw.le16(14)), fatSectors = Int(raw.le32(36))
        let fat0 = raw[(reserved * 512)..<((reserved + fatSectors) * 512)]
        let fat1 = raw[((reserved + fatSectors) * 512)..<((reserved + 2 * fatSectors) * 512)]
        XCTAssertTrue(fat0.elementsEqual(fat1), "the two FATs differ")
        let fsInfo = Int(raw.le16(48)) * 512
        XCTAssertEqual(UInt64(raw.le32(fsInfo + 488)), expectedFree)
        try assertClean()
        let report = try tools.fsck(image).output
        XCTAssertFalse(report.contains("Free cluster summary wrong"), report)
    }

    func testDirtyFlagIsSetWhileChangingAndClearedBySync() throws {
        let volume = try mountFAT(image, clock: clock)
        try volume.createFile("a", [1, 2, 3])
        // Before a sync, the medium says "not cleanly unmounted".
        XCTAssertTrue(try tools.fsck(image).output.contains("Dirty bit"))
        try volume.sync()
        XCTAssertFalse(try tools.fsck(image).output.contains("Dirty bit"))
        try volume.createFile("b", [4])
        XCTAssertTrue(try tools.fsck(image).output.contains("Dirty bit"))
        try volume.unmount()
        try assertClean()
        let again = try mountFAT(image, clock: clock)
        XCTAssertFalse(again.wasDirty)
    }

    func testAVolumeLeftDirtyIsReportedAtMount() throws {
        do {
            let volume = try mountFAT(image, clock: clock)
            try volume.createFile("a", [1])
            // Dropped without unmount: a power cut.
        }
        let again = try mountFAT(image, clock: clock)
        XCTAssertTrue(again.wasDirty)
        XCTAssertFalse(again.warnings.isEmpty)
    }

    func testTimestampsComeFromTheClock() throws {
        let volume = try mountFAT(image, clock: clock)
        let created = clock.now
        try volume.createFile("t", [])
        clock.now += 3_600 * 1_000_000_000
        _ = try volume.write("t", at: 0, [1])
        let node = try volume.node("t")
        let info = try volume.info(node)
        volume.release(node)
        XCTAssertEqual(info.created / 1_000_000_000, created / 1_000_000_000)
        XCTAssertEqual(info.modified / 2_000_000_000, clock.now / 2_000_000_000)
        try volume.unmount()
        // mtools shows the same minute.
        let listing = try tools.run("mdir", ["-i", image, "::/"]).output
        XCTAssertTrue(listing.contains("2024-05-17  13:34") || listing.contains("2024-05-17  1:34"), listing)
    }

    func testExclusiveCreateAndNameErrors() throws {
        let volume = try mountFAT(image, clock: clock)
        try volume.createFile("Exists.txt")
        XCTAssertFileError(.exists, try volume.createFile("EXISTS.TXT"))
        XCTAssertFileError(.exists, try volume.makeDirectory("exists.txt"))
        XCTAssertFileError(.invalidArgument, try volume.createFile("a:b"))
        XCTAssertFileError(.invalidArgument, try volume.createFile("dot."))
        XCTAssertFileError(.nameTooLong, try volume.createFile(String(repeating: "n", count: 256)))
        try volume.createFile(String(repeating: "n", count: 255))
        let (root, _) = try volume.parentAndName("x")
        XCTAssertFileError(.notSupported, try volume.create(in: root, bytes("link"), kind: .symlink, target: bytes("x")))
        volume.release(root)
        try volume.unmount()
        try assertClean()
    }

    func testRemovedWhileHeldKeepsItsDataUntilReleased() throws {
        let volume = try mountFAT(image, clock: clock)
        let data = patternBytes(50_000, seed: 11)
        try volume.createFile("held", data)
        let free = volume.usage().freeBlocks
        let node = try volume.node("held")
        try volume.removeFile("held")
        XCTAssertFileError(.notFound, try volume.node("held"))
        var buffer = [UInt8](repeating: 0, count: data.count)
        XCTAssertEqual(try buffer.withUnsafeMutableBytes { raw throws(FileError) in try volume.read(node, at: 0, into: raw) }, data.count)
        XCTAssertEqual(buffer, data)
        XCTAssertEqual(volume.usage().freeBlocks, free)
        volume.release(node)
        XCTAssertGreaterThan(volume.usage().freeBlocks, free)
        try volume.unmount()
        try assertClean()
    }

    func testNoSpaceIsAnErrorNotACorruption() throws {
        let volume = try mountFAT(image, clock: clock)
        let chunk = patternBytes(1 << 20, seed: 2)
        try volume.createFile("fill", [])
        var offset: UInt64 = 0
        var sawNoSpace = false
        while !sawNoSpace {
            do {
                let n = try volume.write("fill", at: offset, chunk)
                offset += UInt64(n)
                if n < chunk.count { continue }
            } catch let error as FileError {
                XCTAssertEqual(error, .noSpace)
                sawNoSpace = true
            }
        }
        XCTAssertEqual(volume.usage().freeBlocks, 0)
        XCTAssertFileError(.noSpace, try volume.makeDirectory("no room"))
        XCTAssertEqual(try volume.readAll("fill").count, Int(offset))
        try volume.removeFile("fill")
        try volume.unmount()
        try assertClean()
    }

    func testFilesAreLimitedToFourGigabytesMinusOne() throws {
        let volume = try mountFAT(image, clock: clock)
        try volume.createFile("huge")
        XCTAssertFileError(.fileTooLarge, try volume.write("huge", at: 0xFFFF_FFFF, [1]))
        let node = try volume.node("huge")
        XCTAssertFileError(.fileTooLarge, try volume.resize(node, to: 0x1_0000_0000))
        volume.release(node)
        try volume.unmount()
        try assertClean()
    }
}
