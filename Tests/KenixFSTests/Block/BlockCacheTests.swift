// The write-back block cache: byte-exact over any alignment, LRU eviction
// with write-back, large transfers in few store requests, read-ahead,
// errors that keep dirty data, and the write order (data, then the FAT,
// then directories, with a store flush between ranks, on flush and on
// eviction alike).
import KenixABI
import XCTest
@testable import KenixFS

final class BlockCacheTests: XCTestCase {
    func read<S: BlockStore>(_ cache: BlockCache<S>, _ offset: UInt64, _ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        _ = try out.withUnsafeMutableBytes { r throws(FileError) -> Int in try cache.read(at: offset, into: r); return 0 }
        return out
    }

    func write<S: BlockStore>(_ cache: BlockCache<S>, _ offset: UInt64, _ data: [UInt8], rank: WriteRank = .data) throws {
        _ = try data.withUnsafeBytes { r throws(FileError) -> Int in try cache.write(at: offset, from: r, rank: rank); return 0 }
    }

    func testUnalignedReadsAndWritesMatchAPlainArray() throws {
        let image = patternBytes(1 << 20, seed: 1)
        let store = MemoryBlockStore(image: image)
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 8)
        var model = image
        var rng: UInt64 = 12345
        func next(_ n: Int) -> Int { rng = rng &* 6364136223846793005 &+ 1; return Int(rng >> 33) % n }
        for round in 0..<400 {
            let offset = next(model.count - 1)
            let count = min(next(40_000) + 1, model.count - offset)
            if round % 2 == 0 {
                let data = patternBytes(count, seed: UInt64(round) + 7)
                try write(cache, UInt64(offset), data)
                model.replaceSubrange(offset..<(offset + count), with: data)
            } else {
                XCTAssertEqual(try read(cache, UInt64(offset), count), Array(model[offset..<(offset + count)]))
            }
        }
        try cache.flush()
        XCTAssertEqual(store.bytes, model)
        XCTAssertEqual(cache.dirtyBlocks, 0)
    }

    func testWriteBackHappensOnFlushOrEviction() throws {
        let store = MemoryBlockStore(sectorCount: 2048)
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 4)
        try write(cache, 100, [1, 2, 3])
        XCTAssertEqual(store.writeRequests, 0)
        XCTAssertEqual(cache.dirtyBlocks, 1)
        try cache.flush()
        XCTAssertEqual(Array(store.bytes[100..<103]), [1, 2, 3])
        XCTAssertEqual(store.flushes, 1)
        try write(cache, 0, [9])
        for b in 1...4 { _ = try read(cache, UInt64(b) * 4096 * 10, 1) }   // evicts block 0
        XCTAssertEqual(store.bytes[0], 9)
    }

    func testAdjacentDirtyBlocksGoOutInOneRequest() throws {
        let store = MemoryBlockStore(sectorCount: 4096)
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 64)
        for b in 0..<3 { try write(cache, UInt64(b) * 4096 + 10, [UInt8(b + 1)]) }   // partial: read then dirty
        let before = store.writeRequests
        try cache.flush()
        XCTAssertEqual(store.writeRequests - before, 1)
        XCTAssertEqual(store.bytes[4096 + 10], 2)
    }

    func testLargeTransfersBypassTheCacheInOneRequest() throws {
        let store = MemoryBlockStore(sectorCount: 8192)   // 4 MiB
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 16)
        let data = patternBytes(2 << 20, seed: 3)
        try write(cache, 1 << 20, data)
        XCTAssertEqual(store.writeRequests, 1)
        XCTAssertEqual(Array(store.bytes[(1 << 20)..<(3 << 20)]), data)
        let reads = store.readRequests
        XCTAssertEqual(try read(cache, 1 << 20, 2 << 20), data)
        XCTAssertEqual(store.readRequests - reads, 1)
    }

    func testMissesReadAhead() throws {
        let store = MemoryBlockStore(image: patternBytes(1 << 20, seed: 4))
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 64)
        for k in 0..<16 { _ = try read(cache, UInt64(k) * 4096 + 5, 10) }   // small sequential reads
        XCTAssertEqual(store.readRequests, 1)
        XCTAssertEqual(cache.misses, 1)
    }

    func testABadSectorInTheReadAheadFailsOnlyItsOwnBlock() throws {
        let data = patternBytes(1 << 20, seed: 5)
        let store = MemoryBlockStore(image: data)
        store.badSectors = 24..<25   // inside block 3
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 64)
        XCTAssertEqual(try read(cache, 100, 10), Array(data[100..<110]))   // block 0 reads; its read-ahead met block 3
        XCTAssertEqual(try read(cache, 8192, 4096), Array(data[8192..<12288]))
        XCTAssertFileError(.ioError, try read(cache, 3 * 4096 + 1, 1))
        XCTAssertEqual(try read(cache, 4 * 4096, 4096), Array(data[16384..<20480]))
        store.badSectors = 0..<0
        XCTAssertEqual(try read(cache, 3 * 4096, 4096), Array(data[12288..<16384]))   // nothing bad was kept
    }

    func testOutOfRangeAndFailingStores() throws {
        let store = MemoryBlockStore(sectorCount: 16)
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 4)
        XCTAssertFileError(.ioError, try read(cache, 8192 - 1, 2))
        XCTAssertFileError(.ioError, try write(cache, UInt64.max - 1, [1]))
        try write(cache, 0, [5])
        store.failWrites = true
        XCTAssertFileError(.ioError, try cache.flush())
        XCTAssertEqual(cache.dirtyBlocks, 1)   // kept, not lost
        store.failWrites = false
        try cache.flush()
        XCTAssertEqual(store.bytes[0], 5)
        let cold = BlockCache(store: store, blockSize: 4096, capacity: 4)
        store.failReads = true
        XCTAssertFileError(.ioError, try read(cold, 4096, 1))
        store.failReads = false
        XCTAssertEqual(try read(cold, 0, 1), [5])
    }

    func testAShortLastBlock() throws {
        let store = MemoryBlockStore(image: patternBytes(5 * 512, seed: 8))   // 2.5 KiB: one short block
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 4)
        XCTAssertEqual(try read(cache, 0, 2560), store.bytes)
        try write(cache, 2559, [0xAB])
        try cache.flush()
        XCTAssertEqual(store.bytes[2559], 0xAB)
        XCTAssertFileError(.ioError, try read(cache, 2560, 1))
    }

    /// The store's log as (block, flushes before it) pairs, 4 KiB blocks.
    func order(_ store: RecordingBlockStore) -> [(block: Int, barriers: Int)] {
        store.writes.enumerated().map { k, w in (w.offset / 4096, store.flushes.filter { $0 <= k }.count) }
    }

    func testFlushWritesDataThenTheTableThenDirectoriesWithBarriers() throws {
        let store = RecordingBlockStore(image: [UInt8](repeating: 0, count: 1 << 20))
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 16)
        try write(cache, 10 * 4096, [2], rank: .directory)
        try write(cache, 5 * 4096, [1], rank: .table)
        try write(cache, 20 * 4096, [0], rank: .data)
        try write(cache, 3 * 4096, [2], rank: .directory)
        try write(cache, 7 * 4096, [1], rank: .table)
        try cache.flush()
        let log = order(store)
        XCTAssertEqual(log.map(\.block), [20, 5, 7, 3, 10])
        XCTAssertEqual(log.map(\.barriers), [0, 1, 1, 2, 2])
        XCTAssertEqual(store.flushes.count, 3)   // between the ranks, and at the end
        try cache.flush()
        XCTAssertEqual(store.flushes.count, 3, "nothing written: no flush")
    }

    func testABlockHoldsItsHighestRankAndAdjacentBlocksJoinOnlyAtOrBelowIt() throws {
        let store = RecordingBlockStore(image: [UInt8](repeating: 0, count: 1 << 20))
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 16)
        try write(cache, 7 * 4096, [1], rank: .directory)
        try write(cache, 7 * 4096 + 100, [1], rank: .data)      // still a directory block
        try write(cache, 8 * 4096, [1], rank: .data)
        try write(cache, 9 * 4096, [1], rank: .table)
        try cache.flush()
        XCTAssertEqual(order(store).map(\.block), [8, 9, 7])   // 8 alone (9 is higher), then 9, then 7
    }

    func testEvictingADirectoryBlockWritesLowerRanksFirst() throws {
        let store = RecordingBlockStore(image: [UInt8](repeating: 0, count: 1 << 20))
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 3)
        try write(cache, 40 * 4096, [1], rank: .directory)   // least recently used: the victim
        try write(cache, 50 * 4096, [1], rank: .table)
        try write(cache, 60 * 4096, [1], rank: .data)
        _ = try read(cache, 100 * 4096, 1)
        let log = order(store)
        XCTAssertEqual(log.map(\.block), [60, 50, 40])
        XCTAssertEqual(log.map(\.barriers), [0, 1, 2])
        XCTAssertEqual(cache.dirtyBlocks, 0)
    }

    func testAFailedBarrierIsRetriedBeforeAnythingOfAHigherRank() throws {
        let store = RecordingBlockStore(image: [UInt8](repeating: 0, count: 1 << 20))
        let cache = BlockCache(store: store, blockSize: 4096, capacity: 8)
        try write(cache, 0, [1], rank: .data)
        try write(cache, 4096, [2], rank: .table)
        store.failFlushes = true
        XCTAssertFileError(.ioError, try cache.flush())
        XCTAssertEqual(order(store).map(\.block), [0])          // the table block waits for the barrier
        XCTAssertEqual(cache.dirtyBlocks, 1)
        store.failFlushes = false
        try cache.flush()
        XCTAssertEqual(order(store).map(\.block), [0, 1])
        XCTAssertEqual(order(store).map(\.barriers), [0, 1])
        XCTAssertEqual(store.flushes, [1, 2])
    }
}
