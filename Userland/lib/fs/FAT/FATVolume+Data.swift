// File data on a FAT volume: reading, writing and resizing a file's cluster
// chain. Runs of consecutive clusters move in one block-cache call (large
// ones bypass the cache, one store request each). Invariants kept: a file of
// size s owns exactly ceil(s / cluster size) clusters, an empty file has
// first cluster 0, and bytes between the old end and a write past it read as
// zeros. Files end at 4 GiB − 1 bytes (the 32-bit size field): a write is
// cut there, and one that starts there is `fileTooLarge`. A chain shorter
// than the size says, or broken, is `ioError`.
//
// Failures: a write that fails (the disk, or a damaged chain) gives back the
// clusters it allocated, so the file keeps its old size and chain. A file
// that shrinks has its smaller entry on the disk before the clusters it let
// go are free there (docs/vfs.md, "Write order").

#if canImport(KenixABI)
import KenixABI
#endif

extension FATVolume {
    public static var maxFileSize: UInt64 { 0xFFFF_FFFF }

    /// The cluster at chain index `k` of node `i`, or nil if the chain is
    /// shorter; walks from the nearest known place before `k`: the node's
    /// cursor (sequential access) or a chain mark (random access).
    func cluster(of i: Int, at k: UInt32) throws(FileError) -> UInt32? {
        let first = nodes[i].firstCluster
        guard first != 0 else { return nil }
        var c: UInt32, at: UInt32
        if nodes[i].marks.isEmpty {
            try table.checkChainStart(first)
            nodes[i].marks.start(first, clusters: UInt32(min(UInt64(nodes[i].size) / UInt64(geometry.clusterSize) + 1,
                                                             UInt64(UInt32.max))))
        }
        (at, c) = nodes[i].marks.nearest(atOrBefore: k)
        if nodes[i].cursorCluster != 0 && nodes[i].cursorIndex <= k && nodes[i].cursorIndex > at {
            (c, at) = (nodes[i].cursorCluster, nodes[i].cursorIndex)
        }
        while at < k {
            guard let n = try table.next(c) else { return nil }
            c = n
            at += 1
            chainSteps += 1
            nodes[i].marks.passed(at, c)
        }
        nodes[i].cursorIndex = at
        nodes[i].cursorCluster = c
        return c
    }

    /// Calls `body(deviceOffset, bufferOffset, length)` for the runs of
    /// contiguous clusters covering file bytes `offset ..< offset + count`.
    func forEachRun(_ i: Int, at offset: UInt64, count: Int,
                    _ body: (UInt64, Int, Int) throws(FileError) -> Void) throws(FileError) {
        guard count > 0 else { return }
        let cs = UInt64(geometry.clusterSize)
        var k = UInt32(offset / cs)
        guard var c = try cluster(of: i, at: k) else { throw .ioError }
        var done = 0
        var position = offset
        while done < count {
            let device = geometry.clusterOffset(c) + position % cs
            var length = min(Int(cs - position % cs), count - done)
            var following: UInt32? = nil
            var reachedEnd = false
            while done + length < count {
                guard let n = try table.next(c) else { reachedEnd = true; break }
                if n != c + 1 { following = n; break }
                c = n
                k += 1
                length += min(Int(cs), count - done - length)
            }
            try body(device, done, length)
            done += length
            position += UInt64(length)
            if done < count {
                guard !reachedEnd, let n = following else { throw .ioError }   // chain shorter than the file
                c = n
                k += 1
            }
        }
        nodes[i].cursorIndex = k
        nodes[i].cursorCluster = c
    }

    public func read(_ node: NodeID, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        let i = try index(of: node)
        guard !nodes[i].isDirectory else { throw .isDirectory }
        let size = UInt64(nodes[i].size)
        guard offset < size, buffer.count > 0 else { return 0 }
        let n = Int(min(UInt64(buffer.count), size - offset))
        try forEachRun(i, at: offset, count: n) { device, at, length throws(FileError) in
            try cache.read(at: device, into: UnsafeMutableRawBufferPointer(rebasing: buffer[at..<(at + length)]))
        }
        return n
    }

