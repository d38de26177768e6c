// VFS name operations: mkdir, rmdir, unlink, rename, symlink, readlink,
// readdir, chdir and getcwd, with "." and "..", and their error codes.
import KenixABI
import XCTest
@testable import KenixFS

final class VFSNamespaceTests: XCTestCase {
    func testMakeAndRemoveDirectories() throws {
        let bed = try VFSBed()
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/a"))
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/a/b/"))
        XCTAssertFileError(.exists, try bed.vfs.makeDirectory(bed.client, bytes("/tmp/a")))
        XCTAssertFileError(.exists, try bed.vfs.makeDirectory(bed.client, bytes("/")))
        XCTAssertFileError(.exists, try bed.vfs.makeDirectory(bed.client, bytes("/tmp/a/.")))
        XCTAssertFileError(.notFound, try bed.vfs.makeDirectory(bed.client, bytes("/tmp/none/x")))
        XCTAssertFileError(.notEmpty, try bed.vfs.removeDirectory(bed.client, bytes("/tmp/a")))
        XCTAssertFileError(.invalidArgument, try bed.vfs.removeDirectory(bed.client, bytes("/tmp/a/b/.")))
        XCTAssertFileError(.busy, try bed.vfs.removeDirectory(bed.client, bytes("/")))
        try bed.put("/tmp/a/file", [1])
        XCTAssertFileError(.notDirectory, try bed.vfs.removeDirectory(bed.client, bytes("/tmp/a/file")))
        XCTAssertFileError(.isDirectory, try bed.vfs.unlink(bed.client, bytes("/tmp/a/b")))
        XCTAssertFileError(.notDirectory, try bed.vfs.unlink(bed.client, bytes("/tmp/a/file/")))
        try bed.vfs.unlink(bed.client, bytes("/tmp/a/file"))
        XCTAssertFileError(.notFound, try bed.vfs.unlink(bed.client, bytes("/tmp/a/file")))
        try bed.vfs.removeDirectory(bed.client, bytes("/tmp/a/b"))
        try bed.vfs.removeDirectory(bed.client, bytes("/tmp/a"))
        XCTAssertEqual(try bed.list("/tmp"), [])
    }

    func testBusyDirectories() throws {
        let bed = try VFSBed()
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/open"))
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/cwd"))
        let fd = try bed.open("/tmp/open", OpenFlags.readOnly)
        XCTAssertFileError(.busy, try bed.vfs.removeDirectory(bed.client, bytes("/tmp/open")))
        try bed.vfs.close(bed.client, fd)
        try bed.vfs.removeDirectory(bed.client, bytes("/tmp/open"))
        try bed.vfs.changeDirectory(bed.client, bytes("/tmp/cwd"))
        XCTAssertFileError(.busy, try bed.vfs.removeDirectory(bed.client, bytes("/tmp/cwd")))
        try bed.vfs.changeDirectory(bed.client, bytes(".."))
        try bed.vfs.removeDirectory(bed.client, bytes("cwd"))
    }

    func testRename() throws {
        let bed = try VFSBed()
        try bed.put("/tmp/a", bytes("A"))
        try bed.put("/tmp/b", bytes("B"))
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/d"))
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/d/inner"))
        try bed.vfs.rename(bed.client, bytes("/tmp/a"), bytes("/tmp/b"))          // replaces
        XCTAssertEqual(try bed.get("/tmp/b"), bytes("A"))
        XCTAssertFileError(.notFound, try bed.get("/tmp/a"))
        try bed.vfs.rename(bed.client, bytes("/tmp/b"), bytes("/tmp/d/moved"))
        XCTAssertEqual(try bed.get("/tmp/d/moved"), bytes("A"))
        XCTAssertFileError(.invalidArgument, try bed.vfs.rename(bed.client, bytes("/tmp/d"), bytes("/tmp/d/inner/x")))
        XCTAssertFileError(.invalidArgument, try bed.vfs.rename(bed.client, bytes("/tmp/d"), bytes("/tmp/d/x")))
        XCTAssertFileError(.isDirectory, try bed.vfs.rename(bed.client, bytes("/tmp/d/moved"), bytes("/tmp/d/inner")))
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/e"))
        try bed.vfs.rename(bed.client, bytes("/tmp/d"), bytes("/tmp/e"))            // onto an empty directory
        XCTAssertEqual(Set(try bed.list("/tmp/e")), ["moved", "inner"])
        XCTAssertFileError(.notFound, try bed.vfs.rename(bed.client, bytes("/tmp/none"), bytes("/tmp/x")))
        XCTAssertFileError(.invalidArgument, try bed.vfs.rename(bed.client, bytes("/tmp/e/.."), bytes("/tmp/x")))
        XCTAssertFileError(.busy, try bed.vfs.rename(bed.client, bytes("/"), bytes("/tmp/x")))
        try bed.vfs.rename(bed.client, bytes("/tmp/e/moved"), bytes("/tmp/e/moved"))   // the same entry: nothing
        XCTAssertEqual(try bed.get("/tmp/e/moved"), bytes("A"))
    }

