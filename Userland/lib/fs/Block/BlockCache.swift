// BlockCache: a write-back cache of fixed-size blocks over a BlockStore,
// addressed by byte offset on the device. Reads and writes of any length
// and alignment; least-recently-used eviction; dirty blocks reach the store
// on eviction (with their dirty neighbours, as one request) or on `flush`.
//
// Large aligned transfers bypass the cache: a run of whole blocks that are
// not cached goes straight between the caller's buffer and the store in one
// request (reads), or is written through (writes). Cached blocks stay
// authoritative, so the two paths never disagree. A miss reads ahead over
// the following uncached blocks in the same request.
//
// Write order (docs/vfs.md, "Write order"): every write names what the block
// holds, a `WriteRank` — file data, then the allocation table, then
// directories. A dirty block reaches the store only after every dirty block
// of a lower rank has, with a store flush (a barrier) in between, whether it
// goes out on eviction or on `flush`. So a directory entry is never on the
// disk before the clusters it names are allocated there, which is what keeps
// a volume consistent when the power goes at any point.
//
// Errors: a transfer outside the device is `ioError`; a store failure
// propagates, and a dirty block whose write failed stays dirty (never lost).

#if canImport(KenixABI)
import KenixABI
#endif

/// What a cached block holds, in the order such blocks reach the disk.
public enum WriteRank: UInt8, Comparable {
    case data = 0
    case table = 1
    case directory = 2

    public static func < (a: WriteRank, b: WriteRank) -> Bool { a.rawValue < b.rawValue }
}

public final class BlockCache<Store: BlockStore> {
    public let store: Store
    public let blockSize: Int
    public let capacity: Int
    let sectorsPerBlock: Int
    /// Device size in bytes.
    public let deviceBytes: UInt64
    /// Whole-block runs at least this long bypass the cache.
    let directThreshold = 4
    /// Blocks read (or written) in one request through the staging area.
    let runLimit = 16

    private let slots: UnsafeMutableRawBufferPointer
    // Separate staging areas: an eviction's write-back may run while a
    // read-ahead's data waits in `staging`, and `zeros` is a source only.
    private let staging: UnsafeMutableRawBufferPointer
    private let writeStaging: UnsafeMutableRawBufferPointer
    private let zeros: UnsafeMutableRawBufferPointer
    private var blockOf: [UInt64]
    private var dirty: [Bool]
    /// The highest rank written to a dirty block since it was last clean.
    private var rank: [WriteRank]
    /// The lowest rank the store has written since its last flush (nil: none):
    /// a write of a higher rank needs a barrier first.
    private var lowestUnflushed: WriteRank? = nil
    private var newer: [Int]      // LRU list: toward the most recently used
    private var older: [Int]
    private var mostRecent = -1
    private var leastRecent = -1
    private var used = 0
    private var index: [UInt64: Int] = [:]
    private static var empty: UInt64 { UInt64.max }

    /// Store requests issued, for tests and statistics.
    public private(set) var storeReads = 0
    public private(set) var storeWrites = 0
    public private(set) var hits = 0
    public private(set) var misses = 0
    public private(set) var barriers = 0

    public init(store: Store, blockSize: Int = 4096, capacity: Int = 256) {
        self.store = store
        let size = max(blockSize, store.sectorSize)
        self.blockSize = size
        self.capacity = max(capacity, 2)
        sectorsPerBlock = size / store.sectorSize
        deviceBytes = store.sectorCount * UInt64(store.sectorSize)
        slots = .allocate(byteCount: self.capacity * size, alignment: 16)
        staging = .allocate(byteCount: runLimit * size, alignment: 16)
        writeStaging = .allocate(byteCount: runLimit * size, alignment: 16)
        zeros = .allocate(byteCount: runLimit * size, alignment: 16)
        memsetZero(zeros, zeros.count)
        blockOf = [UInt64](repeating: Self.empty, count: self.capacity)
        dirty = [Bool](repeating: false, count: self.capacity)
        rank = [WriteRank](repeating: .data, count: self.capacity)
        newer = [Int](repeating: -1, count: self.capacity)
        older = [Int](repeating: -1, count: self.capacity)
    }

