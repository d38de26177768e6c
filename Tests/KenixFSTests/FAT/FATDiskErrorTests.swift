// Disk errors on a FAT volume: a failed write is an I/O error that leaves the
// file as it was (its clusters given back, nothing lost to fsck), a failed
// sync keeps every change for the next one, and a failed read is an I/O
// error that leaves the volume usable.
import Foundation
import KenixABI
import XCTest
@testable import KenixFS

final class FATDiskErrorTests: XCTestCase {
    var tools: DiskTools!
    var image: String!

    override func setUpWithError() throws {
        tools = try DiskTools()
        image = try tools.makeFAT32("errors.img", megabytes: 64)
        try tools.put(image, bytes("old contents\n"), at: "/old.txt")
    }

    func assertClean(file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try tools.fsck(image)
        XCTAssertEqual(report.status, 0, report.output, file: file, line: line)
    }

    func testAFailedLargeWriteGivesBackItsClusters() throws {
        let store = try FileBlockStore(path: image)
        let volume = try FATVolume.mount(store, clock: { 0 })
        let free = volume.usage().freeBlocks
        let node = try volume.node("old.txt")
        store.failWrites = true   // the 1 MiB goes straight to the disk (it bypasses the cache), and fails
        XCTAssertFileError(.ioError, try patternBytes(1 << 20, seed: 1).withUnsafeBytes { r throws(FileError) in
            try volume.write(node, at: 13, from: r)
        })
        store.failWrites = false
        XCTAssertEqual(try volume.info(node).size, 13)
        XCTAssertEqual(volume.usage().freeBlocks, free, "the clusters allocated for the write are free again")
        volume.release(node)
        XCTAssertEqual(try volume.readAll("old.txt"), bytes("old contents\n"))
        try volume.unmount()
        try assertClean()
        XCTAssertEqual(try tools.get(image, "/old.txt"), bytes("old contents\n"))
    }

    func testAFailedSyncKeepsEveryChangeForTheNext() throws {
        let store = try FileBlockStore(path: image)
        let volume = try FATVolume.mount(store, clock: { 0 })
        try volume.makeDirectory("kept")
        try volume.createFile("kept/new.txt", bytes("new\n"))
        store.failWrites = true
        XCTAssertFileError(.ioError, try volume.sync())
        XCTAssertFileError(.ioError, try volume.unmount())
        XCTAssertEqual(try volume.readAll("kept/new.txt"), bytes("new\n"), "still there, in the cache")
        store.failWrites = false
        try volume.unmount()
        try assertClean()
        XCTAssertEqual(try tools.get(image, "/kept/new.txt"), bytes("new\n"))
    }

    func testAFailedReadIsAnIOErrorAndTheVolumeGoesOn() throws {
        let store = try FileBlockStore(path: image)
        let volume = try FATVolume.mount(store, clock: { 0 })
        store.failReads = true
        XCTAssertFileError(.ioError, try volume.readAll("old.txt"))
        store.failReads = false
        XCTAssertEqual(try volume.readAll("old.txt"), bytes("old contents\n"))
        try volume.createFile("after.txt", bytes("after\n"))
        try volume.unmount()
        try assertClean()
    }

    func testAFailedRemoveFreesNothing() throws {
        try tools.put(image, patternBytes(9000, seed: 2), at: "/big.bin")
        let store = try FileBlockStore(path: image)
        let volume = try FATVolume.mount(store, clock: { 0 })
        let free = volume.usage().freeBlocks
        try volume.createFile("first.txt", bytes("first\n"))   // the volume is dirty now: the removal's writes come next
        store.failWrites = true
        XCTAssertFileError(.ioError, try volume.removeFile("big.bin"))
        XCTAssertEqual(volume.usage().freeBlocks, free - 1, "the entry's removal never reached the disk: its clusters stay")
        store.failWrites = false
        try volume.unmount()
        let report = try tools.fsck(image)   // the removal is done on the disk now, its clusters lost, not shared
        XCTAssertTrue(report.status == 0 || report.output.contains("Reclaimed"), report.output)
        XCTAssertFalse(report.output.contains("share clusters") || report.output.contains("File size"), report.output)
    }
}
