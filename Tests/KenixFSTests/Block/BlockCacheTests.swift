// The write-back block cache: byte-exact over any alignment, LRU eviction
// with write-back, large transfers in few store requests, read-ahead, and
// errors that keep dirty data.
import KenixABI
import XCTest
@testable import KenixFS

final class BlockCacheTests: XCTestCase {
    func read(_ cache: BlockCache<MemoryBlockStore>, _ offset: UInt64, _ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        _ = try out.withUnsafeMutableBytes { r throws(FileError) -> Int in try cache.read(at: offset, into: r); return 0 }
        return out
    }

    func write(_ cache: BlockCache<MemoryBlockStore>, _ offset: UInt64, _ data: [UInt8]) throws {
        _ = try data.withUnsafeBytes { r throws(FileError) -> Int in try cache.write(at: offset, from: r); return 0 }
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
}