    deinit {
        slots.deallocate()
        staging.deallocate()
        writeStaging.deallocate()
        zeros.deallocate()
    }

    public var dirtyBlocks: Int { dirty.reduce(0) { $0 + ($1 ? 1 : 0) } }

    // MARK: reads and writes

    public func read(at offset: UInt64, into destination: UnsafeMutableRawBufferPointer) throws(FileError) {
        let count = destination.count
        guard offset <= deviceBytes, UInt64(count) <= deviceBytes - offset else { throw .ioError }
        var done = 0
        while done < count {
            let position = offset + UInt64(done)
            let block = position / UInt64(blockSize)
            let inBlock = Int(position % UInt64(blockSize))
            let n = min(blockSize - inBlock, count - done)
            if let slot = index[block] {
                hits += 1
                touch(slot)
                copyOut(slot, inBlock, destination, done, n)
            } else if inBlock == 0, n == blockSize,
                      case let run = uncachedRun(from: block, limit: (count - done) / blockSize), run >= directThreshold {
                misses += run
                try storeRead(block: block, blocks: run,
                              into: UnsafeMutableRawBufferPointer(rebasing: destination[done..<(done + run * blockSize)]))
                done += run * blockSize
                continue
            } else {
                misses += 1
                let slot = try load(block)
                copyOut(slot, inBlock, destination, done, n)
            }
            done += n
        }
    }

    /// Writes `source` at `offset`; `rank` says what the bytes are (file data,
    /// the allocation table, directory entries) for the write order.
    public func write(at offset: UInt64, from source: UnsafeRawBufferPointer, rank kind: WriteRank) throws(FileError) {
        let count = source.count
        guard offset <= deviceBytes, UInt64(count) <= deviceBytes - offset else { throw .ioError }
        var done = 0
        while done < count {
            let position = offset + UInt64(done)
            let block = position / UInt64(blockSize)
            let inBlock = Int(position % UInt64(blockSize))
            let n = min(blockSize - inBlock, count - done)
            let slot: Int
            if let cached = index[block] {
                slot = cached
                touch(slot)
            } else if inBlock == 0, n == blockSize {
                let run = uncachedRun(from: block, limit: (count - done) / blockSize)
                if run >= directThreshold {
                    try storeWrite(block: block, blocks: run,
                                   from: UnsafeRawBufferPointer(rebasing: source[done..<(done + run * blockSize)]))
                    done += run * blockSize
                    continue
                }
                slot = try install(block)   // overwritten whole: nothing to read
            } else {
                slot = try load(block)
            }
            (slots.baseAddress! + slot * blockSize + inBlock)
                .copyMemory(from: source.baseAddress! + done, byteCount: n)
            rank[slot] = dirty[slot] ? max(rank[slot], kind) : kind
            dirty[slot] = true
            done += n
        }
    }

    /// Writes `count` zero bytes at `offset` (new clusters, file extension).
    public func zero(at offset: UInt64, count: UInt64, rank kind: WriteRank) throws(FileError) {
        guard offset <= deviceBytes, count <= deviceBytes - offset else { throw .ioError }
        var done: UInt64 = 0
        while done < count {
            let n = Int(min(UInt64(zeros.count), count - done))
            try write(at: offset + done, from: UnsafeRawBufferPointer(rebasing: zeros[0..<n]), rank: kind)
            done += UInt64(n)
        }
    }

    // MARK: write-back

    /// Writes every dirty block, rank by rank (ascending addresses within a
    /// rank, adjacent ones in one request) with a barrier after each, so the
    /// store holds everything written so far durably when it returns. On a
    /// failure the blocks not yet written stay dirty, and so does the barrier.
    public func flush() throws(FileError) {
        try writeRanks(below: nil)
        if lowestUnflushed != nil { try barrier() }
    }

