// Mounting: what mkfs.fat makes is accepted, FAT12/FAT16 (by cluster count,
// fatgen103 section 4) and broken boot sectors are refused with clean errors.
import KenixABI
import XCTest
@testable import KenixFS

final class FATMountTests: XCTestCase {
    func testMkfsFAT32OfSixtyFourMegabytesMounts() throws {
        let tools = try DiskTools()
        let image = try tools.makeFAT32("a.img", megabytes: 64)
        let volume = try mountFAT(image)
        XCTAssertGreaterThanOrEqual(UInt64(volume.geometry.clusterCount), FATGeometry.fat32MinimumClusters)
        XCTAssertEqual(volume.geometry.bytesPerSector, 512)
        XCTAssertFalse(volume.isReadOnly)
        XCTAssertFalse(volume.wasDirty)
        XCTAssertTrue(volume.warnings.isEmpty)
        let usage = volume.usage()
        XCTAssertEqual(usage.type, .fat32)
        XCTAssertEqual(usage.totalBlocks, UInt64(volume.geometry.clusterCount))
        // mkfs.fat uses one cluster for the root directory.
        XCTAssertEqual(usage.freeBlocks, usage.totalBlocks - 1)
        XCTAssertEqual(try volume.names(""), [])
    }

    func testSmallMkfsFAT32IsFAT16ByClusterCountAndRefused() throws {
        let tools = try DiskTools()
        // mkfs.fat -F 32 on 16 MiB writes FAT32 fields, but with fewer than
        // 65,525 clusters the volume is FAT16 by the specification's rule.
        let image = try tools.makeFAT32("small.img", megabytes: 16)
        let store = try FileBlockStore(path: image)
        XCTAssertThrowsError(try FATVolume.mount(store, clock: { 0 })) { error in
            let failure = error as! MountFailure
            XCTAssertEqual(failure.error, .notSupported)
            XCTAssertLessThan(failure.clusters, FATGeometry.fat32MinimumClusters)
            XCTAssertGreaterThanOrEqual(failure.clusters, FATGeometry.fat16MinimumClusters)
            XCTAssertTrue(failure.reasonText.hasPrefix("FAT16 volume"), failure.reasonText)
        }
    }

    func testFAT12IsRefused() throws {
        let tools = try DiskTools()
        let image = tools.path("tiny.img")
        FileManager.default.createFile(atPath: image, contents: Data(count: 1 << 20))
        XCTAssertEqual(try tools.run("mkfs.fat", ["-F", "12", image]).status, 0)
        XCTAssertThrowsError(try FATVolume.mount(try FileBlockStore(path: image), clock: { 0 })) { error in
            let failure = error as! MountFailure
            XCTAssertEqual(failure.error, .notSupported)
            XCTAssertLessThan(failure.clusters, FATGeometry.fat16MinimumClusters)
            XCTAssertTrue(failure.reasonText.hasPrefix("FAT12 volume"), failure.reasonText)
        }
    }

    func testZeroSizeDiskIsRefused() throws {
        let store = MemoryBlockStore(sectorCount: 0)
        XCTAssertThrowsError(try FATVolume.mount(store, clock: { 0 })) { error in
            XCTAssertEqual((error as! MountFailure).error, .ioError)
            XCTAssertEqual((error as! MountFailure).reasonText, "the disk is empty")
        }
    }

    func testBlankDiskIsRefused() throws {
        let store = MemoryBlockStore(sectorCount: 8192)
        XCTAssertThrowsError(try FATVolume.mount(store, clock: { 0 })) { error in
            XCTAssertEqual((error as! MountFailure).error, .invalidArgument)
        }
    }

    /// Each damaged BPB field refuses the mount with its own reason.
    func testDamagedBootSectorsAreRefused() throws {
        let tools = try DiskTools()
        let image = try tools.makeFAT32("a.img", megabytes: 64)
        let pristine = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        func refused(_ edit: (inout [UInt8]) -> Void) -> MountFailure? {
            var bytes = pristine
            edit(&bytes)
            do {
                _ = try FATVolume.mount(MemoryBlockStore(image: bytes), clock: { 0 })
                return nil
            } catch {
                return error
            }
        }
        let cases: [(String, (inout [UInt8]) -> Void, FileError)] = [
            ("signature", { $0[510] = 0 }, .invalidArgument),
            ("jump", { $0[0] = 0 }, .invalidArgument),
            ("bytes per sector", { $0.setLE16(11, 300) }, .invalidArgument),
            ("sectors per cluster", { $0[13] = 3 }, .invalidArgument),
            ("reserved sectors", { $0.setLE16(14, 0) }, .invalidArgument),
            ("FAT count", { $0[16] = 0 }, .invalidArgument),
            ("FAT size", { $0.setLE32(36, 0) }, .invalidArgument),
            ("FAT too small", { $0.setLE32(36, 16) }, .notSupported),   // few clusters' worth of FAT: more clusters, still checked
            ("total sectors", { $0.setLE32(32, 0) }, .invalidArgument),
            ("root cluster 0", { $0.setLE32(44, 0) }, .invalidArgument),
            ("root cluster past the end", { $0.setLE32(44, 0x0FFF_FFF0) }, .invalidArgument),
            ("version", { $0.setLE16(42, 1) }, .notSupported),
            ("FAT16 fields", { $0.setLE16(17, 512) }, .invalidArgument),
            ("active FAT", { $0.setLE16(40, 0x0085) }, .invalidArgument),
        ]
        for (name, edit, expected) in cases {
            let failure = refused(edit)
            XCTAssertNotNil(failure, "\(name): mounted")
            if name != "FAT too small" { XCTAssertEqual(failure?.error, expected, name) }
        }
    }

    func testTruncatedImageIsRefused() throws {
        let tools = try DiskTools()
        let image = try tools.makeFAT32("a.img", megabytes: 64)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: image)))
        let truncated = Array(bytes[0..<(32 << 20)])
        XCTAssertThrowsError(try FATVolume.mount(MemoryBlockStore(image: truncated), clock: { 0 })) { error in
            let failure = error as! MountFailure
            XCTAssertEqual(failure.error, .ioError)
            XCTAssertTrue(failure.reasonText.contains("larger than its disk"), failure.reasonText)
        }
    }

    func testUnreadableDiskIsRefused() throws {
        let store = MemoryBlockStore(sectorCount: 8192)
        store.failReads = true
        XCTAssertThrowsError(try FATVolume.mount(store, clock: { 0 })) { error in
            XCTAssertEqual((error as! MountFailure).reasonText, "cannot read the boot sector")
        }
    }

    func testVolumesBeyondTheMemoryBudgetAreRefused() throws {
        let tools = try DiskTools()
        let image = try tools.makeFAT32("a.img", megabytes: 64)
        XCTAssertThrowsError(try FATVolume.mount(try FileBlockStore(path: image), clock: { 0 }, maxClusters: 100_000)) { error in
            XCTAssertEqual((error as! MountFailure).error, .outOfMemory)
        }
    }

    func testReadOnlyStoreMountsReadOnly() throws {
        let tools = try DiskTools()
        let image = try tools.makeFAT32("a.img", megabytes: 64)
        let volume = try mountFAT(image, readOnly: true)
        XCTAssertTrue(volume.isReadOnly)
        XCTAssertFileError(.readOnly, try volume.createFile("x"))
        try volume.unmount()
    }
}
