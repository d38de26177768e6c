// Mounts: a FAT32 volume on /disk, ".." across the mount point, busy mount
// points, cross-device renames, statfs and the mount list, unmounting.
import Foundation
import KenixABI
import XCTest
@testable import KenixFS

final class VFSMountTests: XCTestCase {
    var tools: DiskTools!
    var image: String!

    override func setUpWithError() throws {
        tools = try DiskTools()
        image = try tools.makeFAT32("v.img", megabytes: 64)
        try tools.makeDirectory(image, "/Docs")
        try tools.put(image, bytes("from mtools\n"), at: "/Docs/Read me.txt")
    }

    func testFilesOnTheMountedVolume() throws {
        let bed = try VFSBed()
        try bed.mountFAT(image)
        XCTAssertEqual(try bed.get("/disk/docs/READ ME.TXT"), bytes("from mtools\n"))
        try bed.vfs.makeDirectory(bed.client, bytes("/disk/New Folder"))
        try bed.put("/disk/New Folder/Ünïcödé.txt", bytes("written by kenix\n"))
        XCTAssertEqual(Set(try bed.list("/disk")), ["Docs", "New Folder"])
        try bed.vfs.changeDirectory(bed.client, bytes("/disk/New Folder"))
        XCTAssertEqual(try bed.cwd(), "/disk/New Folder")
        try bed.vfs.changeDirectory(bed.client, bytes("../.."))
        XCTAssertEqual(try bed.cwd(), "/")
        try bed.vfs.changeDirectory(bed.client, bytes("/disk"))
        XCTAssertEqual(try bed.cwd(), "/disk")
        XCTAssertEqual(Set(try bed.list("..")), ["tmp", "disk"])
        try bed.vfs.changeDirectory(bed.client, bytes("/"))
        try bed.vfs.unmount(at: bytes("/disk"))
        XCTAssertEqual(try bed.list("/disk"), [])   // the RAM directory underneath
        let report = try tools.fsck(image)
        XCTAssertEqual(report.status, 0, report.output)
        XCTAssertEqual(try tools.get(image, "/New Folder/Ünïcödé.txt"), bytes("written by kenix\n"))
    }

    func testMountPointsAreBusyAndRenamesDoNotCrossDevices() throws {
        let bed = try VFSBed()
        try bed.mountFAT(image)
        try bed.put("/tmp/ram.txt", [1])
        XCTAssertFileError(.crossDevice, try bed.vfs.rename(bed.client, bytes("/tmp/ram.txt"), bytes("/disk/ram.txt")))
        XCTAssertFileError(.crossDevice, try bed.vfs.rename(bed.client, bytes("/disk/Docs"), bytes("/tmp/Docs")))
        XCTAssertFileError(.busy, try bed.vfs.removeDirectory(bed.client, bytes("/disk")))
        XCTAssertFileError(.busy, try bed.vfs.rename(bed.client, bytes("/disk"), bytes("/tmp/disk2")))
        XCTAssertFileError(.busy, try bed.vfs.mount(.ram(RamFS(capacity: 1, clock: { 0 })), at: bytes("/disk")))
        let fd = try bed.open("/disk/Docs/Read me.txt", OpenFlags.readOnly)
        XCTAssertFileError(.busy, try bed.vfs.unmount(at: bytes("/disk")))
        try bed.vfs.close(bed.client, fd)
        try bed.vfs.changeDirectory(bed.client, bytes("/disk/Docs"))
        XCTAssertFileError(.busy, try bed.vfs.unmount(at: bytes("/disk")))
        try bed.vfs.changeDirectory(bed.client, bytes("/"))
        XCTAssertFileError(.invalidArgument, try bed.vfs.unmount(at: bytes("/tmp")))
        try bed.vfs.unmount(at: bytes("/disk"))
    }