    /// Writes the dirty blocks of every rank below `limit` (nil: all), lowest
    /// rank first (`ordered` puts the barriers between the ranks).
    private func writeRanks(below limit: WriteRank?) throws(FileError) {
        for r: WriteRank in [.data, .table, .directory] {
            if let limit, r >= limit { return }
            var order: [Int] = []
            for slot in 0..<capacity where dirty[slot] && rank[slot] == r { order.append(slot) }
            order.sort { blockOf[$0] < blockOf[$1] }
            for slot in order where dirty[slot] { try writeBack(around: slot) }
        }
    }

    /// Called before the store writes a block of rank `r`: a barrier first if
    /// a lower rank was written since the last one.
    private func ordered(_ r: WriteRank) throws(FileError) {
        if let low = lowestUnflushed, low < r { try barrier() }
        lowestUnflushed = min(lowestUnflushed ?? r, r)
    }

    /// A store flush: nothing written after it reaches the medium before what
    /// was written before it (the store may cache writes until a flush).
    private func barrier() throws(FileError) {
        barriers += 1
        try store.flush()
        lowestUnflushed = nil
    }

    /// Drops every block; dirty ones are lost (after a failed unmount only).
    public func discardAll() {
        for slot in 0..<capacity { blockOf[slot] = Self.empty; dirty[slot] = false }
        index.removeAll()
        mostRecent = -1
        leastRecent = -1
        used = 0
    }

    // MARK: slots

    private func copyOut(_ slot: Int, _ inBlock: Int, _ destination: UnsafeMutableRawBufferPointer, _ at: Int, _ n: Int) {
        (destination.baseAddress! + at).copyMemory(from: slots.baseAddress! + slot * blockSize + inBlock, byteCount: n)
    }

    /// How many blocks from `block` (at most `limit`) are whole device blocks not in the cache.
    private func uncachedRun(from block: UInt64, limit: Int) -> Int {
        var run = 0
        let wholeBlocks = deviceBytes / UInt64(blockSize)
        while run < limit, block + UInt64(run) < wholeBlocks, index[block + UInt64(run)] == nil { run += 1 }
        return run
    }

    /// Sectors of `block` that exist on the device (the last block may be short).
    private func sectors(in block: UInt64) -> Int {
        let first = block * UInt64(sectorsPerBlock)
        return Int(min(UInt64(sectorsPerBlock), store.sectorCount - first))
    }

    private func storeRead(block: UInt64, blocks: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) {
        storeReads += 1
        try store.read(sector: block * UInt64(sectorsPerBlock), count: blocks * sectorsPerBlock, into: buffer)
    }

    private func storeWrite(block: UInt64, blocks: Int, from buffer: UnsafeRawBufferPointer) throws(FileError) {
        storeWrites += 1
        try ordered(.data)
        try store.write(sector: block * UInt64(sectorsPerBlock), count: blocks * sectorsPerBlock, from: buffer)
    }

    /// The slot holding `block`, read from the store (with read-ahead over
    /// the uncached whole blocks after it) if it was not cached.
    private func load(_ block: UInt64) throws(FileError) -> Int {
        let sectorCount = sectors(in: block)
        if sectorCount < sectorsPerBlock {       // the device's short last block
            let slot = try install(block)
            memsetZero(UnsafeMutableRawBufferPointer(rebasing: slots[(slot * blockSize)..<((slot + 1) * blockSize)]), blockSize)
            storeReads += 1
            do throws(FileError) {
                try store.read(sector: block * UInt64(sectorsPerBlock), count: sectorCount,
                               into: UnsafeMutableRawBufferPointer(rebasing: slots[(slot * blockSize)..<((slot + 1) * blockSize)]))
            } catch {
                drop(slot)
                throw error
            }
            return slot
        }
        var run = max(1, min(uncachedRun(from: block, limit: runLimit), capacity / 2))
        do throws(FileError) {
            try storeRead(block: block, blocks: run, into: UnsafeMutableRawBufferPointer(rebasing: staging[0..<(run * blockSize)]))
        } catch {
            // A bad sector in the read-ahead must not fail the block asked for.
            guard run > 1 else { throw error }
            run = 1
            try storeRead(block: block, blocks: 1, into: UnsafeMutableRawBufferPointer(rebasing: staging[0..<blockSize]))
        }
        var first = -1
        for k in stride(from: run - 1, through: 0, by: -1) {   // the requested block ends most recent
            let slot = try install(block + UInt64(k))
            (slots.baseAddress! + slot * blockSize).copyMemory(from: staging.baseAddress! + k * blockSize, byteCount: blockSize)
            if k == 0 { first = slot }
        }
        return first
    }

