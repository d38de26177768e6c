// FATTable: the file allocation table of a FAT32 volume — entries, cluster
// chains, allocation and freeing — over the block cache. Entries are 28
// bits; the top 4 bits of each are preserved on writes (fatgen103, section
// 4). Every write goes to all FAT copies unless BPB_ExtFlags turned
// mirroring off, in which case only the active FAT is read and written.
//
// At mount `scan` reads the whole FAT once and builds two bit sets: free
// clusters (for allocation and an exact free count) and clusters that some
// entry points to (their "predecessor"). A chain that runs into a free or
// out-of-range cluster, or two entries pointing at one cluster (a
// cross-link, or a loop), is damage: the volume records it and is mounted
// read-only, and any chain through such a cluster gives `ioError`.

#if canImport(KenixABI)
import KenixABI
#endif

final class FATTable<Store: BlockStore> {
    static var endOfChain: UInt32 { 0x0FFF_FFFF }
    static var badCluster: UInt32 { 0x0FFF_FFF7 }
    static var mask: UInt32 { 0x0FFF_FFFF }
    /// FAT[1] bits (fatgen103, section 4): set = clean shutdown / no hard error.
    static var cleanShutdownBit: UInt32 { 0x0800_0000 }
    static var noHardErrorBit: UInt32 { 0x0400_0000 }

    let cache: BlockCache<Store>
    let geometry: FATGeometry
    private var free: BitSet
    private var predecessor: BitSet
    /// Clusters reached by more than one entry, or chain targets that are free.
    private(set) var damaged: Set<UInt32> = []
    /// Entries holding values that are neither a cluster, end of chain, bad nor free.
    private(set) var invalidEntries = 0
    /// Chains without an end: a loop back to the chain's first cluster (found
    /// by counting chain heads against ends; other loops are cross-links).
    private(set) var hasCycles = false
    private(set) var freeCount: UInt32 = 0
    /// Where the next free-cluster search starts (FSInfo's FSI_Nxt_Free).
    var nextFree: UInt32 = 2
    private let scratch: UnsafeMutableRawBufferPointer