    func testSymbolicLinks() throws {
        let bed = try VFSBed()
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/dir"))
        try bed.put("/tmp/dir/file", bytes("target"))
        try bed.vfs.symlink(bed.client, target: bytes("dir/file"), bytes("/tmp/rel"))
        try bed.vfs.symlink(bed.client, target: bytes("/tmp/dir"), bytes("/tmp/abs"))
        try bed.vfs.symlink(bed.client, target: bytes("loop2"), bytes("/tmp/loop1"))
        try bed.vfs.symlink(bed.client, target: bytes("loop1"), bytes("/tmp/loop2"))
        try bed.vfs.symlink(bed.client, target: bytes("newfile"), bytes("/tmp/dangling"))
        XCTAssertEqual(try bed.get("/tmp/rel"), bytes("target"))
        XCTAssertEqual(try bed.get("/tmp/abs/file"), bytes("target"))
        XCTAssertEqual(try bed.vfs.readLink(bed.client, bytes("/tmp/rel")), bytes("dir/file"))
        XCTAssertFileError(.invalidArgument, try bed.vfs.readLink(bed.client, bytes("/tmp/dir")))
        XCTAssertEqual(try bed.vfs.stat(bed.client, bytes("/tmp/rel"), follow: false).0.kind, .symlink)
        XCTAssertEqual(try bed.vfs.stat(bed.client, bytes("/tmp/rel"), follow: true).0.kind, .regular)
        XCTAssertFileError(.tooManyLinks, try bed.get("/tmp/loop1"))
        XCTAssertFileError(.tooManyLinks, try bed.open("/tmp/rel", OpenFlags.readOnly | OpenFlags.noFollow))
        XCTAssertFileError(.exists, try bed.vfs.symlink(bed.client, target: bytes("x"), bytes("/tmp/rel")))
        // open(O_CREAT) through a dangling link creates its target.
        let fd = try bed.open("/tmp/dangling", OpenFlags.writeOnly | OpenFlags.create)
        _ = try bed.write(fd, bytes("made"))
        try bed.vfs.close(bed.client, fd)
        XCTAssertEqual(try bed.get("/tmp/newfile"), bytes("made"))
        // unlink removes the link, not its target.
        try bed.vfs.unlink(bed.client, bytes("/tmp/rel"))
        XCTAssertEqual(try bed.get("/tmp/dir/file"), bytes("target"))
        // cd through a link; getcwd gives the real path.
        try bed.vfs.changeDirectory(bed.client, bytes("/tmp/abs"))
        XCTAssertEqual(try bed.cwd(), "/tmp/dir")
    }

    func testCurrentDirectoryAndDotDot() throws {
        let bed = try VFSBed()
        XCTAssertEqual(try bed.cwd(), "/")
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/x"))
        try bed.vfs.makeDirectory(bed.client, bytes("/tmp/x/y"))
        try bed.vfs.changeDirectory(bed.client, bytes("tmp/x/y"))
        XCTAssertEqual(try bed.cwd(), "/tmp/x/y")
        try bed.put("rel", bytes("r"))
        XCTAssertEqual(try bed.get("/tmp/x/y/rel"), bytes("r"))
        XCTAssertEqual(try bed.get("../y/./rel"), bytes("r"))
        try bed.vfs.changeDirectory(bed.client, bytes("../../../../.."))
        XCTAssertEqual(try bed.cwd(), "/")
        XCTAssertFileError(.notDirectory, try bed.vfs.changeDirectory(bed.client, bytes("/tmp/x/y/rel")))
        XCTAssertFileError(.notFound, try bed.vfs.changeDirectory(bed.client, bytes("/nowhere")))
    }

    func testReadDirectoryWhileRemovingSkipsNothing() throws {
        let bed = try VFSBed()
        for i in 0..<50 { try bed.put("/tmp/f\(i)", [UInt8(i)]) }
        let fd = try bed.open("/tmp", OpenFlags.readOnly | OpenFlags.directory)
        var seen: [String] = []
        var more = true
        while more {
            var batch: [String] = []
            try bed.vfs.readDirectory(bed.client, fd) { item in
                guard batch.count < 7 else { return false }
                batch.append(String(decoding: item.name, as: UTF8.self))
                return true
            }
            more = !batch.isEmpty
            for name in batch { try bed.vfs.unlink(bed.client, bytes("/tmp/" + name)) }
            seen += batch
        }
        XCTAssertEqual(seen.count, 50)
        XCTAssertEqual(Set(seen).count, 50)
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: 0, origin: .start), 0)   // rewinddir
        XCTAssertFileError(.invalidArgument, try bed.vfs.seek(bed.client, fd, offset: 3, origin: .start))
        try bed.vfs.close(bed.client, fd)
        XCTAssertEqual(try bed.list("/tmp"), [])
        let file = try bed.open("/", OpenFlags.readOnly)
        try bed.vfs.close(bed.client, file)
        try bed.put("/tmp/plain", [1])
        let plain = try bed.open("/tmp/plain", OpenFlags.readOnly)
        XCTAssertFileError(.notDirectory, try bed.vfs.readDirectory(bed.client, plain) { _ in true })
    }
}