    public func write(_ node: NodeID, at offset: UInt64, from buffer: UnsafeRawBufferPointer) throws(FileError) -> Int {
        let i = try index(of: node)
        guard !nodes[i].isDirectory else { throw .isDirectory }
        guard buffer.count > 0 else { return 0 }
        guard offset < Self.maxFileSize else { throw .fileTooLarge }
        try beginChange()
        let cs = UInt64(geometry.clusterSize)
        let oldSize = UInt64(nodes[i].size)
        let oldClusters = UInt32((oldSize + cs - 1) / cs)
        let end = offset + min(UInt64(buffer.count), Self.maxFileSize - offset)
        let have = try grow(i, from: oldClusters, to: UInt32((end + cs - 1) / cs))
        let writableEnd = min(end, UInt64(have) * cs)
        guard writableEnd > offset else {
            try shrink(i, from: have, to: oldClusters)
            throw .noSpace
        }
        let n = Int(writableEnd - offset)
        do throws(FileError) {
            if offset > oldSize {
                try forEachRun(i, at: oldSize, count: Int(offset - oldSize)) { device, _, length throws(FileError) in
                    try cache.zero(at: device, count: UInt64(length), rank: .data)
                }
            }
            try forEachRun(i, at: offset, count: n) { device, at, length throws(FileError) in
                try cache.write(at: device, from: UnsafeRawBufferPointer(rebasing: buffer[at..<(at + length)]), rank: .data)
            }
        } catch {
            try? shrink(i, from: have, to: oldClusters)   // the file stays as it was (its bytes may not)
            throw error
        }
        nodes[i].size = UInt32(max(oldSize, writableEnd))
        // A cluster allocated for the part that did not fit would break the invariant.
        try shrink(i, from: have, to: UInt32((UInt64(nodes[i].size) + cs - 1) / cs))
        try updateEntry(i, modified: true)
        return n
    }

    public func resize(_ node: NodeID, to size: UInt64) throws(FileError) {
        let i = try index(of: node)
        guard !nodes[i].isDirectory else { throw .isDirectory }
        guard size <= Self.maxFileSize else { throw .fileTooLarge }
        try beginChange()
        let cs = UInt64(geometry.clusterSize)
        let oldSize = UInt64(nodes[i].size)
        let oldClusters = UInt32((oldSize + cs - 1) / cs)
        let wanted = UInt32((size + cs - 1) / cs)
        if size < oldSize {
            nodes[i].size = UInt32(size)
            do throws(FileError) { try shrink(i, from: oldClusters, to: wanted, entryFirst: true) } catch {
                nodes[i].size = UInt32(oldSize)
                throw error
            }
        } else if size > oldSize {
            let have = try grow(i, from: oldClusters, to: wanted)
            guard have >= wanted else {
                try shrink(i, from: have, to: oldClusters)
                throw .noSpace
            }
            do throws(FileError) {
                try forEachRun(i, at: oldSize, count: Int(size - oldSize)) { device, _, length throws(FileError) in
                    try cache.zero(at: device, count: UInt64(length), rank: .data)
                }
            } catch {
                try? shrink(i, from: have, to: oldClusters)
                throw error
            }
        }
        nodes[i].size = UInt32(size)
        try updateEntry(i, modified: true)
    }

    /// Extends node `i`'s chain from `current` to `wanted` clusters; returns
    /// how many it has now (fewer when the volume filled up).
    func grow(_ i: Int, from current: UInt32, to wanted: UInt32) throws(FileError) -> UInt32 {
        guard wanted > current else { return current }
        var last: UInt32? = current == 0 ? nil : try cluster(of: i, at: current - 1)
        if current > 0 && last == nil { throw .ioError }
        var have = current
        while have < wanted {
            let c: UInt32
            do throws(FileError) { c = try table.allocate(after: last) } catch {
                if error == .noSpace { return have }
                try? shrink(i, from: have, to: current)
                throw error
            }
            if nodes[i].firstCluster == 0 { nodes[i].firstCluster = c }
            last = c
            have += 1
        }
        return have
    }

    /// Cuts node `i`'s chain from `current` down to `wanted` clusters. With
    /// `entryFirst` the node's entry (its new size, already in the node) is
    /// written and on the disk before the clusters are freed: a cut between
    /// leaves lost clusters, never an entry naming free ones.
    func shrink(_ i: Int, from current: UInt32, to wanted: UInt32, entryFirst: Bool = false) throws(FileError) {
        guard wanted < current else { return }
        // A chain that starts inside another (a cross-link the FAT alone does
        // not show) is not this file's to free.
        if nodes[i].firstCluster != 0 { try table.checkChainStart(nodes[i].firstCluster) }
        nodes[i].cursorCluster = 0
        nodes[i].marks = FATChainMarks()
        var last: UInt32? = nil
        let rest: UInt32?
        if wanted == 0 {
            rest = nodes[i].firstCluster == 0 ? nil : nodes[i].firstCluster
            nodes[i].firstCluster = 0
        } else {
            guard let l = try cluster(of: i, at: wanted - 1) else { throw .ioError }
            last = l
            rest = try table.next(l)
        }
        nodes[i].cursorCluster = 0
        nodes[i].marks = FATChainMarks()
        if entryFirst && nodes[i].hasEntry {
            try updateEntry(i, modified: true)
            try cache.flush()
        }
        guard let first = rest else { return }
        if let l = last { try table.setEntry(l, FATTable<Store>.endOfChain) }
        try freeChain(first)
    }
}