    func testStatfsAndTheMountList() throws {
        let bed = try VFSBed()
        try bed.mountFAT(image)
        let (ram, ramDevice) = try bed.vfs.fileSystemInfo(bed.client, bytes("/tmp"))
        XCTAssertEqual(ram.type, .ram)
        XCTAssertEqual(ramDevice, 0)
        let (fat, fatDevice) = try bed.vfs.fileSystemInfo(bed.client, bytes("/disk/Docs"))
        XCTAssertEqual(fat.type, .fat32)
        XCTAssertEqual(fatDevice, 1)
        XCTAssertEqual(fat.blockSize, 512)
        XCTAssertGreaterThanOrEqual(fat.totalBlocks, 65_525)
        let list = bed.vfs.mountList()
        XCTAssertEqual(list.map { String(decoding: $0.2, as: UTF8.self) }, ["/", "/disk"])
        XCTAssertEqual(try bed.vfs.stat(bed.client, bytes("/disk/Docs"), follow: true).1, 1)
    }

    func testReadOnlyAndDamagedVolumes() throws {
        let bed = try VFSBed()
        try bed.mountFAT(image, readOnly: true)
        XCTAssertEqual(try bed.get("/disk/Docs/Read me.txt"), bytes("from mtools\n"))
        XCTAssertFileError(.readOnly, try bed.put("/disk/new.txt", [1]))
        XCTAssertFileError(.readOnly, try bed.open("/disk/Docs/Read me.txt", OpenFlags.writeOnly))
        XCTAssertFileError(.readOnly, try bed.vfs.makeDirectory(bed.client, bytes("/disk/d")))
        XCTAssertFileError(.readOnly, try bed.vfs.unlink(bed.client, bytes("/disk/Docs/Read me.txt")))
        XCTAssertTrue(bed.vfs.mountList()[1].0.readOnly)
    }

    func testDamagedFileIsAnIOErrorAndTheRestGoesOn() throws {
        var raw = try RawFATImage(path: image)
        let docs = raw.firstCluster(at: raw.entryOffset("DOCS       ")!)
        // The file's short entry is the last slot used in Docs; point it past the volume.
        let file = raw.clusterOffset(docs) + 32 * 3   // after ".", ".." and one long-name slot
        XCTAssertEqual(Array(raw.bytes[(file + 8)..<(file + 11)]), bytes("TXT"))
        raw.setFirstCluster(at: file, 0x0FFF_FF00)
        try Data(raw.bytes).write(to: URL(fileURLWithPath: image))
        let bed = try VFSBed()
        try bed.mountFAT(image)
        XCTAssertFileError(.ioError, try bed.get("/disk/Docs/Read me.txt"))
        try bed.put("/disk/ok.txt", bytes("fine"))
        XCTAssertEqual(try bed.get("/disk/ok.txt"), bytes("fine"))
    }
}

final class VFSFATLimitTests: XCTestCase {
    func testLinksAreNotSupportedAndFilesEndAtFourGigabytes() throws {
        let tools = try DiskTools()
        let image = try tools.makeFAT32("l.img", megabytes: 64)
        let bed = try VFSBed()
        try bed.mountFAT(image)
        XCTAssertFileError(.notSupported, try bed.vfs.symlink(bed.client, target: bytes("x"), bytes("/disk/link")))
        let fd = try bed.open("/disk/big", OpenFlags.readWrite | OpenFlags.create)
        XCTAssertEqual(try bed.vfs.seek(bed.client, fd, offset: 0xFFFF_FFFF, origin: .start), 0xFFFF_FFFF)
        XCTAssertFileError(.fileTooLarge, try bed.write(fd, [1]))
        XCTAssertFileError(.fileTooLarge, try bed.vfs.truncate(bed.client, fd, size: 0x1_0000_0000))
        try bed.vfs.close(bed.client, fd)
        XCTAssertFileError(.nameTooLong, try bed.put("/disk/" + String(repeating: "é", count: 256), [1]))
        try bed.put("/disk/" + String(repeating: "é", count: 255), [1])   // 255 UTF-16 units, 510 bytes
        try bed.vfs.unmount(at: bytes("/disk"))
        XCTAssertEqual(try tools.fsck(image).status, 0)
    }
}