    init(cache: BlockCache<Store>, geometry: FATGeometry) {
        self.cache = cache
        self.geometry = geometry
        free = BitSet(count: Int(geometry.maxCluster) + 1)
        predecessor = BitSet(count: Int(geometry.maxCluster) + 1)
        scratch = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { scratch.deallocate() }

    var isDamaged: Bool { !damaged.isEmpty || invalidEntries > 0 || hasCycles }

    private var readCopy: Int { geometry.mirroring ? 0 : geometry.activeFAT }

    // MARK: entries

    /// The raw 32-bit entry `index` of the FAT being read (top bits included).
    func rawEntry(_ index: UInt32) throws(FileError) -> UInt32 {
        let chunk = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<4])
        try cache.read(at: geometry.fatOffset(readCopy) + UInt64(index) * 4, into: chunk)
        return chunk.le32(0)
    }

    func entry(_ cluster: UInt32) throws(FileError) -> UInt32 {
        try rawEntry(cluster) & Self.mask
    }

    /// Writes entry `index` (28 bits, the stored top 4 bits kept) to every FAT in use.
    func setRawEntry(_ index: UInt32, _ value: UInt32, keepTopBits: Bool = true) throws(FileError) {
        let old = try rawEntry(index)
        let new = keepTopBits ? (old & ~Self.mask) | (value & Self.mask) : value
        let chunk = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<4])
        chunk.setLE32(0, new)
        for copy in 0..<geometry.fatCount where geometry.mirroring || copy == geometry.activeFAT {
            try cache.write(at: geometry.fatOffset(copy) + UInt64(index) * 4, from: UnsafeRawBufferPointer(chunk), rank: .table)
        }
    }

    /// Sets the entry of a data cluster, keeping the free and predecessor sets in step.
    func setEntry(_ cluster: UInt32, _ value: UInt32) throws(FileError) {
        let old = try entry(cluster)
        try setRawEntry(cluster, value)
        if geometry.isValidCluster(old) { predecessor[Int(old)] = false }
        if geometry.isValidCluster(value) { predecessor[Int(value)] = true }
        let wasFree = old == 0, isFree = value == 0
        if wasFree && !isFree { free[Int(cluster)] = false; freeCount -= 1 }
        if !wasFree && isFree { free[Int(cluster)] = true; freeCount += 1 }
    }

    // MARK: chains

    /// The cluster after `cluster` in its chain, nil at the end; `ioError`
    /// when the link is damaged (free, reserved, bad, out of range, cross-linked).
    func next(_ cluster: UInt32) throws(FileError) -> UInt32? {
        let value = try entry(cluster)
        if value >= 0x0FFF_FFF8 { return nil }
        guard geometry.isValidCluster(value), !damaged.contains(value) else { throw .ioError }
        return value
    }

    /// Whether a chain may start at `cluster`: a valid cluster, allocated,
    /// and not the target of another entry (that would be a cross-link).
    func checkChainStart(_ cluster: UInt32) throws(FileError) {
        guard geometry.isValidCluster(cluster), !damaged.contains(cluster), !predecessor[Int(cluster)],
              !free[Int(cluster)] else { throw .ioError }
    }

    /// The number of clusters in the chain from `first` (bounded: a longer
    /// walk than the volume has clusters is a loop, `ioError`).
    func chainLength(_ first: UInt32) throws(FileError) -> UInt32 {
        try checkChainStart(first)
        var count: UInt32 = 1
        var c = first
        while let n = try next(c) {
            count += 1
            guard count <= geometry.clusterCount else { throw .ioError }
            c = n
        }
        return count
    }

    /// Allocates a free cluster, marks it end-of-chain and, if `after` is
    /// given and `link` is true, links it behind `after`. Prefers the cluster
    /// right after `after` (contiguous files), then searches from `nextFree`.
    func allocate(after: UInt32?, link: Bool = true) throws(FileError) -> UInt32 {
        guard freeCount > 0 else { throw .noSpace }
        var found: UInt32? = nil
        if let a = after, a < geometry.maxCluster, free[Int(a + 1)] { found = a + 1 }
        if found == nil {
            let start = Int(max(2, min(nextFree, geometry.maxCluster)))
            let end = Int(geometry.maxCluster) + 1
            if let c = free.firstSet(from: start, to: end) ?? free.firstSet(from: 2, to: start) { found = UInt32(c) }
        }
        guard let cluster = found, !predecessor[Int(cluster)] else { throw .noSpace }
        try setEntry(cluster, Self.endOfChain)
        if link, let a = after { try setEntry(a, cluster) }
        nextFree = cluster + 1 > geometry.maxCluster ? 2 : cluster + 1
        return cluster
    }

    /// Frees every cluster of the chain from `first`.
    func freeChain(_ first: UInt32) throws(FileError) {
        var c: UInt32? = first
        var steps: UInt32 = 0
        while let cluster = c {
            steps += 1
            guard steps <= geometry.clusterCount else { throw .ioError }
            let following = try next(cluster)
            try setEntry(cluster, 0)
            c = following
        }
    }

    // MARK: mount

    /// Reads the whole FAT: free set, predecessor set, damage, free count.
    func scan() throws(FileError) {
        let max = geometry.maxCluster
        var index: UInt32 = 0
        let total = UInt64(max) + 1
        var member = BitSet(count: Int(max) + 1)   // part of some chain
        freeCount = 0
        while UInt64(index) < total {
            let entries = Int(min(UInt64(scratch.count / 4), total - UInt64(index)))
            let chunk = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<(entries * 4)])
            try cache.read(at: geometry.fatOffset(readCopy) + UInt64(index) * 4, into: chunk)
            for k in 0..<entries {
                let cluster = index + UInt32(k)
                guard cluster >= 2 else { continue }
                let value = chunk.le32(k * 4) & Self.mask
                if value == 0 {
                    free[Int(cluster)] = true
                    freeCount += 1
                } else if geometry.isValidCluster(value) {
                    if predecessor[Int(value)] { damaged.insert(value) }
                    predecessor[Int(value)] = true
                    member[Int(cluster)] = true
                } else if value >= 0x0FFF_FFF8 {
                    member[Int(cluster)] = true
                } else if value < Self.badCluster {
                    invalidEntries += 1   // 1, or beyond the last cluster
                }
            }
            index += UInt32(entries)
        }
        // A chain that points at a free cluster is broken there.
        for c in 2...Int(max) where predecessor[c] && free[c] { damaged.insert(UInt32(c)) }
        // Walk every chain from its head (a member nothing points to); a
        // member no walk reaches lies on a circle with no head at all.
        guard damaged.isEmpty else { return }
        var c = 2
        while let head = member.firstSet(from: c, to: Int(max) + 1) {
            c = head + 1
            guard !predecessor[head] else { continue }
            var at = head
            while true {
                member[at] = false
                let value = try entry(UInt32(at))
                guard geometry.isValidCluster(value), member[Int(value)] else { break }
                at = Int(value)
            }
        }
        if member.firstSet(from: 2, to: Int(max) + 1) != nil { hasCycles = true }
    }

    /// The clean-shutdown bit of FAT[1]: clear while the volume is being
    /// changed, set once everything is written (fsck.fat reports it).
    func isClean() throws(FileError) -> Bool {
        try rawEntry(1) & Self.cleanShutdownBit != 0
    }

    func setClean(_ clean: Bool) throws(FileError) {
        let raw = try rawEntry(1)
        let value = clean ? raw | Self.cleanShutdownBit : raw & ~Self.cleanShutdownBit
        if value != raw { try setRawEntry(1, value, keepTopBits: false) }
    }
}
