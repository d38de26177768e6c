// The wire protocol: requests decoded from op code, words and the client's
// buffer; records laid out as KenixABI says; lying lengths and unknown ops
// answered with errors; client state released on detach.
import KenixABI
import XCTest
@testable import KenixFS

final class VFSProtocolTests: XCTestCase {
    func testOpenWriteReadThroughTheBuffer() throws {
        let bed = try VFSBed()
        let fd = bed.request(.open, path: "/tmp/p.txt", OpenFlags.readWrite | OpenFlags.create)
        XCTAssertEqual(fd.result, 0)
        let data = bytes("through shared memory")
        for (k, b) in data.enumerated() { bed.buffer[k] = b }
        XCTAssertEqual(bed.request(.write, UInt64(data.count), w0: 0).result, Int64(data.count))
        XCTAssertEqual(bed.request(.seek, 0, SeekOrigin.start.rawValue, w0: 0).result, 0)
        for k in 0..<data.count { bed.buffer[k] = 0 }
        XCTAssertEqual(bed.request(.read, 100, w0: 0).result, Int64(data.count))
        XCTAssertEqual(Array(bed.buffer[0..<data.count]), data)
        XCTAssertEqual(bed.request(.readAt, 7, 8, w0: 0).result, 7)
        XCTAssertEqual(Array(bed.buffer[0..<7]), bytes("shared "))
        XCTAssertEqual(bed.request(.close, w0: 0).result, 0)
        XCTAssertEqual(bed.request(.close, w0: 0).result, FileError.badFile.rawValue)
    }