    /// A slot for `block` (contents undefined), most recently used; evicts
    /// the least recently used block, writing it back if dirty.
    private func install(_ block: UInt64) throws(FileError) -> Int {
        let slot: Int
        if used < capacity {
            slot = used
            used += 1
        } else {
            let victim = leastRecent
            if dirty[victim] {
                try writeRanks(below: rank[victim])
                try writeBack(around: victim)
            }
            unlink(victim)
            index[blockOf[victim]] = nil
            slot = victim
        }
        blockOf[slot] = block
        dirty[slot] = false
        index[block] = slot
        linkFront(slot)
        return slot
    }

    private func drop(_ slot: Int) {
        index[blockOf[slot]] = nil
        blockOf[slot] = Self.empty
        dirty[slot] = false
        unlink(slot)
        linkBack(slot)   // reused first
    }

    /// Writes the run of adjacent dirty cached blocks around `slot` in one
    /// request; only blocks of its rank or lower join it (higher ones wait
    /// for their barrier). Every lower rank is written already.
    private func writeBack(around slot: Int) throws(FileError) {
        let block = blockOf[slot]
        let limit = rank[slot]
        var first = block
        while first > 0, block - first + 1 < UInt64(runLimit), let s = index[first - 1], dirty[s], rank[s] <= limit,
              sectors(in: first - 1) == sectorsPerBlock { first -= 1 }
        var run = 0
        while run < runLimit, let s = index[first + UInt64(run)], dirty[s], rank[s] <= limit { run += 1 }
        var sectorTotal = 0
        for k in 0..<run {
            let s = index[first + UInt64(k)]!
            let n = sectors(in: first + UInt64(k))
            (writeStaging.baseAddress! + k * blockSize).copyMemory(from: slots.baseAddress! + s * blockSize, byteCount: blockSize)
            sectorTotal += n
            if n < sectorsPerBlock { run = k + 1; break }
        }
        storeWrites += 1
        try ordered(limit)
        try store.write(sector: first * UInt64(sectorsPerBlock), count: sectorTotal,
                        from: UnsafeRawBufferPointer(writeStaging))
        for k in 0..<run { dirty[index[first + UInt64(k)]!] = false }
    }

    private func touch(_ slot: Int) {
        guard slot != mostRecent else { return }
        unlink(slot)
        linkFront(slot)
    }

    private func unlink(_ slot: Int) {
        let n = newer[slot], o = older[slot]
        if n >= 0 { older[n] = o } else if mostRecent == slot { mostRecent = o }
        if o >= 0 { newer[o] = n } else if leastRecent == slot { leastRecent = n }
        newer[slot] = -1
        older[slot] = -1
    }

    private func linkFront(_ slot: Int) {
        older[slot] = mostRecent
        newer[slot] = -1
        if mostRecent >= 0 { newer[mostRecent] = slot }
        mostRecent = slot
        if leastRecent < 0 { leastRecent = slot }
    }

    private func linkBack(_ slot: Int) {
        newer[slot] = leastRecent
        older[slot] = -1
        if leastRecent >= 0 { older[leastRecent] = slot }
        leastRecent = slot
        if mostRecent < 0 { mostRecent = slot }
    }
}

@inline(__always)
func memsetZero(_ buffer: UnsafeMutableRawBufferPointer, _ count: Int) {
    guard count > 0, let base = buffer.baseAddress else { return }
    base.initializeMemory(as: UInt8.self, repeating: 0, count: count)
}
