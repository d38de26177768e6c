// Damaged volumes never trap: chains that loop or run off the volume,
// cross-linked clusters, entries pointing outside, sizes beyond their chain,
// and random damage to the metadata. The volume is mounted read-only (or
// refused), the damaged files give ioError, and everything else still reads.
import Foundation
import KenixABI
import XCTest
@testable import KenixFS

final class FATCorruptionTests: XCTestCase {
    var tools: DiskTools!
    var raw: RawFATImage!
    let a = patternBytes(5000, seed: 1)   // 10 clusters of 512 bytes
    let b = patternBytes(3000, seed: 2)

    override func setUpWithError() throws {
        tools = try DiskTools()
        let image = try tools.makeFAT32("c.img", megabytes: 64)
        try tools.put(image, a, at: "/A.BIN")
        try tools.put(image, b, at: "/B.BIN")
        try tools.put(image, bytes("fine\n"), at: "/FINE.TXT")
        try tools.makeDirectory(image, "/SUB")
        try tools.put(image, bytes("inner\n"), at: "/SUB/INNER.TXT")
        raw = try RawFATImage(path: image)
    }

    var aEntry: Int { raw.entryOffset("A       BIN")! }
    var bEntry: Int { raw.entryOffset("B       BIN")! }

    func mount() throws -> FATVolume<MemoryBlockStore> {
        do { return try FATVolume.mount(raw.store(), clock: { 0 }) } catch let f as MountFailure {
            throw TestFailure("refused: \(f.reasonText)")
        }
    }

    /// The damaged volume is read-only and says why; the healthy files read.
    func assertDamagedButUsable(_ volume: FATVolume<MemoryBlockStore>, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(volume.isReadOnly, file: file, line: line)
        XCTAssertFalse(volume.warnings.isEmpty, file: file, line: line)
        XCTAssertEqual(try volume.readAll("FINE.TXT"), bytes("fine\n"), file: file, line: line)
        XCTAssertEqual(try volume.readAll("SUB/INNER.TXT"), bytes("inner\n"), file: file, line: line)
        XCTAssertFileError(.readOnly, try volume.createFile("new"), file: file, line: line)
    }

    func testAChainThatLoops() throws {
        let chain = raw.chain(raw.firstCluster(at: aEntry))
        XCTAssertEqual(chain.count, 10)
        raw.setFAT(chain[9], chain[3])
        let volume = try mount()
        try assertDamagedButUsable(volume)
        XCTAssertFileError(.ioError, try volume.readAll("A.BIN"))
        XCTAssertEqual(try volume.readAll("B.BIN"), b)
    }

    func testAChainThatLoopsToItsStart() throws {
        let chain = raw.chain(raw.firstCluster(at: aEntry))
        raw.setFAT(chain[9], chain[0])
        let volume = try mount()
        try assertDamagedButUsable(volume)
        XCTAssertFileError(.ioError, try volume.readAll("A.BIN"))
    }

    func testAChainThatRunsOffTheVolume() throws {
        let chain = raw.chain(raw.firstCluster(at: aEntry))
        raw.setFAT(chain[4], raw.clusterCount + 500)
        let volume = try mount()
        try assertDamagedButUsable(volume)
        XCTAssertFileError(.ioError, try volume.readAll("A.BIN"))
    }

    func testAChainIntoAFreeCluster() throws {
        let chain = raw.chain(raw.firstCluster(at: aEntry))
        raw.setFAT(chain[4], raw.clusterCount - 10)   // free on a fresh volume
        let volume = try mount()
        try assertDamagedButUsable(volume)
        XCTAssertFileError(.ioError, try volume.readAll("A.BIN"))
    }

    func testCrossLinkedClusters() throws {
        let chainA = raw.chain(raw.firstCluster(at: aEntry))
        let chainB = raw.chain(raw.firstCluster(at: bEntry))
        raw.setFAT(chainB[1], chainA[5])   // B's chain joins A's
        let volume = try mount()
        try assertDamagedButUsable(volume)
        XCTAssertFileError(.ioError, try volume.readAll("A.BIN"))
        XCTAssertFileError(.ioError, try volume.readAll("B.BIN"))
    }

    func testEntryStartingInsideAnotherChain() throws {
        let chainA = raw.chain(raw.firstCluster(at: aEntry))
        let orphanStart = raw.firstCluster(at: bEntry)
        raw.setFirstCluster(at: bEntry, chainA[2])
        _ = orphanStart
        let volume = try FATVolume.mount(raw.store(), clock: { 0 })
        XCTAssertFileError(.ioError, try volume.readAll("B.BIN"))
        XCTAssertEqual(try volume.readAll("A.BIN"), a)
        // Writing to it must not touch A's clusters either.
        XCTAssertThrowsError(try volume.write("B.BIN", at: 0, [1]))
        XCTAssertEqual(try volume.readAll("A.BIN"), a)
        // Nor may truncating it (an open for writing with truncate) free them.
        let free = volume.usage().freeBlocks
        let node = try volume.node("B.BIN")
        XCTAssertFileError(.ioError, try volume.resize(node, to: 0))
        XCTAssertFileError(.ioError, try volume.resize(node, to: 10))
        volume.release(node)
        XCTAssertEqual(volume.usage().freeBlocks, free)
        XCTAssertEqual(try volume.readAll("A.BIN"), a)
        XCTAssertFileError(.ioError, try volume.readAll("B.BIN"))
    }