    func testStatRecordLayout() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/s", patternBytes(1234, seed: 1))
        XCTAssertEqual(bed.request(.stat, path: "/tmp/s").result, 0)
        let b = UnsafeRawBufferPointer(bed.buffer)
        XCTAssertEqual(b.le64(FileStatLayout.size), 1234)
        XCTAssertEqual(b.le32(FileStatLayout.kind), FileKind.regular.rawValue)
        XCTAssertEqual(b.le32(FileStatLayout.device), 0)
        XCTAssertEqual(b.le64(FileStatLayout.modified), bed.clock.now)
        XCTAssertEqual(b.le64(FileStatLayout.allocated), 4096)
        let (decoded, _) = FileRecords.readStat(b)
        XCTAssertEqual(decoded.size, 1234)
        XCTAssertEqual(bed.request(.stat, path: "/tmp/s", StatFlags.noFollow).result, 0)
        XCTAssertEqual(bed.request(.stat, path: "/tmp/s", 2).result, FileError.invalidArgument.rawValue)
    }

    func testDirectoryRecordsFillTheBufferAndResume() throws {
        let bed = try VFSBed(bufferSize: 4096)
        let longName = String(repeating: "L", count: 200)
        for i in 0..<40 { try bed.put("/tmp/\(longName)\(i)", []) }
        let fd = bed.request(.open, path: "/tmp", OpenFlags.readOnly | OpenFlags.directory).result
        var names: [String] = []
        var calls = 0
        while true {
            let n = bed.request(.readDirectory, w0: UInt64(fd)).result
            XCTAssertGreaterThanOrEqual(n, 0)
            if n == 0 { break }
            calls += 1
            var offset = 0
            for _ in 0..<n {
                let b = UnsafeRawBufferPointer(bed.buffer)
                let length = Int(b.le16(offset + DirectoryEntryLayout.recordLength))
                let nameLength = Int(b.le16(offset + DirectoryEntryLayout.nameLength))
                XCTAssertEqual(length % 8, 0)
                XCTAssertEqual(b[offset + DirectoryEntryLayout.headerSize + nameLength], 0)   // NUL after the name
                XCTAssertEqual(b.le32(offset + DirectoryEntryLayout.kind), FileKind.regular.rawValue)
                names.append(String(decoding: b[(offset + 24)..<(offset + 24 + nameLength)], as: UTF8.self))
                offset += length
            }
        }
        XCTAssertEqual(names.count, 40)
        XCTAssertGreaterThan(calls, 2)   // 40 × 232 bytes do not fit in 4 KiB at once
        XCTAssertEqual(Set(names).count, 40)
    }

    func testRenameSymlinkAndCurrentDirectoryUseTwoPathsAndResults() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/old", [1])
        XCTAssertEqual(bed.request(.rename, path: "/tmp/old", second: "/tmp/new").result, 0)
        XCTAssertEqual(try bed.get("/tmp/new"), [1])
        XCTAssertEqual(bed.request(.symlink, path: "new", second: "/tmp/link").result, 0)
        let n = bed.request(.readLink, path: "/tmp/link").result
        XCTAssertEqual(Array(bed.buffer[0..<Int(n)]), bytes("new"))
        XCTAssertEqual(bed.request(.changeDirectory, path: "/tmp").result, 0)
        let length = bed.request(.currentDirectory).result
        XCTAssertEqual(Array(bed.buffer[0..<Int(length)]), bytes("/tmp"))
        XCTAssertEqual(bed.request(.makeDirectory, path: "d").result, 0)
        XCTAssertEqual(bed.request(.removeDirectory, path: "d").result, 0)
        XCTAssertEqual(bed.request(.unlink, path: "link").result, 0)
        XCTAssertEqual(bed.request(.truncate, path: "new", 5).result, 0)
        XCTAssertEqual(try bed.get("/tmp/new"), [1, 0, 0, 0, 0])
        XCTAssertEqual(bed.request(.sync).result, 0)
    }

    func testFileSystemInfoAndMountRecords() throws {
        let bed = try VFSBed()
        XCTAssertEqual(bed.request(.fileSystemInfo, path: "/tmp").result, 0)
        let b = UnsafeRawBufferPointer(bed.buffer)
        XCTAssertEqual(b.le64(FileSystemInfoLayout.blockSize), 4096)
        XCTAssertEqual(b.le32(FileSystemInfoLayout.type), FileSystemType.ram.rawValue)
        XCTAssertEqual(bed.request(.mounts).result, 1)
        XCTAssertEqual(b.le16(MountRecordLayout.pathLength), 1)
        XCTAssertEqual(b[MountRecordLayout.headerSize], 0x2F)
    }

    func testLyingLengthsAndUnknownRequests() throws {
        let bed = try VFSBed(bufferSize: 4096)
        XCTAssertEqual(bed.vfs.handle(bed.client, op: 0xEE, 0, 0, 0, 0, buffer: bed.buffer).result,
                       FileError.invalidArgument.rawValue)
        XCTAssertEqual(bed.vfs.handle(bed.client, op: FileRequest.open.rawValue, 5000, 0, 0, 0, buffer: bed.buffer).result,
                       FileError.nameTooLong.rawValue)
        XCTAssertEqual(bed.vfs.handle(bed.client, op: FileRequest.open.rawValue, 4096, 0, 0, 0, buffer: nil).result,
                       FileError.noBuffer.rawValue)
        try bed.put("/tmp/f", [1])
        let fd = bed.request(.open, path: "/tmp/f", OpenFlags.readOnly).result
        XCTAssertEqual(bed.vfs.handle(bed.client, op: FileRequest.read.rawValue, UInt64(fd), 4097, 0, 0, buffer: bed.buffer).result,
                       FileError.noBuffer.rawValue)
        XCTAssertEqual(bed.vfs.handle(bed.client, op: FileRequest.read.rawValue, 1 << 40, 1, 0, 0, buffer: bed.buffer).result,
                       FileError.badFile.rawValue)
        XCTAssertEqual(bed.vfs.handle(bed.client, op: FileRequest.rename.rawValue, 3000, 3000, 0, 0, buffer: bed.buffer).result,
                       FileError.noBuffer.rawValue)
        XCTAssertEqual(bed.request(.seek, 0, 9, w0: UInt64(fd)).result, FileError.invalidArgument.rawValue)
    }

    func testUnattachedClientsAndTheClientLimit() throws {
        let bed = try VFSBed()
        XCTAssertEqual(bed.vfs.handle(99, op: FileRequest.open.rawValue, 1, 0, 0, 0, buffer: bed.buffer).result,
                       FileError.noBuffer.rawValue)
        for c in 100..<(100 + UInt64(bed.vfs.maxClients) - 1) { try bed.vfs.attach(c) }
        XCTAssertFileError(.tooManyClients, try bed.vfs.attach(5000))
        bed.vfs.releaseClient(100)
        try bed.vfs.attach(5000)
    }

    func testDetachReleasesFilesAndDirectories() throws {
        let bed = try VFSBed()
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/held"))
        try bed.put("/tmp/held/f", patternBytes(10_000, seed: 3))
        _ = bed.request(.open, path: "/tmp/held/f", OpenFlags.readOnly)
        _ = bed.request(.open, path: "/tmp/held", OpenFlags.readOnly)
        XCTAssertEqual(bed.request(.changeDirectory, path: "/tmp/held").result, 0)
        XCTAssertEqual(bed.request(.unlink, path: "f").result, 0)   // open: the data stays
        let used = bed.ram.usedBytes
        XCTAssertEqual(used, 10_000)
        // Another client cannot remove the directory while this one uses it.
        try bed.vfs.attach(8)
        XCTAssertFileError(.busy, try bed.vfs.removeDirectory(8, bytes("/tmp/held")))
        XCTAssertEqual(bed.request(.detach).result, 0)
        XCTAssertFalse(bed.vfs.isAttached(bed.client))
        XCTAssertEqual(bed.ram.usedBytes, 0)
        try bed.vfs.removeDirectory(8, bytes("/tmp/held"))
    }
}
