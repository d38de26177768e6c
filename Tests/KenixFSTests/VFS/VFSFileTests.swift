// VFS file operations: open flags, read, write, seek, truncate, stat, close
// and the descriptor table, each error code they can give.
import KenixABI
import XCTest
@testable import KenixFS

final class VFSFileTests: XCTestCase {
    func testCreateWriteReadRoundTrip() throws {
        let bed = try VFSBed()
        let data = patternBytes(300_000, seed: 4)
        try bed.put("/tmp/a.bin", data)
        XCTAssertEqual(try bed.get("/tmp/a.bin"), data)
        let (info, device) = try bed.vfs.stat(bed.client, bytes("/tmp/a.bin"), follow: true)
        XCTAssertEqual(info.size, UInt64(data.count))
        XCTAssertEqual(info.kind, .regular)
        XCTAssertEqual(device, 0)
    }

    func testOpenFlags() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/f", bytes("hello"))
        XCTAssertFileError(.exists, try bed.open("/tmp/f", OpenFlags.writeOnly | OpenFlags.create | OpenFlags.exclusive))
        XCTAssertFileError(.notFound, try bed.open("/tmp/none", OpenFlags.readOnly))
        XCTAssertFileError(.invalidArgument, try bed.open("/tmp/f", 3))
        XCTAssertFileError(.invalidArgument, try bed.open("/tmp/f", 0x8000_0000))
        XCTAssertFileError(.notDirectory, try bed.open("/tmp/f", OpenFlags.readOnly | OpenFlags.directory))
        XCTAssertFileError(.isDirectory, try bed.open("/tmp", OpenFlags.writeOnly))
        XCTAssertFileError(.isDirectory, try bed.open("/tmp/new/", OpenFlags.writeOnly | OpenFlags.create))
        XCTAssertFileError(.notDirectory, try bed.open("/tmp/f/", OpenFlags.readOnly))
        // Truncate empties; append writes at the end whatever the position.
        var fd = try bed.open("/tmp/f", OpenFlags.readWrite | OpenFlags.truncate)
        XCTAssertEqual(try bed.read(fd, 10), [])
        XCTAssertEqual(try bed.write(fd, bytes("abc")), 3)
        try bed.vfs.close(bed.client, fd)
        fd = try bed.open("/tmp/f", OpenFlags.writeOnly | OpenFlags.append)
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: 0, origin: .start), 0)
        XCTAssertEqual(try bed.write(fd, bytes("def")), 3)
        try bed.vfs.close(bed.client, fd)
        XCTAssertEqual(try bed.get("/tmp/f"), bytes("abcdef"))
        // Access modes are enforced per descriptor.
        fd = try bed.open("/tmp/f", OpenFlags.readOnly)
        XCTAssertFileError(.badFile, try bed.write(fd, [1]))
        XCTAssertFileError(.badFile, try bed.vfs.truncate(bed.client, fd, size: 0))
        try bed.vfs.close(bed.client, fd)
        fd = try bed.open("/tmp/f", OpenFlags.writeOnly)
        XCTAssertFileError(.badFile, try bed.read(fd, 1))
        try bed.vfs.close(bed.client, fd)
    }

    func testSeekAndPositionedAccess() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/s", bytes("0123456789"))
        let fd = try bed.open("/tmp/s", OpenFlags.readWrite)
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: 4, origin: .start), 4)
        XCTAssertEqual(try bed.read(fd, 2), bytes("45"))
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: -3, origin: .current), 3)
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: -1, origin: .end), 9)
        XCTAssertEqual(try bed.read(fd, 5), bytes("9"))
        XCTAssertFileError(.invalidArgument, try bed.vfs.seek(bed.client, fd, offset: -11, origin: .end))
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: 20, origin: .start), 20)
        XCTAssertEqual(try bed.write(fd, bytes("!")), 1)
        XCTAssertEqual(try bed.get("/tmp/s"), bytes("0123456789") + [UInt8](repeating: 0, count: 10) + bytes("!"))
        var two = [UInt8](repeating: 0, count: 2)
        XCTAssertEqual(try two.withUnsafeMutableBytes { r throws(FileError) in try bed.vfs.read(bed.client, fd, at: 1, into: r) }, 2)
        XCTAssertEqual(two, bytes("12"))
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: 0, origin: .current), 21)   // unmoved by positioned reads
        try bed.vfs.close(bed.client, fd)
    }

    func testTruncateByPathAndDescriptor() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/t", bytes("abcdef"))
        try bed.vfs.truncate(bed.client, bytes("/tmp/t"), size: 2)
        XCTAssertEqual(try bed.get("/tmp/t"), bytes("ab"))
        let fd = try bed.open("/tmp/t", OpenFlags.writeOnly)
        try bed.vfs.truncate(bed.client, fd, size: 4)
        try bed.vfs.close(bed.client, fd)
        XCTAssertEqual(try bed.get("/tmp/t"), bytes("ab") + [0, 0])
        XCTAssertFileError(.isDirectory, try bed.vfs.truncate(bed.client, bytes("/tmp"), size: 0))
    }

    func testDescriptorTableLimitsAndClose() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/x", [1])
        var fds: [Int] = []
        for _ in 0..<FileLimits.maxOpenFiles { fds.append(try bed.open("/tmp/x", OpenFlags.readOnly)) }
        XCTAssertEqual(fds, Array(0..<FileLimits.maxOpenFiles))
        XCTAssertFileError(.tooManyOpenFiles, try bed.open("/tmp/x", OpenFlags.readOnly))
        try bed.vfs.close(bed.client, 17)
        XCTAssertEqual(try bed.open("/tmp/x", OpenFlags.readOnly), 17)   // lowest free slot
        XCTAssertFileError(.badFile, try bed.vfs.close(bed.client, 64))
        for fd in fds { try bed.vfs.close(bed.client, fd) }
        XCTAssertFileError(.badFile, try bed.vfs.close(bed.client, 3))
        XCTAssertEqual(bed.vfs.openFileCount(bed.client), 0)
    }

    func testUnlinkedOpenFileKeepsItsData() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/gone", bytes("still here"))
        let fd = try bed.open("/tmp/gone", OpenFlags.readOnly)
        try bed.vfs.unlink(bed.client, bytes("/tmp/gone"))
        XCTAssertFileError(.notFound, try bed.vfs.stat(bed.client, bytes("/tmp/gone"), follow: true))
        XCTAssertEqual(try bed.read(fd, 100), bytes("still here"))
        let used = bed.ram.usedBytes
        try bed.vfs.close(bed.client, fd)
        XCTAssertEqual(bed.ram.usedBytes, used - 10)
    }

    func testNoSpaceInTheRAMFileSystem() throws {
        let bed = try VFSBed(capacity: 100_000)
        let fd = try bed.open("/tmp/big", OpenFlags.writeOnly | OpenFlags.create)
        XCTAssertEqual(try bed.write(fd, patternBytes(90_000, seed: 1)), 90_000)
        XCTAssertFileError(.noSpace, try bed.write(fd, patternBytes(20_000, seed: 1)))
        try bed.vfs.close(bed.client, fd)
        XCTAssertEqual(bed.vfs.mountList()[0].0.freeBlocks, (100_000 / 4096) - (90_000 + 4095) / 4096)
    }

    func testPathErrors() throws {
        let bed = try VFSBed()
        XCTAssertFileError(.notFound, try bed.open("", OpenFlags.readOnly))
        XCTAssertFileError(.nameTooLong, try bed.open("/tmp/" + String(repeating: "n", count: 766), OpenFlags.readOnly))
        XCTAssertFileError(.nameTooLong, try bed.vfs.open(bed.client, [UInt8](repeating: 0x2F, count: 4097), flags: 0))
        XCTAssertFileError(.nameTooLong, try bed.open("/tmp/" + String(repeating: "n", count: 256), OpenFlags.create))   // RamFS: 255
        XCTAssertFileError(.invalidArgument, try bed.vfs.open(bed.client, [0x2F, 0x61, 0, 0x62], flags: 0))
        XCTAssertFileError(.invalidArgument, try bed.vfs.open(bed.client, [0x2F, 0xFF, 0xFE], flags: OpenFlags.create))
        try bed.put("/tmp/file", [1])
        XCTAssertFileError(.notDirectory, try bed.open("/tmp/file/x", OpenFlags.readOnly))
    }

    func testStatOfDirectoriesAndTheRoot() throws {
        let bed = try VFSBed()
        let (root, _) = try bed.vfs.stat(bed.client, bytes("/"), follow: true)
        XCTAssertEqual(root.kind, .directory)
        let (dotdot, _) = try bed.vfs.stat(bed.client, bytes("/.."), follow: true)
        XCTAssertEqual(dotdot.id, root.id)   // the root's parent is itself
        let fd = try bed.open("/tmp", OpenFlags.readOnly)
        XCTAssertEqual(try bed.vfs.fstat(bed.client, fd).0.kind, .directory)
        XCTAssertFileError(.isDirectory, try bed.read(fd, 1))
        try bed.vfs.close(bed.client, fd)
    }

    func testTimesComeFromTheClock() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/t", [1])
        let created = bed.clock.now
        bed.clock.now += 5_000_000_000
        let fd = try bed.open("/tmp/t", OpenFlags.writeOnly)
        _ = try bed.write(fd, [2])
        try bed.vfs.close(bed.client, fd)
        let (info, _) = try bed.vfs.stat(bed.client, bytes("/tmp/t"), follow: true)
        XCTAssertEqual(info.created, created)
        XCTAssertEqual(info.modified, bed.clock.now)
    }
}
