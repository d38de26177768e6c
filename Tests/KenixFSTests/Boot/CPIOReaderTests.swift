// The boot image's cpio (newc) archive: parsed, damaged archives refused,
// its files shown read-only in a RAM file system without copying.
import KenixABI
import XCTest
@testable import KenixFS

/// A newc archive of `files` (name, bytes), as tools/mkinitrd.py writes them.
func makeCPIO(_ files: [(String, [UInt8])], mode: UInt32 = 0o100644) -> [UInt8] {
    var out: [UInt8] = []
    func pad() { while out.count % 4 != 0 { out.append(0) } }
    func entry(_ name: String, _ data: [UInt8], _ mode: UInt32) {
        let fields: [UInt32] = [0, mode, 0, 0, 1, 0, UInt32(data.count), 0, 0, 0, 0, UInt32(name.utf8.count + 1), 0]
        out += Array("070701".utf8)
        for f in fields { out += Array(String(format: "%08X", f).utf8) }
        out += Array(name.utf8) + [0]
        pad()
        out += data
        pad()
    }
    for (name, data) in files { entry(name, data, mode) }
    entry("TRAILER!!!", [], 0)
    return out
}

final class CPIOReaderTests: XCTestCase {
    func testParsesEntries() throws {
        let archive = makeCPIO([("init", [1, 2, 3]), ("font.psf", patternBytes(1001, seed: 2)), ("empty", [])])
        try archive.withUnsafeBytes { raw in
            let entries = try CPIOReader.entries(raw)
            XCTAssertEqual(entries.map { String(decoding: $0.name, as: UTF8.self) }, ["init", "font.psf", "empty"])
            XCTAssertEqual(Array(entries[1].data), patternBytes(1001, seed: 2))
            XCTAssertTrue(entries[0].isRegularFile)
        }
    }

    func testDamagedArchivesAreRefused() throws {
        let good = makeCPIO([("a", [1, 2, 3, 4, 5])])
        func failure(_ bytes: [UInt8]) -> CPIOReader.Failure? {
            bytes.withUnsafeBytes { raw in
                do { _ = try CPIOReader.entries(raw); return nil } catch { return error as? CPIOReader.Failure }
            }
        }
        XCTAssertEqual(failure([]), .missingTrailer)
        XCTAssertEqual(failure(Array(good[0..<50])), .truncated)
        XCTAssertEqual(failure(Array(good[0..<115])), .truncated)
        var bad = good; bad[0] = 0x39
        XCTAssertEqual(failure(bad), .badMagic)
        bad = good; bad[15] = 0x5A   // in c_mode
        XCTAssertEqual(failure(bad), .badHeaderField)
        bad = good; for k in 0..<8 { bad[6 + 6 * 8 + k] = 0x46 }   // a file size of 4 GiB − 1
        XCTAssertEqual(failure(bad), .truncated)
        bad = good; for k in 0..<8 { bad[6 + 11 * 8 + k] = 0x30 }   // name size 0
        XCTAssertEqual(failure(bad), .badName)
        XCTAssertEqual(failure(Array(good[0..<(good.count - 124)])), .missingTrailer)
        // Random damage never traps.
        var rng: UInt64 = 99
        for _ in 0..<2000 {
            var b = good
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            b[Int(rng >> 33) % b.count] = UInt8(truncatingIfNeeded: rng >> 17)
            _ = failure(b)
        }
    }

    func testPopulatesAReadOnlyBootDirectoryWithoutCopying() throws {
        let font = patternBytes(5000, seed: 9)
        let archive = makeCPIO([("init", [1, 2, 3]), ("font.psf", font), ("./sub/dir/file", [7]), ("init", [9])])
        let clock = TestClock()
        let ram = RamFS(capacity: 1 << 20, clock: clock.function)
        let vfs = VFS<FileBlockStore>(root: .ram(ram), clock: clock.function)
        try vfs.attach(1)
        try vfs.makeDirectory(1, bytes("/boot"))
        let boot = try ram.lookup(ram.rootNode, bytes("boot"))
        let used = ram.usedBytes
        try archive.withUnsafeBytes { raw in
            XCTAssertEqual(try CPIOReader.populate(ram, directory: boot, from: raw), 3)
            XCTAssertEqual(ram.usedBytes, used)   // nothing copied into the heap
            let fd = try vfs.open(1, bytes("/boot/font.psf"), flags: OpenFlags.readOnly)
            var out = [UInt8](repeating: 0, count: 6000)
            let n = try out.withUnsafeMutableBytes { r throws(FileError) in try vfs.read(1, fd, into: r) }
            XCTAssertEqual(Array(out[0..<n]), font)
            try vfs.close(1, fd)
            XCTAssertEqual(try vfs.stat(1, bytes("/boot/init"), follow: true).0.size, 3)   // the first one wins
            XCTAssertTrue(try vfs.stat(1, bytes("/boot/init"), follow: true).0.readOnly)
            XCTAssertEqual(try vfs.stat(1, bytes("/boot/sub/dir/file"), follow: true).0.size, 1)
            XCTAssertFileError(.accessDenied, try vfs.open(1, bytes("/boot/init"), flags: OpenFlags.writeOnly))
            XCTAssertFileError(.accessDenied, try vfs.open(1, bytes("/boot/new"), flags: OpenFlags.writeOnly | OpenFlags.create))
            XCTAssertFileError(.accessDenied, try vfs.unlink(1, bytes("/boot/init")))
            XCTAssertFileError(.accessDenied, try vfs.makeDirectory(1, bytes("/boot/sub/x")))
            XCTAssertFileError(.accessDenied, try vfs.truncate(1, bytes("/boot/init"), size: 0))
        }
        ram.release(boot)
    }

    func testExternalFilesThroughAReader() throws {
        let clock = TestClock()
        let ram = RamFS(capacity: 1 << 20, clock: clock.function)
        let contents = patternBytes(3000, seed: 5)
        ram.externalReader = { key, offset, buffer in
            XCTAssertEqual(key, 42)
            let n = min(buffer.count, contents.count - Int(offset))
            for k in 0..<n { buffer[k] = contents[Int(offset) + k] }
            return n
        }
        try ram.addExternalFile(in: ram.rootNode, bytes("ext"), RamFS.External(size: 3000, bytes: nil, key: 42))
        XCTAssertEqual(try ram.readAll("ext"), contents)
    }
}