    func testEntriesPointingOutsideTheVolume() throws {
        raw.setFirstCluster(at: aEntry, 0x0FFF_FFF0)
        raw.setFirstCluster(at: bEntry, 1)
        let sub = raw.entryOffset("SUB        ")!
        raw.setFirstCluster(at: sub, raw.clusterCount + 2)
        let volume = try FATVolume.mount(raw.store(), clock: { 0 })
        XCTAssertFileError(.ioError, try volume.readAll("A.BIN"))
        XCTAssertFileError(.ioError, try volume.readAll("B.BIN"))
        XCTAssertFileError(.ioError, try volume.names("SUB"))
        XCTAssertFileError(.ioError, try volume.node("SUB/INNER.TXT"))
        XCTAssertEqual(try volume.readAll("FINE.TXT"), bytes("fine\n"))
        // Removing the damaged entry works and frees nothing that is not its own.
        let free = volume.usage().freeBlocks
        try volume.removeFile("A.BIN")
        XCTAssertEqual(volume.usage().freeBlocks, free)
    }

    func testSizeBeyondTheChain() throws {
        raw.setSize(at: bEntry, 10_000_000)
        let volume = try mount()
        let node = try volume.node("B.BIN")
        var buffer = [UInt8](repeating: 0, count: 3000)
        XCTAssertEqual(try buffer.withUnsafeMutableBytes { r throws(FileError) in try volume.read(node, at: 0, into: r) }, 3000)
        XCTAssertEqual(buffer, b)
        XCTAssertFileError(.ioError, try buffer.withUnsafeMutableBytes { r throws(FileError) in try volume.read(node, at: 1_000_000, into: r) })
        volume.release(node)
    }

    func testFailingDiskGivesIOErrorAndKeepsDirtyData() throws {
        let store = raw.store()
        let volume = try FATVolume.mount(store, clock: { 0 })
        try volume.createFile("later.txt", bytes("kept\n"))
        store.failWrites = true
        XCTAssertFileError(.ioError, try volume.sync())
        store.failWrites = false
        try volume.unmount()
        let again = try FATVolume.mount(MemoryBlockStore(image: store.bytes), clock: { 0 })
        XCTAssertEqual(try again.readAll("later.txt"), bytes("kept\n"))
        store.failReads = true
        XCTAssertThrowsError(try FATVolume.mount(store, clock: { 0 }))
    }

    /// Random bytes over the FAT and the directories, many times: every
    /// mount either refuses or gives a volume whose every operation returns.
    func testRandomMetadataDamageNeverTraps() throws {
        let pristine = raw.bytes
        var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
        let fatRange = raw.fatOffset..<(raw.fatOffset + 4096)
        let rootRange = raw.clusterOffset(raw.rootCluster)..<(raw.clusterOffset(raw.rootCluster) + raw.clusterSize)
        let subRange = raw.clusterOffset(raw.firstCluster(at: raw.entryOffset("SUB        ")!))..<(raw.clusterOffset(raw.firstCluster(at: raw.entryOffset("SUB        ")!)) + 512)
        for round in 0..<150 {
            let store = OverlayBlockStore(base: pristine)
            for _ in 0..<(1 + Int(next() % 12)) {
                let region = [fatRange, rootRange, subRange, 0..<512][Int(next() % 4)]
                store.poke(region.lowerBound + Int(next() % UInt64(region.count)), UInt8(truncatingIfNeeded: next()))
            }
            guard let volume = try? FATVolume.mount(store, clock: { 0 }) else { continue }
            walk(volume, volume.rootNode, depth: 0)
            if !volume.isReadOnly {
                _ = try? volume.createFile("new \(round).txt", [1, 2, 3])
                _ = try? volume.removeFile("FINE.TXT")
                _ = try? volume.move("SUB", "SUB2")
            }
            _ = try? volume.unmount()
        }
    }

    private func walk<S: BlockStore>(_ volume: FATVolume<S>, _ directory: NodeID, depth: Int) {
        guard depth < 4 else { return }
        var items: [DirectoryItem] = []
        _ = try? volume.readDirectory(directory, from: 0) { item, _ in items.append(item); return items.count < 100 }
        for item in items {
            guard let node = try? volume.lookup(directory, item.name) else { continue }
            _ = try? volume.info(node)
            if item.kind == .directory {
                walk(volume, node, depth: depth + 1)
                _ = try? volume.parent(of: node)
            } else {
                var buffer = [UInt8](repeating: 0, count: 8192)
                _ = try? buffer.withUnsafeMutableBytes { r throws(FileError) in try volume.read(node, at: 0, into: r) }
            }
            volume.release(node)
        }
    }
}
